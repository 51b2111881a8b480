"""Quality home cards (served from the latest snapshot: no live computation on home; the menu is
declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card


def home_cards(request) -> list[HomeCard]:
    from .choices import MeasureName, SnapshotLevel
    from .models import SnapshotValue
    from .selectors import plans_with_overdue_actions, snapshot_latest

    user = request.user
    if not user.has_perm("quality.view_snapshot"):
        return []
    cards = []
    snapshot = snapshot_latest()
    if snapshot is not None:
        office = {
            v.measure: v
            for v in SnapshotValue.objects.filter(
                snapshot=snapshot,
                level=SnapshotLevel.OFFICE,
                measure__in=[MeasureName.ORDERS, MeasureName.CURRENT_COLLECTIONS],
            )
        }
        for name in (MeasureName.ORDERS, MeasureName.CURRENT_COLLECTIONS):
            v = office.get(name)
            if v is not None and v.value is not None:
                cards.append(
                    HomeCard(
                        title=MeasureName(name).label,
                        value=f"{v.value}%",
                        url=reverse("quality:dashboard"),
                        note=f"Snapshot {snapshot.taken_on}; incentive {v.incentive_percentage}",
                        tone="success" if v.value >= 80 else "warning",
                    )
                )
    if user.has_perm("quality.view_planaction"):
        overdue = plans_with_overdue_actions(user=user, today=timezone.localdate()).count()
        cards.append(
            count_card(
                "Plans with overdue actions", overdue, reverse("quality:plan_list") + "?overdue=on", tone="danger"
            )
        )
    return cards

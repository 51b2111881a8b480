"""Enforcement home cards (payment files and bank reconciliation have their own module; the menu is
declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card


def home_cards(request) -> list[HomeCard]:
    user = request.user
    if not user.has_perm("enforcement.work_enforcementaction"):
        return []
    from .models import EnforcementAction

    today = timezone.localdate()
    actions = EnforcementAction.objects.restrict(user)
    proposed = actions.filter(status="proposed").count()
    overdue = actions.timeframe_overdue(today).count()
    contested = actions.filter(status="contested").count()
    queue = reverse("enforcement:action_list")
    return [
        count_card("Proposed actions", proposed, f"{queue}?status=proposed", note="Issue the notices."),
        count_card(
            "Past the 30-day timeframe", overdue, f"{queue}?overdue=on", note="45 CFR 303.6(c)(2)", tone="danger"
        ),
        count_card("Contested", contested, f"{queue}?status=contested", note="Waiting for a decision.", tone="warning"),
    ]

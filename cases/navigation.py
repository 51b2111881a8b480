"""The caseworker's home cards (the Cases menu is declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card

from .choices import PERSON_CHECK_PERMISSION, CaseStatus


def home_cards(request) -> list[HomeCard]:
    """For caseworkers (holders of a caseload): open cases, overdue deadlines, open work items; for
    coordinators (``PERSON_CHECK_PERMISSION``) their open work items, with the coordinator unit's
    unassigned ones (``selectors.work_items_mine``, as "My work items" lists them)."""
    user = request.user
    caseworker = user.has_perm("cases.add_case")
    if not user.has_perm("cases.view_case") or not (caseworker or user.has_perm(PERSON_CHECK_PERMISSION)):
        return []
    from .models import Case
    from .selectors import work_items_mine

    today = timezone.localdate()
    items = work_items_mine(user=user)
    items_overdue = items.filter(due_on__lt=today).count()
    cards = []
    if caseworker:
        mine = Case.objects.restrict(user).filter(caseworker=user, status=CaseStatus.OPEN)
        overdue = mine.filter(next_deadline_on__lt=today).count()
        caseload = reverse("cases:case_list")
        cards += [
            count_card("My open cases", mine.count(), caseload + "?status=open"),
            count_card(
                "Overdue deadlines",
                overdue,
                caseload + "?status=open&deadline=overdue",
                note="Federal timeframes (45 CFR 303)",
                tone="danger",
            ),
        ]
    return [
        *cards,
        HomeCard(
            "Open work items",
            str(items.count()),
            reverse("cases:workitem_list"),
            note=f"{items_overdue} overdue" if items_overdue else "",
            tone="warning" if items_overdue else "secondary",
        ),
    ]

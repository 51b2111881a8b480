"""The caseworker's home cards (the Cases menu is declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card

from .choices import CaseStatus, WorkItemStatus


def home_cards(request) -> list[HomeCard]:
    """For caseworkers (holders of a caseload): open cases, overdue deadlines, open work items."""
    user = request.user
    if not user.has_perm("cases.view_case") or not user.has_perm("cases.add_case"):
        return []
    from .models import Case, WorkItem

    today = timezone.localdate()
    mine = Case.objects.restrict(user).filter(caseworker=user, status=CaseStatus.OPEN)
    overdue = mine.filter(next_deadline_on__lt=today).count()
    items = WorkItem.objects.restrict(user).filter(assigned_to=user, status=WorkItemStatus.OPEN)
    items_overdue = items.filter(due_on__lt=today).count()
    caseload = reverse("cases:case_list")
    return [
        count_card("My open cases", mine.count(), caseload + "?status=open"),
        count_card(
            "Overdue deadlines",
            overdue,
            caseload + "?status=open&deadline=overdue",
            note="Federal timeframes (45 CFR 303)",
            tone="danger",
        ),
        HomeCard(
            "Open work items",
            str(items.count()),
            reverse("cases:workitem_list"),
            note=f"{items_overdue} overdue" if items_overdue else "",
            tone="warning" if items_overdue else "secondary",
        ),
    ]

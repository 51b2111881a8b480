"""Enforcement menu and home cards (payment files and bank reconciliation have their own module)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, MenuGroup, MenuItem, count_card

MENU = MenuGroup(
    "Enforcement",
    [
        MenuItem("Coordinator dashboard", "enforcement:dashboard", "enforcement.view_sweeprun"),
        MenuItem("Enforcement queue", "enforcement:action_list", "enforcement.view_enforcementaction"),
        MenuItem("Court petitions", "enforcement:petition_list", "enforcement.view_petition"),
        MenuItem("Court calendar", "enforcement:court_calendar", "enforcement.view_courthearing"),
        MenuItem("Criminal referrals", "enforcement:referral_list", "enforcement.view_criminalreferral"),
        MenuItem("Sweep runs", "enforcement:sweeprun_list", "enforcement.view_sweeprun"),
        MenuItem("Remedy rules", "enforcement:rule_list", "enforcement.view_remedyrule"),
    ],
)


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

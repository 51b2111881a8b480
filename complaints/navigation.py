"""Complaints home cards (the menu is declared with the others in config/navigation.py)."""

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, queue_cards


def home_cards(request) -> list[HomeCard]:
    from .selectors import queue_counts, unread_notices

    user = request.user
    cards = []
    unread = unread_notices(user=user).count()
    if unread:
        cards.append(
            HomeCard("Unread notices", str(unread), reverse("complaints:notice_list") + "?unread=on", tone="warning")
        )
    if not user.has_perm("complaints.view_all_complaints"):
        return cards
    counts = queue_counts(user=user, today=timezone.localdate())
    return cards + queue_cards(
        reverse("complaints:complaint_list"),
        "due",
        counts,
        [
            ("open", "Open complaints", "secondary"),
            ("overdue", "Overdue complaints", "danger"),
            ("unassigned", "Without investigator", "warning"),
        ],
    )

"""Outreach home cards (the menu is declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card


def home_cards(request) -> list[HomeCard]:
    from .selectors import media_inquiries_due, upcoming_events

    user = request.user
    cards = []
    if user.has_perm("outreach.view_calendar"):
        upcoming = list(upcoming_events(days=30)[:3])
        count = upcoming_events(days=30).count()
        note = "; ".join(f"{timezone.localtime(e.starts_at):%b %d} {e.title}" for e in upcoming)
        # The list of exactly those events where the user may open it (issue 14.4: a figure opens a
        # list of as many rows); without that permission the figure has no link (a month's calendar
        # is not the same 30 days).
        url = reverse("outreach:event_list") + "?upcoming=30" if user.has_perm("outreach.view_event") else ""
        cards.append(count_card("Outreach events, next 30 days", count, url, note=note[:200]))
    if user.has_perm("outreach.view_mediainquiry"):
        due = media_inquiries_due()
        url = reverse("outreach:mediainquiry_list")
        cards += [
            count_card(
                "Media inquiries overdue",
                due["overdue"],
                f"{url}?due=overdue",
                note=f"{due['open']} open",
                tone="danger",
            ),
            count_card("Media inquiries due soon", due["due_soon"], f"{url}?due=due_soon", tone="warning"),
        ]
    return cards

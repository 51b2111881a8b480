"""Outreach menu and home cards."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, MenuGroup, MenuItem, count_card

MENU = MenuGroup(
    "Outreach",
    [
        MenuItem("Calendar", "outreach:event_calendar", "outreach.view_calendar"),
        MenuItem("Events", "outreach:event_list", "outreach.view_event"),
        MenuItem("Organisations", "outreach:organisation_list", "outreach.view_organisation"),
        MenuItem("Materials", "outreach:material_list", "outreach.view_material"),
        MenuItem("Announcements", "outreach:announcement_list", "outreach.view_announcement"),
        MenuItem("Media inquiries", "outreach:mediainquiry_list", "outreach.view_mediainquiry"),
        MenuItem("Media contacts", "outreach:mediacontact_list", "outreach.view_mediacontact"),
        MenuItem("Feedback surveys", "outreach:survey_list", "outreach.view_survey"),
        MenuItem("Outreach dashboard", "outreach:dashboard", "outreach.view_dashboard"),
    ],
)


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

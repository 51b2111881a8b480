from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, MenuGroup, MenuItem

MENU = MenuGroup(
    "Complaints",
    [
        MenuItem("Complaints queue", "complaints:complaint_list", "complaints.view_complaint"),
        MenuItem("Record a complaint", "complaints:complaint_create", "complaints.add_complaint"),
        MenuItem("Complaints report", "complaints:report", "complaints.view_complaint_report"),
        MenuItem("My notices", "complaints:notice_list"),
        MenuItem("Public complaint form", "complaints:public_form", "complaints.add_complaint"),
    ],
)


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
    url = reverse("complaints:complaint_list")
    cards += [
        HomeCard("Open complaints", str(counts["open"]), f"{url}?due=open"),
        HomeCard(
            "Overdue complaints",
            str(counts["overdue"]),
            f"{url}?due=overdue",
            tone="danger" if counts["overdue"] else "secondary",
        ),
        HomeCard(
            "Without investigator",
            str(counts["unassigned"]),
            f"{url}?due=unassigned",
            tone="warning" if counts["unassigned"] else "secondary",
        ),
    ]
    return cards

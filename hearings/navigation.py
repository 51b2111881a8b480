"""State hearings home cards (the menu is declared with the others in config/navigation.py)."""

from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, count_card, queue_cards


def home_cards(request) -> list[HomeCard]:
    from .selectors import queue_counts

    user = request.user
    if not user.has_perm("hearings.view_all_hearings"):
        return []
    today = timezone.localdate()
    cards = []
    if user.has_perm("hearings.decide_hearing"):
        from .selectors import docket

        mine = docket(user=user, officer=user, start=today, days=7).count()
        cards.append(count_card("My hearings, next 7 days", mine, reverse("hearings:docket") + "?days=7"))
    return cards + queue_cards(
        reverse("hearings:request_list"),
        "queue",
        queue_counts(user=user),
        [
            ("open", "Open hearing requests", "secondary"),
            ("good_cause", "Late: good cause to decide", "warning"),
            ("dismissal_due", "Dismissal due: notice period over", "warning"),
            ("past_target", "Past the 45-day target", "danger"),
        ],
    )

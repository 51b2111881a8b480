from django.urls import reverse
from django.utils import timezone

from core.navigation import HomeCard, MenuGroup, MenuItem

MENU = MenuGroup(
    "State hearings",
    [
        MenuItem("Hearing requests", "hearings:request_list", "hearings.view_hearingrequest"),
        MenuItem("Record a request", "hearings:request_create", "hearings.add_hearingrequest"),
        MenuItem("Docket", "hearings:docket", "hearings.view_hearing"),
    ],
)


def home_cards(request) -> list[HomeCard]:
    from django.db.models import Count, Q

    from .choices import OPEN_REQUEST_STATUSES, GoodCause
    from .models import HearingRequest

    user = request.user
    if not user.has_perm("hearings.view_all_hearings"):
        return []
    today = timezone.localdate()
    cards = []
    if user.has_perm("hearings.decide_hearing"):
        from .selectors import docket

        mine = docket(user=user, officer=user, start=today, days=7).count()
        cards.append(HomeCard("My hearings, next 7 days", str(mine), reverse("hearings:docket")))
    counts = HearingRequest.objects.restrict(user, "view").aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_REQUEST_STATUSES)),
        good_cause=Count("pk", filter=Q(is_late=True, good_cause=GoodCause.PENDING)),
        past_target=Count("pk", filter=Q(status__in=OPEN_REQUEST_STATUSES, hold_by__lt=today)),
    )
    url = reverse("hearings:request_list")
    return cards + [
        HomeCard("Open hearing requests", str(counts["open"]), url),
        HomeCard("Late: good cause to decide", str(counts["good_cause"]), f"{url}?is_late=true",
                 tone="warning" if counts["good_cause"] else "secondary"),
        HomeCard("Past the 45-day target", str(counts["past_target"]), url,
                 tone="danger" if counts["past_target"] else "secondary"),
    ]

"""Hearings reads (selectors)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import OPEN_REQUEST_STATUSES, ActionStatus, GoodCause, HearingStatus, Outcome, RequestStatus
from .models import ComplianceAction, Hearing, HearingLetter, HearingRequest

# The home cards' queues: ``?queue=<key>`` on the request list filters with the very condition the
# card counts (issue 14.4: a figure opens a list of that many rows).
QUEUE_FILTERS = {
    "open": ("Open", lambda: Q(status__in=OPEN_REQUEST_STATUSES)),
    "good_cause": (
        "Late: good cause to decide",
        lambda: Q(status__in=OPEN_REQUEST_STATUSES, is_late=True, good_cause=GoodCause.PENDING),
    ),
    # A noticed dismissal takes effect only when the officer records it (22 CCR 120211(b)): once the
    # 15 days are over, the request waits here instead of sitting unnoticed.
    "dismissal_due": (
        "Dismissal due: notice period over",
        lambda: Q(status=RequestStatus.DISMISSAL_NOTICED, dismissal_on__lte=timezone.localdate()),
    ),
    "past_target": (
        "Past the 45-day target",
        lambda: Q(status__in=OPEN_REQUEST_STATUSES, hold_by__lt=timezone.localdate()),
    ),
}


def queue_counts(*, user) -> dict[str, int]:
    """The home cards' figures: requests in the user's scope in each of ``QUEUE_FILTERS``."""
    return HearingRequest.objects.restrict(user, "view").aggregate(
        **{key: Count("pk", filter=condition()) for key, (_, condition) in QUEUE_FILTERS.items()}
    )


def request_list(*, user):
    return HearingRequest.objects.restrict(user, "view").select_related("complaint", "case").order_by("hold_by", "pk")


def request_get(*, user, number: str) -> HearingRequest:
    return get_object_or_404(
        request_list(user=user)
        .select_related(
            "complaint__complainant_person", "good_cause_decided_by", "decided_by", "created_by", "reopened_from"
        )
        .prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.select_related("officer")),
            Prefetch("actions", queryset=ComplianceAction.objects.select_related("assigned_to")),
            Prefetch("letters", queryset=HearingLetter.objects.order_by("created_at", "pk")),
        ),
        number=number,
    )


def abandoned_sitting(*, request: HearingRequest) -> Hearing | None:
    """New York: the sitting no one came to, when the request was dismissed as abandoned (18 NYCRR
    358-5.5(a)): a New York request closed as dismissed, never held, whose latest sitting was not
    held. A request dismissed for lateness (no sitting) or after a held hearing was not abandoned.
    Reads the prefetched sittings when the page has them."""
    if (
        request.jurisdiction != "NY"
        or request.status != RequestStatus.DECIDED
        or request.outcome != Outcome.DISMISSED
        or request.held_on is not None
    ):
        return None
    sittings = sorted(request.hearings.all(), key=lambda h: (h.starts_at, h.pk))
    latest = sittings[-1] if sittings else None
    return latest if latest is not None and latest.status == HearingStatus.NOT_HELD else None


def scheduled_sitting(*, request: HearingRequest) -> Hearing | None:
    """The request's sitting scheduled now (its latest, if a reschedule left an older one)."""
    return request.hearings.filter(status=HearingStatus.SCHEDULED).order_by("-starts_at").first()


def reopened_as(*, request: HearingRequest) -> HearingRequest | None:
    """The request an abandoned one was reopened as (``reopened_from``), if any."""
    return HearingRequest.objects.filter(reopened_from=request).only("pk", "number").first()


def docket(*, user, officer=None, start: date, days: int = 14):
    """Scheduled hearings from ``start`` for ``days`` days (one officer, or all the user may see)."""
    begin = timezone.make_aware(datetime.combine(start, time.min))
    qs = (
        Hearing.objects.restrict(user, "view")
        .filter(
            starts_at__gte=begin,
            starts_at__lt=begin + timedelta(days=days),
            status__in=[HearingStatus.SCHEDULED, HearingStatus.HELD],
        )
        .select_related("request", "officer", "request__case")
        .order_by("starts_at", "pk")
    )
    return qs.filter(officer=officer) if officer is not None else qs


def actions_completable(*, user, request: HearingRequest) -> bool:
    """Whether ``user`` may mark ``request``'s compliance actions done: the permission, and the
    request's case in their write scope (``ComplianceAction.scope_filter``; one query, only when
    the request has actions)."""
    if not user.has_perm("hearings.change_complianceaction") or not request.actions.all():
        return False
    return ComplianceAction.objects.restrict(user, "change").filter(request=request).exists()


def compliance_assignees(*, request: HearingRequest):
    """Who a compliance action of ``request`` may be assigned to (the decision form's "Who"): active
    staff holding an office role, never an API-only partner user, and for a request on a case only
    the staff of that case's county (``cases.models.scope.user_county``: a blank county is the
    one-county office's), the ones who may work the case."""
    from accounts.selectors import staff_users
    from cases.models.scope import users_of_counties_q, users_with_a_county_q

    # The same bound as marking the action done (``ComplianceAction.scope_filter``): whoever is
    # offered here may do what they are given.
    reach = users_of_counties_q([request.case.county]) if request.case is not None else users_with_a_county_q()
    return staff_users().filter(reach).order_by("last_name", "first_name", "username")


def open_actions(*, user):
    return (
        ComplianceAction.objects.filter(
            status=ActionStatus.OPEN, request__in=HearingRequest.objects.restrict(user, "view")
        )
        .select_related("request", "assigned_to")
        .order_by("due_on", "pk")
    )

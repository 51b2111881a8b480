"""Hearings reads (selectors)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import ActionStatus, HearingStatus
from .models import ComplianceAction, Hearing, HearingLetter, HearingRequest


def request_list(*, user):
    return (HearingRequest.objects.restrict(user, "view")
            .select_related("complaint", "case")
            .order_by("hold_by", "pk"))


def request_get(*, user, number: str) -> HearingRequest:
    return get_object_or_404(
        request_list(user=user).select_related("good_cause_decided_by", "decided_by", "created_by").prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.select_related("officer")),
            Prefetch("actions", queryset=ComplianceAction.objects.select_related("assigned_to")),
            Prefetch("letters", queryset=HearingLetter.objects.order_by("created_at", "pk")),
        ),
        number=number,
    )


def docket(*, user, officer=None, start: date, days: int = 14):
    """Scheduled hearings from ``start`` for ``days`` days (one officer, or all the user may see)."""
    begin = timezone.make_aware(datetime.combine(start, time.min))
    qs = (Hearing.objects.restrict(user, "view")
          .filter(starts_at__gte=begin, starts_at__lt=begin + timedelta(days=days),
                  status__in=[HearingStatus.SCHEDULED, HearingStatus.HELD])
          .select_related("request", "officer", "request__case")
          .order_by("starts_at", "pk"))
    return qs.filter(officer=officer) if officer is not None else qs


def open_actions(*, user):
    return (ComplianceAction.objects.filter(status=ActionStatus.OPEN,
                                            request__in=HearingRequest.objects.restrict(user, "view"))
            .select_related("request", "assigned_to").order_by("due_on", "pk"))

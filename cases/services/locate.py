"""Quarterly locate repeats (45 CFR 303.3(b)(3)) and the court's one-time FVI override."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.dates import display_date, not_in_future
from core.models import AccessLog
from core.services import (
    access_log_record,
    acting_user,
    event_about,
    repeat_refuse,
    sensitive_read_record,
)

from ..choices import CaseStage, CaseStatus, WorkItemKind
from ..deadlines import LOCATE_REPEAT_MONTHS
from ..models import Address, Case, FviOverride, Person, WorkItem
from ..redaction import whereabouts_shown
from .work import work_items_swept


def locate_next_due(*, locate_needed_on: date | None, last_attempt_on: date | None) -> date | None:
    """A quarter after the last attempt (or after locate was found needed)."""
    start = max(d for d in (locate_needed_on, last_attempt_on) if d) if (locate_needed_on or last_attempt_on) else None
    return start + relativedelta(months=LOCATE_REPEAT_MONTHS) if start else None


def locate_due_sweep(*, today: date | None = None) -> int:
    """Create one work item per unlocated case whose quarterly locate attempt is due.

    Set-based: one query for the candidates, one bulk insert; ``dedupe_key`` (case + due date)
    makes a second run on the same day, or a late run, create nothing twice.
    """
    today = today or timezone.localdate()
    rows = (
        Case.objects.filter(status=CaseStatus.OPEN, stage=CaseStage.LOCATE, ncp_located_on__isnull=True)
        .annotate(last_attempt=Max("locate_attempts__attempted_on"))
        .values_list("id", "locate_needed_on", "last_attempt", "caseworker_id", "case_number")
    )
    items = []
    for case_id, needed_on, last_attempt, worker_id, number in rows.iterator(chunk_size=2000):
        due = locate_next_due(locate_needed_on=needed_on, last_attempt_on=last_attempt)
        if due is None or due > today:
            continue
        items.append(
            WorkItem(
                case_id=case_id,
                title=f"Quarterly locate attempt due for {number}",
                kind=WorkItemKind.LOCATE,
                due_on=due,
                assigned_to_id=worker_id,
                dedupe_key=f"locate:{case_id}:{due.isoformat()}",
            )
        )
    return work_items_swept(items, actor_label="locate sweep", rule="45 CFR 303.3(b)(3)")


@transaction.atomic
def fvi_override_grant(
    *,
    person: Person,
    court_name: str,
    court_order_reference: str,
    ordered_on: date,
    by: User,
    case: Case | None = None,
    agency=None,
    request=None,
) -> FviOverride:
    """Record a court order allowing one release of an FVI-protected person's whereabouts
    (42 USC 654(26)(c)); the grant is logged. One order, one release: the same order recorded again
    (a double-clicked form) is refused, checked under the person's lock."""
    # A child withheld with the custodial parent's indicator (cases.redaction.parent_fvi) too.
    if whereabouts_shown(person):
        raise ValidationError({"person": "This person has no family violence indicator."})
    not_in_future(ordered_on, "ordered_on")
    repeat_refuse(
        parent=person,
        same=FviOverride.objects.filter(
            person=person,
            court_name__iexact=court_name.strip(),
            court_order_reference__iexact=court_order_reference.strip(),
        ),
        window=None,
        message=lambda recorded: {
            "court_order_reference": f"This court order was already recorded for this person on "
            f"{display_date(timezone.localdate(recorded.created_at))}: it allows one release, nothing was added."
        },
    )
    override = FviOverride(
        person=person,
        case=case,
        court_name=court_name.strip(),
        court_order_reference=court_order_reference.strip(),
        ordered_on=ordered_on,
        agency=agency,
        granted_by=by,
    )
    override.full_clean()
    override.save()
    access_log_record(
        kind=AccessLog.Kind.OVERRIDE,
        request=request,
        user=by,
        obj=override,
        detail={"action": "granted", "court": court_name, "order": court_order_reference, "person_id": person.pk},
    )
    event_about(
        override,
        verb="fvi.override_granted",
        case_id=case.pk if case else None,
        by=by,
        summary=f"FVI override by {court_name} ({court_order_reference})",
    )
    return override


def fvi_override_use(
    *, override: FviOverride, via: str, user: User | None = None, agency=None, request=None
) -> list[Address]:
    """Use the override once: returns the person's addresses and marks it used (a conditional
    update, so two simultaneous uses cannot both succeed). Logged."""
    if via == "api" and (agency is None or override.agency_id != agency.pk):
        raise PermissionDenied("This override is not for your agency.")
    claimed = FviOverride.objects.filter(pk=override.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_via=via, used_by=acting_user(user)
    )
    if claimed != 1:
        raise PermissionDenied("This override was already used.")
    access_log_record(
        kind=AccessLog.Kind.OVERRIDE,
        request=request,
        user=user,
        obj=override,
        fields=["addresses"],
        detail={"action": "used", "via": via, "agency": getattr(agency, "name", ""), "person_id": override.person_id},
    )
    sensitive_read_record(
        request=request,
        obj=override.person,
        fields=["addresses"],
        detail={"via": "fvi_override", "override_id": override.pk, "agency": getattr(agency, "name", "")},
    )
    event_about(
        override,
        verb="fvi.override_used",
        by=user,
        actor_label=getattr(agency, "name", ""),
        summary=f"FVI override used via {via}",
    )
    return list(Address.objects.filter(person_id=override.person_id).order_by("-valid_from", "-id"))


__all__ = ["fvi_override_grant", "fvi_override_use", "locate_due_sweep", "locate_next_due"]

"""Hearings writes (services: <entity>_<action>, keyword-only, transactional).

Family Code 17801 (California; the NY profile has the same workflow with its own dated rows):
the complaint process comes first unless no written resolution came within 30 days; the request
is due 90 days after the resolution was received, or 90 days after the complaint when none came
within 30 days; late requests are accepted, flagged, and need a recorded good-cause decision. The
state hearing decides the four matters of ``IN_JURISDICTION``; order amount, custody and visitation
belong to the court, so such requests are recorded with the alternate route offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from complaints.choices import ComplaintStatus
from complaints.law import citation
from complaints.models import Complaint
from core import business_days
from core.dates import display_date, not_in_future
from core.numbering import save_with_unique_number
from core.services import acting_user, event_about, row_repeat_refuse, same_rows, saved_with_event
from core.stale import Shown, refuse_if_changed

from . import selectors
from .choices import (
    BOOKED_HEARING_STATUSES,
    COURT_MATTERS,
    MERITS_OUTCOMES,
    NOTICE_CITATION,
    ActionStatus,
    Basis,
    DismissalGround,
    GoodCause,
    HearingStatus,
    LetterKind,
    Outcome,
    Party,
    RequestStatus,
)
from .deadlines import (
    decide_by,
    dismissal_on,
    filing_deadline,
    hold_by,
    minimum_notice,
    no_resolution_window_end,
    presumed_received_on,
    profile,
    reopen_last_day,
)
from .models import ComplianceAction, Hearing, HearingLetter, HearingRequest, resource_key_of

DEFAULT_COURT_ROUTE = (
    "The court that made the order decides the support amount, custody and visitation: you may file a "
    "motion with that court; the family law facilitator helps without charge."
)
# The default's earlier wording, stored on requests recorded before it spoke to the reader.
EARLIER_COURT_ROUTES = (
    "The court that made the order decides the support amount, custody and visitation: the person may "
    "file a motion with that court; the family law facilitator helps without charge.",
)


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def hearing_request_create(
    *,
    requester_name: str,
    issue: str,
    statement: str,
    requested_on: date,
    complaint: Complaint | None = None,
    case=None,
    complaint_made_on: date | None = None,
    resolution_received_on: date | None = None,
    contact_email: str = "",
    contact_phone: str = "",
    alternate_route: str = "",
    interpreter_language: str = "",
    accommodation_needs: str = "",
    by: User | None = None,
    today: date | None = None,
) -> HearingRequest:
    """Record a state hearing request. Never drops one: late → flagged for a good-cause decision;
    a court matter → recorded out of jurisdiction with the alternate route. The filing deadline
    (``hearings.deadlines.filing_deadline``) counts from the resolution's receipt in California and
    from its determination, the complaint's ``resolved_on``, in New York; never earlier than the
    deadline the complaint's resolution notice stated."""
    today = today or _today()
    if requested_on > today:
        raise ValidationError({"requested_on": "The request date cannot be in the future."})
    # New York counts from the determination (18 NYCRR 358-3.5(b)(1)); the deadline the resolution
    # notice stated is never taken away from the person who relied on it (``filing_deadline``).
    determined_on: date | None = None
    stated_on_notice: date | None = None
    if complaint is not None:
        case = complaint.case
        complaint_made_on = complaint.received_on
        jurisdiction = complaint.jurisdiction
        resolved = complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.WITHDRAWN)
        if resolved:
            assert complaint.resolved_on is not None  # a resolved complaint has its date
            # Received counts from the day the notice went out, not the (earlier) day it was reached.
            sent_on = complaint.resolution_sent_on or complaint.resolved_on
            resolution_received_on = resolution_received_on or presumed_received_on(sent_on)
            if resolution_received_on < sent_on:
                raise ValidationError(
                    {"resolution_received_on": "The resolution cannot be received before it was sent."}
                )
            determined_on, stated_on_notice = sent_on, complaint.hearing_deadline
        else:
            resolution_received_on = None
    else:
        jurisdiction = profile(getattr(case, "jurisdiction", None))
        resolved = resolution_received_on is not None
        if complaint_made_on is None:
            raise ValidationError(
                {
                    "complaint_made_on": "Give the date of the complaint: the complaint process "
                    f"comes first ({citation('hearing_request', jurisdiction)})."
                }
            )
    if complaint_made_on > requested_on:
        raise ValidationError({"complaint_made_on": "The complaint cannot be after the hearing request."})
    if not resolved:
        # Without a resolution the person may go to a hearing once the 30 days have passed.
        window_end = no_resolution_window_end(complaint_made_on, jurisdiction=jurisdiction)
        if requested_on <= window_end:
            raise ValidationError(
                {
                    "requested_on": (
                        f"The complaint process comes first: the written resolution is due by {window_end:%B %d, %Y}. "
                        "A hearing may be requested after that date if none arrives "
                        f"({citation('hearing_request', jurisdiction)})."
                    )
                }
            )
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        if complaint is not None:
            contact_email, contact_phone = complaint.contact_email, complaint.contact_phone
        else:
            raise ValidationError({"contact_email": "Give an email address or a phone number."})
    basis = Basis.RESOLUTION if resolved else Basis.NO_RESOLUTION
    deadline = filing_deadline(
        basis=basis,
        complaint_made_on=complaint_made_on,
        resolution_received_on=resolution_received_on,
        jurisdiction=jurisdiction,
        determined_on=determined_on,
        stated_on_notice=stated_on_notice,
    )
    in_jurisdiction = issue not in COURT_MATTERS
    is_late = requested_on > deadline
    request = HearingRequest(
        jurisdiction=jurisdiction,
        complaint=complaint,
        case=case,
        requester_name=requester_name.strip(),
        contact_email=(contact_email or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        issue=issue,
        statement=statement,
        requested_on=requested_on,
        basis=basis,
        complaint_made_on=complaint_made_on,
        resolution_received_on=resolution_received_on,
        in_jurisdiction=in_jurisdiction,
        alternate_route=(alternate_route.strip() or (DEFAULT_COURT_ROUTE if not in_jurisdiction else "")),
        filing_deadline=deadline,
        is_late=is_late,
        good_cause=GoodCause.PENDING if is_late else "",
        interpreter_language=interpreter_language.strip(),
        accommodation_needs=accommodation_needs.strip(),
        hold_by=hold_by(requested_on, jurisdiction=jurisdiction),
        decide_by=decide_by(requested_on, jurisdiction=jurisdiction),
        status=RequestStatus.REQUESTED if in_jurisdiction else RequestStatus.OUT_OF_JURISDICTION,
        created_by=by,
    )
    # California: a matter outside state hearing jurisdiction is dismissed only after the complainant
    # is told why and that the dismissal shall occur 15 days after the notice (22 CCR 120211(a)(2), (b)).
    notice_jurisdiction = not in_jurisdiction and jurisdiction == "CA"
    if notice_jurisdiction:
        request.status = RequestStatus.DISMISSAL_NOTICED
        request.dismissal_ground = DismissalGround.JURISDICTION
        request.dismissal_on = dismissal_on(today, jurisdiction=jurisdiction)
    _refuse_a_repeat(request)
    request.number = "pending"
    request.full_clean(exclude=["number"])
    save_with_unique_number(request, "HRG")
    event_about(
        request,
        verb="hearing.requested",
        by=by,
        summary=f"{request.number}: {request.get_issue_display()}"
        + (" — late, good cause needed" if is_late else "")
        + ("" if in_jurisdiction else " — court matter, alternate route offered"),
        data={"filing_deadline": deadline.isoformat(), "is_late": is_late, "in_jurisdiction": in_jurisdiction},
    )
    if notice_jurisdiction:
        letters_issue(request=request, kind=LetterKind.DISMISSAL_NOTICE, by=by, on=today)
    return request


def _refuse_a_repeat(request: HearingRequest) -> None:
    """The same request recorded again by the same staff member (a double-clicked form, a retried
    one) is refused with the first one's number: one request, one hearing, one set of letters.
    Recordings of one person's request on one day take turns on a lock."""
    if request.created_by_id is None:
        return
    row_repeat_refuse(
        row=request,
        parent=f"hearings.request:{request.requester_name}:{request.requested_on}",
        fields=("complaint", "case", "requester_name", "issue", "statement", "requested_on", "created_by"),
        window=None,
        message=lambda first: (
            f"This hearing request was already recorded as {first.number}: nothing was recorded again."
        ),
    )


def _require(user: User, perm: str, what: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"You may not {what}.")


@transaction.atomic
def hearing_good_cause_decide(
    *, request: HearingRequest, found: bool, reason: str, by: User, today: date | None = None
) -> HearingRequest:
    """Decide whether a late request had good cause. Without it a New York request is dismissed at
    once; a California one gets a notice of intended dismissal (22 CCR 120211(a)(3), (b)): the
    dismissal may take effect 15 days after the notice is sent (``hearing_request_dismiss``).

    On a California request whose dismissal was noticed (late, not within jurisdiction, or no one
    came to the hearing: 22 CCR 120211(b), 120213(b)), what the complainant shows before then is
    decided here: found, the request is reinstated (requested: a hearing is scheduled); not found,
    it is dismissed now and the decision letter goes out (120211(b)(2), 120213(b)(2): information
    that "fails to establish" it: "the State Hearing Office shall dismiss the hearing request")."""
    _require(by, "hearings.decide_hearing", "decide good cause")
    today = today or _today()
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not request.is_open:  # e.g. a late request withdrawn before its good cause was decided
        closed = (
            f"{request.get_outcome_display().lower()} on {request.decided_on:%B %d, %Y}"
            if request.status == RequestStatus.DECIDED and request.decided_on
            else request.get_status_display().lower()
        )
        raise ValidationError(
            f"{request.number} is closed ({closed}): no good-cause decision is recorded on it. Nothing was saved."
        )
    noticed = request.status == RequestStatus.DISMISSAL_NOTICED
    if not request.needs_good_cause and not noticed:
        raise ValidationError({"reason": "This request needs no good-cause decision."})
    if not reason.strip():
        raise ValidationError({"reason": "Record the reason for the decision."})
    ground = request.dismissal_ground
    if not noticed or ground == DismissalGround.LATE:  # the good-cause fields are the lateness's
        request.good_cause = GoodCause.FOUND if found else GoodCause.NOT_FOUND
        request.good_cause_reason = reason.strip()
        request.good_cause_decided_by = by
        request.good_cause_decided_on = today
    notice_first = not noticed and not found and request.jurisdiction == "CA"
    if noticed and found:  # shown before the dismissal took effect: the request is reinstated
        request.status = RequestStatus.REQUESTED
        request.dismissal_on = None
        request.dismissal_ground = ""
        if ground == DismissalGround.JURISDICTION:  # shown to be a state hearing's matter after all
            request.in_jurisdiction = True
    elif notice_first:
        request.status = RequestStatus.DISMISSAL_NOTICED
        request.dismissal_ground = DismissalGround.LATE
        request.dismissal_on = dismissal_on(today, jurisdiction=request.jurisdiction)
    elif not found:  # New York at once; or what a California complainant showed fails to establish it
        request.status = RequestStatus.DECIDED
        request.outcome = Outcome.DISMISSED
        request.decided_on = today
        request.decided_by = by
        # Only the officer's reason: the decision letter opens with the dismissal in the reader's
        # language (``hearings.letters``), so no English sentence is stored into a Spanish letter.
        request.decision_summary = reason.strip()
    request.full_clean()
    request.save()
    if notice_first:
        letters_issue(request=request, kind=LetterKind.DISMISSAL_NOTICE, by=by, on=today)
    elif not found:
        letters_issue(request=request, kind=LetterKind.DECISION, by=by, on=today)
    event_about(
        request,
        verb="hearing.good_cause_decided",
        by=by,
        summary=f"{request.number}: "
        + (
            f"{'reinstated' if found else 'not shown: dismissed'} ({DismissalGround(ground).label}): "
            f"{reason.strip()[:200]}"
            if noticed and ground != DismissalGround.LATE
            else str(request.get_good_cause_display())
        ),
    )
    return request


@transaction.atomic
def hearing_request_dismiss(*, request: HearingRequest, by: User, today: date | None = None) -> HearingRequest:
    """Dismiss a California request whose dismissal was noticed, on or after the date the notice
    gave (22 CCR 120211(b), 120213(b)); the decision letter goes to each party. Refused before that date."""
    _require(by, "hearings.decide_hearing", "dismiss hearing requests")
    today = today or _today()
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != RequestStatus.DISMISSAL_NOTICED or request.dismissal_on is None:
        raise ValidationError("Only a request whose dismissal was noticed can be dismissed here.")
    if today < request.dismissal_on:
        raise ValidationError(
            f"The dismissal may take effect on {request.dismissal_on:%B %d, %Y}, the date the notice "
            f"gave ({citation(NOTICE_CITATION[DismissalGround(request.dismissal_ground)], 'CA')}); until then the "
            "complainant may show it should not be dismissed."
        )
    request.status = RequestStatus.DECIDED
    request.outcome = Outcome.DISMISSED
    request.decided_on = today
    request.decided_by = by
    # The officer's reason for a late request; otherwise the letter says why, in the reader's language.
    request.decision_summary = request.good_cause_reason if request.dismissal_ground == DismissalGround.LATE else ""
    request.full_clean()
    request.save()
    letters_issue(request=request, kind=LetterKind.DECISION, by=by, on=today)
    event_about(request, verb="hearing.decided", by=by, summary=f"{request.number}: {request.get_outcome_display()}")
    return request


DEFAULT_SITTING_MINUTES = 60


def _booked_span(clash: Hearing) -> str:
    """The sitting a new one clashes with, as both double-booking refusals name it."""
    return (
        f"hearing {clash.request.number} from {timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M} to "
        f"{timezone.localtime(clash.ends_at):%H:%M}."
    )


def _double_booked(
    *, officer, resource_key: str, starts_at: datetime, ends_at: datetime, exclude_request: HearingRequest
) -> dict[str, str]:
    """What a new sitting would clash with: the officer, or the room or bridge, already booked for an
    overlapping time (a half-open interval: one may end at 10:00 and the next start at 10:00)."""
    booked = Hearing.objects.filter(
        status__in=BOOKED_HEARING_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(request=exclude_request, status=HearingStatus.SCHEDULED)
    errors = {}
    clash = booked.filter(officer=officer).select_related("request").first()
    if clash:
        errors["officer"] = f"{officer} already has {_booked_span(clash)}"
    if resource_key:
        clash = booked.filter(resource_key=resource_key).select_related("request").first()
        if clash:
            errors["location"] = f"{clash.location} is already booked for {_booked_span(clash)}"
    return errors


# What makes a scheduling the same sitting again (``hearing_schedule``).
SITTING = (
    "request",
    "officer",
    "starts_at",
    "ends_at",
    "mode",
    "location",
    "interpreter_language",
    "accommodation_needs",
)


def schedule_page_shown(request: HearingRequest) -> dict[str, int | None]:
    """What the scheduling page's "Schedule" decides on: the sitting scheduled now (none the first
    time). Its form carries it (``core.stale``)."""
    sitting = selectors.scheduled_sitting(request=request)
    return {"sitting": sitting.pk if sitting else None}


def _refuse_if_scheduled_meanwhile(request: HearingRequest, shown: Shown | None) -> None:
    """A "Schedule" sent from a page opened before another officer scheduled (or rescheduled) the
    hearing is refused, not taken as a reschedule that postpones their sitting and sends each party
    a second notice. Checked under the request's lock; without ``shown`` (no page), nothing."""
    sitting = selectors.scheduled_sitting(request=request)
    happened = (
        f"The hearing was scheduled meanwhile for {display_date(sitting.starts_at, with_time=True)}"
        if sitting is not None
        else "The sitting this page showed is no longer scheduled"
    )
    refuse_if_changed(row=request, shown=shown, current={"sitting": sitting.pk if sitting else None}, happened=happened)


@transaction.atomic
def hearing_schedule(
    *,
    request: HearingRequest,
    officer,
    starts_at: datetime,
    mode: str,
    location: str,
    minutes: int = DEFAULT_SITTING_MINUTES,
    interpreter_language: str = "",
    accommodation_needs: str = "",
    by: User,
    now: datetime | None = None,
    shown: Shown | None = None,
) -> Hearing:
    """Schedule (or reschedule) the hearing: requested or scheduled → scheduled. The hearing must be
    at a future time (``now`` defaults to the clock): the notice goes out today, so a notice for a time
    already past, and a dismissal at once, cannot follow. A date after the
    45-day target is allowed and flagged. An officer, a room or a phone bridge is never booked twice
    for overlapping times (checked here; on PostgreSQL an exclusion constraint holds it too). Each
    party receives a notice of hearing (``HearingLetter``)."""
    _require(by, "hearings.schedule_hearing", "schedule hearings")
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.SCHEDULED):
        raise ValidationError(
            {"starts_at": "Only an open, in-jurisdiction request whose hearing is not yet held can be scheduled."}
        )
    if request.needs_good_cause:
        raise ValidationError({"starts_at": "Decide good cause for this late request first."})
    if not officer.has_perm("hearings.decide_hearing"):
        raise ValidationError({"officer": "Choose a hearing officer."})
    if timezone.localdate(starts_at) < request.requested_on:
        raise ValidationError({"starts_at": "The hearing cannot be before the request."})
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": "The hearing must be at a future time: the notice goes out today."})
    # New York: the notice goes out at least 10 calendar days before the hearing (18 NYCRR 358-5.1(a)).
    notice_on = timezone.localdate(now)
    days, cite = minimum_notice(request.jurisdiction, on=notice_on)
    if days and timezone.localdate(starts_at) < notice_on + timedelta(days=days):
        earliest = notice_on + timedelta(days=days)
        raise ValidationError(
            {
                "starts_at": f"The notice of hearing goes out today and must be sent at least {days} calendar "
                f"days before the hearing ({cite}): choose {earliest:%B %d, %Y} or later."
            }
        )
    if not 15 <= minutes <= 8 * 60:
        raise ValidationError({"minutes": "A sitting lasts between 15 minutes and 8 hours."})
    ends_at = starts_at + timedelta(minutes=minutes)
    key = resource_key_of(mode, location)
    interpreter_language = (interpreter_language or request.interpreter_language).strip()
    accommodation_needs = (accommodation_needs or request.accommodation_needs).strip()
    hearing = Hearing(
        request=request,
        officer=officer,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        location=location.strip(),
        resource_key=key,
        interpreter_language=interpreter_language,
        accommodation_needs=accommodation_needs,
        beyond_target=timezone.localdate(starts_at) > request.hold_by,
        scheduled_by=by,
    )
    # The same sitting again (a double click, a retried form) is no reschedule: it would postpone the
    # hearing for itself and send each party a second notice. Checked under the request's lock.
    if same_rows(hearing, SITTING).filter(status=HearingStatus.SCHEDULED).exists():
        raise ValidationError(
            {"starts_at": "The hearing is already scheduled for this time and place: no notice was sent again."}
        )
    _refuse_if_scheduled_meanwhile(request, shown)
    # Serialise bookings of this officer (the lock) so two schedulers cannot both pass the check.
    type(officer).objects.select_for_update().filter(pk=officer.pk).first()
    clashes = _double_booked(
        officer=officer, resource_key=key, starts_at=starts_at, ends_at=ends_at, exclude_request=request
    )
    if clashes:
        raise ValidationError(clashes)
    request.hearings.filter(status=HearingStatus.SCHEDULED).update(status=HearingStatus.POSTPONED)
    hearing.full_clean()
    try:
        with transaction.atomic():
            hearing.save()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: a booking raced this one
        raise ValidationError({"starts_at": "The officer, room or bridge was just booked for this time."}) from exc
    request.status = RequestStatus.SCHEDULED
    request.save(update_fields=["status"])
    letters_issue(request=request, hearing=hearing, kind=LetterKind.NOTICE, by=by)
    event_about(
        request,
        verb="hearing.scheduled",
        by=by,
        summary=f"{request.number}: {timezone.localtime(starts_at):%Y-%m-%d %H:%M}, {hearing.get_mode_display()}"
        + (" (after the 45-day target)" if hearing.beyond_target else ""),
    )
    return hearing


@transaction.atomic
def hearing_held_record(*, request: HearingRequest, by: User, now: datetime | None = None) -> Hearing:
    """The scheduled hearing took place: scheduled → held. Only once its start time has come."""
    _require(by, "hearings.decide_hearing", "record a hearing as held")
    now = now or timezone.now()
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != RequestStatus.SCHEDULED:
        raise ValidationError({"held": "Only a scheduled hearing can be recorded as held."})
    hearing = selectors.scheduled_sitting(request=request)
    if hearing is None or hearing.starts_at > now:
        raise ValidationError({"held": "The hearing has not started yet."})
    hearing.status = HearingStatus.HELD
    hearing.save(update_fields=["status"])
    request.status = RequestStatus.HELD
    request.held_on = timezone.localdate(hearing.starts_at)
    saved_with_event(
        request,
        by=by,
        verb="hearing.held",
        summary=f"{request.number}: held {display_date(request.held_on)}",
        update_fields=["status", "held_on"],
    )
    return hearing


@transaction.atomic
def hearing_no_show_record(*, request: HearingRequest, by: User, now: datetime | None = None) -> Hearing:
    """No one came to the California hearing: its sitting is not held and the request is noticed for
    dismissal 15 days ahead (22 CCR 120213(b)): the complainant may ask for it to be reinstated and
    show good cause for not coming (``hearing_good_cause_decide``), else ``hearing_request_dismiss``
    closes it from ``dismissal_on``. New York dismisses an abandoned request with ``hearing_decide``
    (18 NYCRR 358-5.5(a))."""
    _require(by, "hearings.decide_hearing", "record that no one came to a hearing")
    now = now or timezone.now()
    today = timezone.localdate(now)
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.jurisdiction != "CA":
        raise ValidationError(
            "A New York fair hearing request no one came for is abandoned (18 NYCRR 358-5.5(a)): "
            "dismiss it with the decision, or reschedule if the appellant asked with a good cause reason."
        )
    hearing = selectors.scheduled_sitting(request=request)
    if request.status != RequestStatus.SCHEDULED or hearing is None:
        raise ValidationError("Only a scheduled hearing can be recorded as missed.")
    if hearing.ends_at > now:
        raise ValidationError("The hearing's time has not passed yet.")
    hearing.status = HearingStatus.NOT_HELD
    hearing.save(update_fields=["status"])
    request.status = RequestStatus.DISMISSAL_NOTICED
    request.dismissal_ground = DismissalGround.NO_SHOW
    request.dismissal_on = dismissal_on(today, jurisdiction=request.jurisdiction)
    request.full_clean()
    request.save()
    letters_issue(request=request, kind=LetterKind.DISMISSAL_NOTICE, by=by, hearing=hearing, on=today)
    event_about(
        request,
        verb="hearing.no_show_recorded",
        by=by,
        summary=f"{request.number}: no one came on {display_date(timezone.localdate(hearing.starts_at))}; "
        f"dismissal noticed for {display_date(request.dismissal_on)}",
    )
    return hearing


# What a reopened request carries over from the abandoned one: the same parties, complaint, case,
# issue and statement, the original request date with its lateness and targets.
REOPEN_CARRIED = (
    "jurisdiction",
    "complaint",
    "case",
    "requester_name",
    "contact_email",
    "contact_phone",
    "issue",
    "statement",
    "requested_on",
    "basis",
    "complaint_made_on",
    "resolution_received_on",
    "in_jurisdiction",
    "alternate_route",
    "filing_deadline",
    "is_late",
    "good_cause",
    "good_cause_reason",
    "good_cause_decided_by",
    "good_cause_decided_on",
    "interpreter_language",
    "accommodation_needs",
)


@transaction.atomic
def hearing_request_reopen(
    *, request: HearingRequest, asked_on: date, reason: str, by: User, today: date | None = None
) -> HearingRequest:
    """New York: reopen a fair hearing request dismissed as abandoned. 18 NYCRR 358-5.5(c): "OAH will
    reopen an abandoned fair hearing request if, within one calendar year from the scheduled date of
    the fair hearing, the requirements of subdivision (a) of this section are met", that is, the
    appellant or their representative "(1) contacts OAH to request that the fair hearing be
    rescheduled; and (2) provides OAH with the good cause reason for failing to appear at the fair
    hearing on the scheduled date". The officer records the day they asked and the reason given.

    The abandoned request stays as it closed (dismissed, its decision letters as sent: one decision
    letter per party and request). A new request linked to it (``reopened_from``: one per abandoned
    request) carries the same parties, complaint, case, issue and statement, and the original request
    date. Its targets are the original ones extended by the days from the missed hearing to the day
    the appellant asked: 358-6.4(a) counts "from the date of the request for a fair hearing", and
    358-5.3(d) extends that limit when the hearing is put off at the appellant's request, "by the
    number of days the fair hearing has been postponed" (confirm: the reopening's own rule says
    nothing of the targets). It waits to be scheduled (``hearing_schedule``); each party gets a
    notice of reopening. Refused after the year (naming its last day), for a request not abandoned,
    for California (120213(b) reinstates before the dismissal instead), and a second time."""
    _require(by, "hearings.decide_hearing", "reopen hearing requests")
    today = today or _today()
    law = citation("abandonment_reopen", "NY")
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.jurisdiction != "NY":
        raise ValidationError(
            f"Only a New York fair hearing request dismissed as abandoned is reopened ({law}). In California "
            "a request no one came to is reinstated before its dismissal takes effect, with good cause shown "
            "(22 CCR 120213(b))."
        )
    sitting = selectors.abandoned_sitting(request=request)
    if sitting is None:
        raise ValidationError(
            "Only a request dismissed as abandoned (no one came to its hearing, 18 NYCRR 358-5.5(a)) can be "
            f"reopened ({law})."
        )
    reopened = HearingRequest(
        **{name: getattr(request, name) for name in REOPEN_CARRIED},
        status=RequestStatus.REQUESTED,
        reopened_from=request,
        reopen_asked_on=asked_on,
        reopen_reason=reason.strip(),
        created_by=by,
    )
    # A double-clicked or retried form: the request is reopened once (the one-to-one link holds it too).
    row_repeat_refuse(
        row=reopened,
        parent=request,
        fields=("reopened_from",),
        window=None,
        locked=True,
        message=lambda first: f"{request.number} was already reopened as {first.number}: nothing was recorded again.",
    )
    if not reopened.reopen_reason:
        raise ValidationError(
            {"reason": "Record the good cause reason the appellant gave for not appearing (18 NYCRR 358-5.5(a)(2))."}
        )
    missed_on = timezone.localdate(sitting.starts_at)
    last_day = reopen_last_day(missed_on)
    not_in_future(asked_on, "asked_on", today=today)
    if asked_on < missed_on:
        raise ValidationError(
            {
                "asked_on": f"The year to reopen runs from the hearing of {missed_on:%B %d, %Y}: give the day the "
                "appellant asked, on or after it."
            }
        )
    if asked_on > last_day:
        raise ValidationError(
            {
                "asked_on": f"Too late to reopen: the last day was {last_day:%B %d, %Y}, one calendar year from "
                f"the hearing scheduled on {missed_on:%B %d, %Y} ({law}); the appellant asked on "
                f"{asked_on:%B %d, %Y}. The request stays dismissed as abandoned."
            }
        )
    put_off = timedelta(days=(asked_on - missed_on).days)  # 18 NYCRR 358-5.3(d) (confirm)
    reopened.hold_by, reopened.decide_by = request.hold_by + put_off, request.decide_by + put_off
    reopened.number = "pending"
    reopened.full_clean(exclude=["number", "reopened_from"])  # the link is the locked row; once: below
    try:
        save_with_unique_number(reopened, "HRG")
    except IntegrityError:
        # Another officer reopened it in the same moment where the row lock does not hold (SQLite):
        # the one-to-one link refused this one.
        first = HearingRequest.objects.filter(reopened_from=request).first()
        if first is None:
            raise
        raise ValidationError(f"{request.number} was already reopened as {first.number}: nothing was recorded again.")
    event_about(
        reopened,
        verb="hearing.reopened",
        by=by,
        summary=f"{reopened.number}: reopens {request.number}, dismissed as abandoned (no one came on "
        f"{display_date(missed_on)}); the appellant asked on {display_date(asked_on)} with a good cause reason",
        data={
            "reopened_from": request.number,
            "missed_on": missed_on.isoformat(),
            "asked_on": asked_on.isoformat(),
            "last_day": last_day.isoformat(),
        },
    )
    letters_issue(request=reopened, kind=LetterKind.REOPENED, by=by, on=today)
    return reopened


def _decision_allowed(request: HearingRequest, outcome: str, decided_on: date, now: datetime) -> None:
    """The order of a request (docs/hearings.md): granted or denied need a held hearing dated on or
    before the decision; withdrawn any time; dismissed once the hearing's time has passed."""
    if outcome in MERITS_OUTCOMES:
        if request.status != RequestStatus.HELD or request.held_on is None:
            raise ValidationError(
                {
                    "outcome": f"{Outcome(outcome).label} needs a hearing that was held: record "
                    "the hearing as held first."
                }
            )
        if decided_on < request.held_on:
            raise ValidationError(
                {"decided_on": f"The decision cannot be dated before the hearing ({request.held_on:%B %d, %Y})."}
            )
    elif outcome == Outcome.DISMISSED:
        if request.status == RequestStatus.HELD:
            if request.held_on is not None and decided_on < request.held_on:
                raise ValidationError({"decided_on": "The dismissal cannot be dated before the hearing."})
            return
        sitting = selectors.scheduled_sitting(request=request)
        if request.status != RequestStatus.SCHEDULED or sitting is None or sitting.ends_at > now:
            raise ValidationError({"outcome": "A request is dismissed once the time of its hearing has passed."})
        if request.jurisdiction == "CA":
            raise ValidationError(
                {
                    "outcome": 'California: if no one came, record it ("No one came"): the complainant is told '
                    "the request will be dismissed 15 days later unless they show good cause (22 CCR 120213(b))."
                }
            )
        if decided_on < timezone.localdate(sitting.starts_at):
            raise ValidationError({"decided_on": "The dismissal cannot be dated before the hearing time."})
    elif outcome != Outcome.WITHDRAWN:
        raise ValidationError({"outcome": "Choose an outcome."})


@transaction.atomic
def hearing_decide(
    *,
    request: HearingRequest,
    outcome: str,
    decided_on: date,
    summary: str,
    by: User,
    actions: Sequence[tuple] = (),  # (description, due_on) or (description, due_on, assigned_to)
    today: date | None = None,
    now: datetime | None = None,
) -> HearingRequest:
    """Close the request: granted or denied (after a held hearing), dismissed (its hearing's time
    passed), withdrawn (any time). Records the compliance actions a decision orders (each: what,
    who, due date; a due date on a non-business day moves to the next business day) and issues
    the decision letter to each party."""
    _require(by, "hearings.decide_hearing", "decide hearings")
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(
            {
                "outcome": "This request is already closed."
                if request.status == RequestStatus.DECIDED
                else "This request is not open to a decision."
            }
        )
    if request.needs_good_cause and outcome != Outcome.WITHDRAWN:
        raise ValidationError({"outcome": "Decide good cause for this late request first."})
    if decided_on > today or decided_on < request.requested_on:
        raise ValidationError({"decided_on": "The decision date must be between the request and today."})
    if not summary.strip():
        raise ValidationError({"summary": "Summarise the decision."})
    _decision_allowed(request, outcome, decided_on, now)
    if actions and outcome not in MERITS_OUTCOMES:
        raise ValidationError({"outcome": "Only a decision on the merits orders compliance actions."})
    sitting_end: dict[str, str] = {
        Outcome.WITHDRAWN: HearingStatus.CANCELLED,
        Outcome.DISMISSED: HearingStatus.NOT_HELD,
    }
    if outcome in sitting_end:
        request.hearings.filter(status=HearingStatus.SCHEDULED).update(status=sitting_end[outcome])
    request.status = RequestStatus.DECIDED
    request.outcome = outcome
    request.decided_on = decided_on
    request.decision_summary = summary.strip()
    request.decided_by = by
    request.full_clean()
    request.save()
    for item in actions:
        # (description, due_on) or (description, due_on, assigned_to)
        description, due_on, *rest = item
        compliance_action_add(
            request=request, description=description, due_on=due_on, assigned_to=rest[0] if rest else None, by=by
        )
    letters_issue(request=request, kind=LetterKind.DECISION, by=by, on=decided_on)
    event_about(
        request,
        verb="hearing.decided",
        by=by,
        summary=f"{request.number}: {request.get_outcome_display()}",
        data={"within_target": decided_on <= request.decide_by, "actions": len(actions)},
    )
    return request


def compliance_action_add(
    *, request: HearingRequest, description: str, due_on: date, assigned_to=None, by: User
) -> ComplianceAction:
    """One action a decision orders. A due date on a weekend or holiday of the request's
    jurisdiction moves to the next business day (core.business_days; DOMAIN.md). Assigned, if to
    anyone, to staff who may work it (``selectors.compliance_assignees``)."""
    if (
        assigned_to is not None
        and not selectors.compliance_assignees(request=request).filter(pk=assigned_to.pk).exists()
    ):
        raise ValidationError(
            {"assigned_to": f"{assigned_to} cannot be given this action: choose active staff of the request's county."}
        )
    rolled = business_days.roll_forward(due_on, request.jurisdiction)
    action = ComplianceAction(request=request, description=description.strip(), due_on=rolled, assigned_to=assigned_to)
    return saved_with_event(
        action,
        about=request,
        verb="hearing.compliance_ordered",
        by=by,
        summary=f"{request.number}: {action.description[:200]} by {display_date(rolled)}"
        + (f" (moved from {display_date(due_on)}, not a business day)" if rolled != due_on else "")
        + (f", assigned to {assigned_to}" if assigned_to else ""),
    )


def letters_issue(
    *, request: HearingRequest, kind: str, by: User | None, hearing: Hearing | None = None, on: date | None = None
) -> list[HearingLetter]:
    """A letter of ``kind`` to each party: the person who asked and the child support agency."""
    on = on or _today()
    agency = settings.CASEWORKS_OFFICE_NAME
    letters = [
        HearingLetter(
            request=request,
            hearing=hearing,
            kind=kind,
            party=party,
            addressee=name,
            issued_on=on,
            issued_by=acting_user(by),
            # A notice of intended dismissal keeps its ground and date: reprinted after a reinstatement
            # (or a second notice), it still says what was sent.
            dismissal_ground=request.dismissal_ground if kind == LetterKind.DISMISSAL_NOTICE else "",
            dismissal_on=request.dismissal_on if kind == LetterKind.DISMISSAL_NOTICE else None,
            dismissal_reason=(
                request.good_cause_reason
                if kind == LetterKind.DISMISSAL_NOTICE and request.dismissal_ground == DismissalGround.LATE
                else ""
            ),
        )
        for party, name in ((Party.APPELLANT, request.requester_name), (Party.AGENCY, agency))
    ]
    for letter in letters:
        letter.full_clean()
    HearingLetter.objects.bulk_create(letters)
    _letters_record(letters, by=by)
    event_about(
        request,
        verb=f"hearing.{kind}_letters_issued",
        by=by,
        summary=f"{request.number}: {LetterKind(kind).label} to "
        + " and ".join(letter.addressee for letter in letters),
    )
    return letters


LETTER_WHAT = {
    LetterKind.NOTICE: "notice of hearing",
    LetterKind.DECISION: "hearing decision",
    LetterKind.DISMISSAL_NOTICE: "notice of intended dismissal",
    LetterKind.REOPENED: "notice of reopening",
}


def _letters_record(letters: list[HearingLetter], *, by) -> None:
    """Each letter to the appellant is sent and logged on the case (``cases.services.letter_deliver``):
    an appellant who is not a person of a case has no postal address on file, so their letter is
    e-mailed (PDF attached) to the address they gave; a case person's is mailed to the block's
    address or through the FVI arrangement; with neither, a work item is opened."""
    from cases.services import letter_deliver

    from .letters import hearing_letter, hearing_recipient

    for row in letters:
        if row.party != Party.APPELLANT:
            continue
        request = row.request
        _block, address = hearing_recipient(row)
        person = request.complaint.complainant_person if request.complaint is not None else None
        what = LETTER_WHAT[LetterKind(row.kind)]
        letter_deliver(
            letter=hearing_letter(row),
            case=request.case if request.case_id else None,
            person=person,
            address=address,
            email=request.contact_email if person is None else "",
            reference=request.number,
            pdf_name=f"hearing-{row.kind}-{request.number}.pdf",
            missing_title=f"{request.number}: no postal address for the {what}",
            missing_key=f"letter-unsent:hearing:{row.pk or f'{request.pk}-{row.kind}-{row.issued_on}'}",
            by=acting_user(by),
        )


@transaction.atomic
def compliance_action_complete(
    *, action: ComplianceAction, done_on: date, note: str = "", by: User, today: date | None = None
) -> ComplianceAction:
    """Mark an action a decision ordered as done, on a day from the decision to today: the record of
    compliance is what the State checks (18 NYCRR 358-6.4(c): the agency complies "promptly"), so
    it cannot say the agency complied before the decision that ordered it."""
    today = today or _today()
    action = ComplianceAction.objects.select_for_update(of=("self",)).select_related("request").get(pk=action.pk)
    if action.status == ActionStatus.DONE:
        raise ValidationError({"done_on": "This action is already done."})
    not_in_future(done_on, "done_on", today=today)
    decided_on = action.request.decided_on
    if decided_on is not None and done_on < decided_on:
        raise ValidationError(
            {
                "done_on": f"The decision that ordered this action is dated {decided_on:%B %d, %Y}: give the day "
                "it was done, on or after it."
            }
        )
    action.status = ActionStatus.DONE
    action.done_on = done_on
    action.done_note = note.strip()
    return saved_with_event(
        action,
        about=action.request,
        verb="hearing.compliance_done",
        by=by,
        summary=f"{action.request.number}: {action.description[:200]}",
    )

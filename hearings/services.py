"""Hearings writes (services: <entity>_<action>, keyword-only, transactional).

Family Code 17801 (California; the NY profile has the same workflow with its own dated rows):
the complaint process comes first unless no written resolution came within 30 days; the request
is due 90 days after the resolution was received, or 90 days after the complaint when none came
within 30 days; late requests are accepted, flagged, and need a recorded good-cause decision. The
state hearing decides the four matters of ``IN_JURISDICTION``; order amount, custody and visitation
belong to the court, so such requests are recorded with the alternate route offered.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from complaints import deadlines
from complaints.choices import ComplaintStatus, DeadlineKey
from complaints.models import Complaint
from core.numbering import save_with_unique_number
from core.services import event_record

from .choices import (
    COURT_MATTERS,
    ActionStatus,
    Basis,
    GoodCause,
    HearingStatus,
    Outcome,
    RequestStatus,
)
from .models import ComplianceAction, Hearing, HearingRequest

DEFAULT_COURT_ROUTE = (
    "The court that made the order decides the support amount, custody and visitation: the person may "
    "file a motion with that court; the family law facilitator helps without charge."
)


def _today() -> date:
    return timezone.localdate()


def filing_deadline(*, basis: str, complaint_made_on: date, resolution_received_on: date | None,
                    jurisdiction: str) -> date:
    """90 days after the resolution was received; with no resolution within 30 days, 90 days after
    the complaint (Fam. Code 17801). A resolution that came late never shortens the time."""
    after_complaint = deadlines.due_after(complaint_made_on, DeadlineKey.HEARING_REQUEST, jurisdiction=jurisdiction)
    if basis == Basis.RESOLUTION and resolution_received_on:
        after_resolution = deadlines.due_after(resolution_received_on, DeadlineKey.HEARING_REQUEST,
                                               jurisdiction=jurisdiction)
        window_end = deadlines.due_after(complaint_made_on, DeadlineKey.NO_RESOLUTION, jurisdiction=jurisdiction)
        return max(after_resolution, after_complaint) if resolution_received_on > window_end else after_resolution
    return after_complaint


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
    by=None,
    today: date | None = None,
) -> HearingRequest:
    """Record a state hearing request. Never drops one: late → flagged for a good-cause decision;
    a court matter → recorded out of jurisdiction with the alternate route."""
    today = today or _today()
    if requested_on > today:
        raise ValidationError({"requested_on": "The request date cannot be in the future."})
    if complaint is not None:
        case = complaint.case
        complaint_made_on = complaint.received_on
        jurisdiction = complaint.jurisdiction
        resolved = complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.WITHDRAWN)
        if resolved:
            assert complaint.resolved_on is not None  # a resolved complaint has its date
            resolution_received_on = resolution_received_on or deadlines.presumed_received_on(complaint.resolved_on)
            if resolution_received_on < complaint.resolved_on:
                raise ValidationError({"resolution_received_on": "The resolution cannot be received before it was made."})
        else:
            resolution_received_on = None
    else:
        jurisdiction = deadlines.profile(getattr(case, "jurisdiction", None))
        resolved = resolution_received_on is not None
        if complaint_made_on is None:
            raise ValidationError({"complaint_made_on": "Give the date of the complaint: the complaint process "
                                                        "comes first (Fam. Code 17801)."})
    if complaint_made_on > requested_on:
        raise ValidationError({"complaint_made_on": "The complaint cannot be after the hearing request."})
    if not resolved:
        # Without a resolution the person may go to a hearing once the 30 days have passed.
        window_end = deadlines.due_after(complaint_made_on, DeadlineKey.NO_RESOLUTION, jurisdiction=jurisdiction)
        if requested_on <= window_end:
            raise ValidationError({"requested_on": (
                f"The complaint process comes first: the written resolution is due by {window_end:%B %d, %Y}. "
                "A hearing may be requested after that date if none arrives (Fam. Code 17801)."
            )})
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        if complaint is not None:
            contact_email, contact_phone = complaint.contact_email, complaint.contact_phone
        else:
            raise ValidationError({"contact_email": "Give an email address or a phone number."})
    basis = Basis.RESOLUTION if resolved else Basis.NO_RESOLUTION
    deadline = filing_deadline(basis=basis, complaint_made_on=complaint_made_on,
                               resolution_received_on=resolution_received_on, jurisdiction=jurisdiction)
    in_jurisdiction = issue not in COURT_MATTERS
    is_late = requested_on > deadline
    request = HearingRequest(
        jurisdiction=jurisdiction, complaint=complaint, case=case, requester_name=requester_name.strip(),
        contact_email=(contact_email or "").strip(), contact_phone=(contact_phone or "").strip(), issue=issue,
        statement=statement, requested_on=requested_on, basis=basis, complaint_made_on=complaint_made_on,
        resolution_received_on=resolution_received_on, in_jurisdiction=in_jurisdiction,
        alternate_route=(alternate_route.strip() or (DEFAULT_COURT_ROUTE if not in_jurisdiction else "")),
        filing_deadline=deadline, is_late=is_late, good_cause=GoodCause.PENDING if is_late else "",
        interpreter_language=interpreter_language.strip(), accommodation_needs=accommodation_needs.strip(),
        hold_by=deadlines.due_after(requested_on, DeadlineKey.HEARING_HELD, jurisdiction=jurisdiction),
        decide_by=deadlines.due_after(requested_on, DeadlineKey.HEARING_DECISION, jurisdiction=jurisdiction),
        status=RequestStatus.REQUESTED if in_jurisdiction else RequestStatus.OUT_OF_JURISDICTION,
        created_by=by,
    )
    request.number = "pending"
    request.full_clean(exclude=["number"])
    save_with_unique_number(request, "HRG")
    event_record(
        verb="hearing requested", subject=request, case_id=request.case_id, actor=by,
        summary=f"{request.number}: {request.get_issue_display()}"
                + (" — late, good cause needed" if is_late else "")
                + ("" if in_jurisdiction else " — court matter, alternate route offered"),
        data={"filing_deadline": deadline.isoformat(), "is_late": is_late, "in_jurisdiction": in_jurisdiction},
    )
    return request


def _require(user, perm: str, what: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(f"You may not {what}.")


@transaction.atomic
def hearing_good_cause_decide(*, request: HearingRequest, found: bool, reason: str, by,
                              today: date | None = None) -> HearingRequest:
    """Decide whether a late request had good cause; without it the request is dismissed."""
    _require(by, "hearings.decide_hearing", "decide good cause")
    today = today or _today()
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not request.needs_good_cause:
        raise ValidationError({"reason": "This request needs no good-cause decision."})
    if not reason.strip():
        raise ValidationError({"reason": "Record the reason for the decision."})
    request.good_cause = GoodCause.FOUND if found else GoodCause.NOT_FOUND
    request.good_cause_reason = reason.strip()
    request.good_cause_decided_by = by
    request.good_cause_decided_on = today
    if not found:
        request.status = RequestStatus.DECIDED
        request.outcome = Outcome.DISMISSED
        request.decided_on = today
        request.decided_by = by
        request.decision_summary = f"Dismissed: filed after the deadline without good cause. {reason.strip()}"
    request.full_clean()
    request.save()
    event_record(verb="hearing good cause decided", subject=request, case_id=request.case_id, actor=by,
                 summary=f"{request.number}: {request.get_good_cause_display()}")
    return request


@transaction.atomic
def hearing_schedule(*, request: HearingRequest, officer, starts_at: datetime, mode: str, location: str,
                     interpreter_language: str = "", accommodation_needs: str = "", by) -> Hearing:
    """Schedule (or reschedule) the hearing. A date after the 45-day target is allowed and flagged."""
    _require(by, "hearings.schedule_hearing", "schedule hearings")
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not request.is_open:
        raise ValidationError({"starts_at": "Only an open, in-jurisdiction request can be scheduled."})
    if request.needs_good_cause:
        raise ValidationError({"starts_at": "Decide good cause for this late request first."})
    if not officer.has_perm("hearings.decide_hearing"):
        raise ValidationError({"officer": "Choose a hearing officer."})
    if timezone.localdate(starts_at) < request.requested_on:
        raise ValidationError({"starts_at": "The hearing cannot be before the request."})
    request.hearings.filter(status=HearingStatus.SCHEDULED).update(status=HearingStatus.POSTPONED)
    hearing = Hearing(
        request=request, officer=officer, starts_at=starts_at, mode=mode, location=location.strip(),
        interpreter_language=(interpreter_language or request.interpreter_language).strip(),
        accommodation_needs=(accommodation_needs or request.accommodation_needs).strip(),
        beyond_target=timezone.localdate(starts_at) > request.hold_by, scheduled_by=by,
    )
    hearing.full_clean()
    hearing.save()
    request.status = RequestStatus.SCHEDULED
    request.save(update_fields=["status"])
    event_record(verb="hearing scheduled", subject=request, case_id=request.case_id, actor=by,
                 summary=f"{request.number}: {timezone.localtime(starts_at):%Y-%m-%d %H:%M}, {hearing.get_mode_display()}"
                         + (" (after the 45-day target)" if hearing.beyond_target else ""))
    return hearing


@transaction.atomic
def hearing_decide(*, request: HearingRequest, outcome: str, decided_on: date, summary: str, by,
                   actions: list[tuple[str, date]] = (), today: date | None = None) -> HearingRequest:
    """Record the decision (granted, denied, dismissed, withdrawn) and the compliance actions it orders."""
    _require(by, "hearings.decide_hearing", "decide hearings")
    today = today or _today()
    request = HearingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status == RequestStatus.DECIDED:
        raise ValidationError({"outcome": "This request is already decided."})
    if request.needs_good_cause and outcome != Outcome.WITHDRAWN:
        raise ValidationError({"outcome": "Decide good cause for this late request first."})
    if decided_on > today or decided_on < request.requested_on:
        raise ValidationError({"decided_on": "The decision date must be between the request and today."})
    if not summary.strip():
        raise ValidationError({"summary": "Summarise the decision."})
    request.status = RequestStatus.DECIDED
    request.outcome = outcome
    request.decided_on = decided_on
    request.decision_summary = summary.strip()
    request.decided_by = by
    request.full_clean()
    request.save()
    request.hearings.filter(status=HearingStatus.SCHEDULED, starts_at__date__lte=decided_on).update(
        status=HearingStatus.HELD)
    for description, due_on in actions:
        compliance_action_add(request=request, description=description, due_on=due_on, by=by)
    event_record(verb="hearing decided", subject=request, case_id=request.case_id, actor=by,
                 summary=f"{request.number}: {request.get_outcome_display()}",
                 data={"within_target": decided_on <= request.decide_by, "actions": len(actions)})
    return request


def compliance_action_add(*, request: HearingRequest, description: str, due_on: date, assigned_to=None,
                          by) -> ComplianceAction:
    action = ComplianceAction(request=request, description=description.strip(), due_on=due_on,
                              assigned_to=assigned_to)
    action.full_clean()
    action.save()
    event_record(verb="hearing compliance ordered", subject=request, case_id=request.case_id, actor=by,
                 summary=f"{request.number}: {action.description[:200]} by {due_on:%Y-%m-%d}")
    return action


@transaction.atomic
def compliance_action_complete(*, action: ComplianceAction, done_on: date, note: str = "", by,
                               today: date | None = None) -> ComplianceAction:
    today = today or _today()
    action = ComplianceAction.objects.select_for_update(of=("self",)).select_related("request").get(pk=action.pk)
    if action.status == ActionStatus.DONE:
        raise ValidationError({"done_on": "This action is already done."})
    if done_on > today:
        raise ValidationError({"done_on": "The date cannot be in the future."})
    action.status = ActionStatus.DONE
    action.done_on = done_on
    action.done_note = note.strip()
    action.full_clean()
    action.save()
    event_record(verb="hearing compliance done", subject=action.request, case_id=action.request.case_id, actor=by,
                 summary=f"{action.request.number}: {action.description[:200]}")
    return action

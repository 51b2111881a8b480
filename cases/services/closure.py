"""The notice of intent to close a case and what follows it (45 CFR 303.11(d), as revised by
81 FR 93492, Dec. 20, 2016).

(d)(1): for the criteria (b)(1)-(10), (15) and (16), "the State must notify the recipient of services
in writing 60 calendar days prior to closure of the case of the State's intent to close the case".
(d)(3): "The case must be kept open if the recipient of services or the initiating agency supplies
information in response to the notice ... that could lead to the establishment of paternity or a
support order or enforcement of an order, or, in the instance of paragraph (b)(15) ..., if contact is
reestablished with the recipient of services."

- ``case_close_request``: the close page's one action. A reason that needs the notice and has none
  pending sends it (``closure_notice_send``); otherwise the case is closed (``case_close``, which
  refuses a noticed reason before its due date, with the date).
- ``closure_notice_answer``: the recipient (or, in a responding intergovernmental case, the
  initiating agency) answered: the intent is cancelled, the case stays open; the event keeps it.
- ``closure_notice_due_sweep``: daily, a work item for the caseworker on each due date: "close or
  keep open". The rule says the case *may* be closed after 60 days, not must: a caseworker decides
  on what came in meanwhile (an answer by telephone not yet recorded, a payment), so nothing closes
  by itself.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import date_refusal, display_date, not_in_future
from core.letters import MailingBlock
from core.services import event_about
from core.stale import Shown, refuse_if_changed

from ..choices import CaseStatus, ClosureReason, InterstateRole, WorkItemKind, WorkItemStatus
from ..closure import closure_due, closure_notice_letter, notice_required
from ..models import Address, Case, Person, WorkItem
from .cases import CLOSURE_SHOWN, _closure_check, case_close, closure_shown
from .letters import letter_deliver
from .work import work_item_create, work_items_swept

NOTICE_FIELDS = ("closure_noticed_on", "closure_notice_reason", "closure_due_on", "closure_notice_note")


def _notice_fields_save(case: Case) -> None:
    """Save the case's notice fields (all set, or all empty: the model's check)."""
    case.full_clean()
    case.save(update_fields=[*NOTICE_FIELDS, "updated_at"])


@transaction.atomic
def closure_notice_send(
    *, case: Case, reason: str, by: User | None, note: str = "", on: date | None = None, shown: Shown | None = None
) -> Case:
    """Send the notice of intent to close ``case`` for ``reason`` (45 CFR 303.11(d)(1)) and record
    the intent: the case stays open and may be closed for that reason from the due date, 60 calendar
    days later moved to a business day (``closure_due``). The notice is a letter to the recipient of services (the custodial party) in their
    language, mailed (FVI: through the confidential arrangement; with no deliverable address, to the
    last address known) and logged; with no address ever on file it is refused (the 60 days count
    from a notice sent). In a responding intergovernmental case a work item asks the caseworker to
    send it to the initiating agency too, in a record (the agency may answer, (d)(3))."""
    on = on or timezone.localdate()
    not_in_future(on, "closure_noticed_on")
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if_changed(row=case, shown=shown, current=closure_shown(case), labels=CLOSURE_SHOWN)
    if not case.is_open:
        raise ValidationError({"__all__": "The case is closed."})
    if not notice_required(reason):
        raise ValidationError({"reason": "This reason needs no notice of intent to close: the case closes at once."})
    if case.closure_noticed_on is not None:
        raise ValidationError(
            {
                "reason": f"A notice of intent to close was already sent on {display_date(case.closure_noticed_on)} "
                f"(closable from {display_date(case.closure_due_on)})."
            }
        )
    _closure_check(case, reason, note)
    cp = case.cp
    if cp is None:
        raise ValidationError({"reason": "The case has no custodial party to send the notice of intent to close to."})
    due = closure_due(on, case.jurisdiction)
    case.closure_noticed_on, case.closure_notice_reason, case.closure_due_on = on, reason, due
    case.closure_notice_note = note.strip()
    letter, address = closure_notice_letter(case)
    _reachable_by_mail_check(cp, letter.recipient, address)
    _notice_fields_save(case)
    event_about(
        case,
        verb="case.closure_noticed",
        by=by,
        summary=f"Notice of intent to close ({case.get_closure_notice_reason_display()}): closable from "
        f"{display_date(due)}",
        data={"reason": reason, "noticed_on": on.isoformat(), "due_on": due.isoformat(), "rule": "45 CFR 303.11(d)(1)"},
    )
    letter_deliver(
        letter=letter,
        case=case,
        person=cp,
        address=address,
        email="",
        reference=f"closure-{on.isoformat()}",
        pdf_name=f"closure-notice-{case.case_number}.pdf",
        missing_title=f"Notice of intent to close {case.case_number}: no address on file for the recipient",
        missing_key=f"closure-notice-unsent:{case.pk}:{on.isoformat()}",
        assigned_to=case.caseworker,
        by=by,
    )
    if case.interstate_role == InterstateRole.RESPONDING:
        work_item_create(
            case=case,
            title=f"Send the notice of intent to close to the initiating agency ({case.other_state or 'other state'}"
            f"{', case ' + case.other_state_case_id if case.other_state_case_id else ''})",
            kind="closure_notice_agency",
            due_on=on,
            dedupe_key=f"closure-notice-agency:{case.pk}:{on.isoformat()}",
            by=by,
            notes="In a record (CSENet or a letter): the case may be closed from "
            f"{display_date(due)}. Information the initiating agency sends that could lead to establishing "
            "paternity or an order, or enforcing one, keeps the case open (45 CFR 303.11(d)(3)).",
        )
    return case


def _reachable_by_mail_check(cp: Person, block: MailingBlock, address: Address | None) -> None:
    """A written notice can be mailed to the recipient of services (the custodial party) when the
    letter's block has an address on file — the deliverable one, else the last known even if mail
    came back from it (303.11(d)(1) asks for the notice in writing; a recipient who cannot be
    reached, (b)(15), is the usual case of returned mail) — or the confidential arrangement (FVI).
    With no address ever on file the notice is refused: the 60 days count from a notice sent."""
    if address is None and not block.confidential:
        raise ValidationError(
            {
                "reason": f"No mailing address has ever been on file for {cp.display_name}: the written notice of "
                "intent to close cannot be sent (45 CFR 303.11(d)(1)). Record an address first."
            }
        )


def case_close_request(
    *, case: Case, reason: str, by: User, note: str = "", shown: Shown | None = None
) -> tuple[str, Case]:
    """The close page: ``("noticed", case)`` when ``reason`` needs the notice of intent to close and
    none is pending (it is sent now); else ``("closed", case)`` (``case_close``: a noticed reason
    closes only from its due date)."""
    if notice_required(reason) and case.closure_noticed_on is None:
        return "noticed", closure_notice_send(case=case, reason=reason, note=note, by=by, shown=shown)
    return "closed", case_close(case=case, reason=reason, note=note, by=by, shown=shown)


ANSWERED_BY = {"recipient": "the recipient of services", "initiating_agency": "the initiating agency"}


@transaction.atomic
def closure_notice_answer(
    *,
    case: Case,
    answered_on: date,
    note: str,
    by: User,
    answered_by: str = "recipient",
    shown: Shown | None = None,
) -> Case:
    """The recipient of services (or, in a responding intergovernmental case, the initiating agency)
    answered the notice of intent to close with information that could lead to establishing
    paternity or an order or enforcing one, or (b)(15) contact was reestablished: the case is kept
    open (45 CFR 303.11(d)(3)). The intent is cleared from the case; the event keeps what it was,
    the answer and who recorded it. Its "close or keep open" work item is finished."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if_changed(row=case, shown=shown, current=closure_shown(case), labels=CLOSURE_SHOWN)
    errors: dict[str, str] = {}
    if not case.closure_notice_pending:
        raise ValidationError({"__all__": "No notice of intent to close is pending on this case."})
    if answered_by not in ANSWERED_BY:
        errors["answered_by"] = "Choose who answered."
    elif answered_by == "initiating_agency" and case.interstate_role != InterstateRole.RESPONDING:
        errors["answered_by"] = "Only a responding intergovernmental case has an initiating agency to answer."
    if problem := date_refusal(answered_on, future=False):
        errors["answered_on"] = problem
    elif case.closure_noticed_on and answered_on < case.closure_noticed_on:
        errors["answered_on"] = (
            f"The notice was sent on {display_date(case.closure_noticed_on)}: an answer comes after it."
        )
    if len((note or "").strip()) < 10:
        errors["note"] = "Record what the answer said (at least a sentence)."
    if errors:
        raise ValidationError(errors)
    was = {
        "reason": case.closure_notice_reason,
        "noticed_on": case.closure_noticed_on.isoformat() if case.closure_noticed_on else None,
        "due_on": case.closure_due_on.isoformat() if case.closure_due_on else None,
        "notice_note": case.closure_notice_note,
    }
    reason_label = case.get_closure_notice_reason_display()
    case.closure_noticed_on = case.closure_due_on = None
    case.closure_notice_reason = case.closure_notice_note = ""
    _notice_fields_save(case)
    WorkItem.objects.filter(case=case, kind=WorkItemKind.CLOSURE_NOTICE_DUE, status=WorkItemStatus.OPEN).update(
        status=WorkItemStatus.DONE, completed_on=answered_on
    )
    event_about(
        case,
        verb="case.closure_notice_answered",
        by=by,
        summary=f"{ANSWERED_BY[answered_by].capitalize()} answered on {display_date(answered_on)}: "
        f"kept open (notice of {was['noticed_on']} for {reason_label})",
        data={
            **was,
            "answered_on": answered_on.isoformat(),
            "answered_by": answered_by,
            "answer": note.strip(),
            "rule": "45 CFR 303.11(d)(3)",
        },
    )
    return case


def closure_notice_due_sweep(*, today: date | None = None) -> int:
    """Daily: one "close or keep open" work item for the caseworker of each open case whose notice
    of intent to close has reached its due date. Set-based (one query, one bulk insert); the dedupe
    key (case + notice date) makes a rerun, or a late run, create nothing twice. Nothing is closed:
    the rule lets the office close, a caseworker decides."""
    today = today or timezone.localdate()
    rows = Case.objects.filter(status=CaseStatus.OPEN, closure_due_on__lte=today).values_list(
        "id", "case_number", "caseworker_id", "closure_noticed_on", "closure_due_on", "closure_notice_reason"
    )
    items = [
        WorkItem(
            case_id=case_id,
            title=f"Closure notice period over for {number}: close or keep open",
            kind=WorkItemKind.CLOSURE_NOTICE_DUE,
            due_on=due_on,
            assigned_to_id=worker_id,
            dedupe_key=f"closure-due:{case_id}:{noticed_on.isoformat()}",
            notes=f"The notice of intent to close ({ClosureReason(reason).label}) was sent on "
            f"{display_date(noticed_on)}. If the recipient answered with information that could lead to "
            "establishing paternity or an order or enforcing one, record the answer (the case stays open, "
            "45 CFR 303.11(d)(3)); otherwise close the case for the noticed reason.",
        )
        for case_id, number, worker_id, noticed_on, due_on, reason in rows.iterator(chunk_size=2000)
    ]
    return work_items_swept(items, actor_label="closure notice sweep", rule="45 CFR 303.11(d)(1)")

"""Complaints writes (services: <entity>_<action>, keyword-only, transactional).

Rules (California Family Code 17800; 22 CCR 120100; DOMAIN.md): a complaint is never refused —
late ones (more than 90 days after the person knew) and ones about an unknown case number are
accepted and flagged; someone other than the case's caseworker investigates; the written
resolution is due 30 calendar days after receipt, moved to the next business day; a coordinator may
extend it once, by up to 30 days, with a reason.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import business_days
from core.dates import display_date, not_in_future
from core.jobs import job_enqueue
from core.mail import mail_link, mail_outbox_send, mail_result_record
from core.numbering import save_with_unique_number
from core.services import acting_user, day_run_once, event_about, repeat_refuse, row_repeat_refuse, saved_with_event

from . import deadlines
from .choices import (
    OPEN_STATUSES,
    Channel,
    ComplaintStatus,
    ReferralStatus,
    ReminderKind,
)
from .models import Communication, Complaint, Notice, Referral, ReminderRun
from .secrets import FormToken, form_token_read, normalise_secret, status_secret

logger = logging.getLogger(__name__)


def _today() -> date:
    return timezone.localdate()


def _actor(by: User | None, agency) -> dict:
    if by is not None:
        return {"by": by}
    return {"actor_label": f"Partner agency: {agency}" if agency else "Public web form"}


class ComplaintAlreadyFiled(ValidationError):
    """Filing refused: the same filer already filed this complaint (a double click, a retried request).
    ``complaint`` is the one filed first: the partner API answers with it."""

    code = "already_filed"

    def __init__(self, complaint: Complaint):
        super().__init__(
            f"This complaint was already filed as {complaint.number}: nothing was filed again.", code=self.code
        )
        self.complaint = complaint


@transaction.atomic
def complaint_file(
    *,
    channel: str,
    complainant_name: str,
    category: str,
    description: str,
    received_on: date,
    contact_email: str = "",
    contact_phone: str = "",
    case_number: str = "",
    case=None,
    complainant_person=None,
    known_on: date | None = None,
    preferred_language: str = "",
    interpreter_needed: bool = False,
    accommodation_needs: str = "",
    by: User | None = None,
    agency=None,
    today: date | None = None,
    form_token: FormToken | None = None,
) -> Complaint:
    """Record a complaint. Web complaints get a status-page secret (stored hashed); the raw
    secret is on ``complaint.raw_secret`` for the confirmation page only. ``form_token``: the public
    form's one-time token (``complaint_file_public``), from which the secret is derived.

    ``case`` is the case ``case_number`` names as the caller found it, in the filer's view (staff and
    partner keys: ``cases.selectors.case_visible_by_number``); this service never looks a number up
    itself, so a number given without a case — unknown, or a case the filer may not see — is kept as
    received and flagged ``unknown_case``, with no link and no event on any case."""
    today = today or _today()
    errors: dict[str, str] = {}
    if received_on > today:
        errors["received_on"] = "The date received cannot be in the future."
    if known_on and known_on > received_on:
        errors["known_on"] = "The date the person knew of the action cannot be after the date received."
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        errors["contact_email"] = "Give an email address or a phone number so we can reach the complainant."
    if errors:
        raise ValidationError(errors)
    jurisdiction = deadlines.profile(getattr(case, "jurisdiction", None))
    due_on = deadlines.due_after(received_on, deadlines.Deadline.RESOLUTION, jurisdiction=jurisdiction)
    known_limit = deadlines.days_for(deadlines.Deadline.KNOWN_LIMIT, jurisdiction=jurisdiction, on=received_on)
    complaint = Complaint(
        channel=channel,
        jurisdiction=jurisdiction,
        complainant_name=complainant_name.strip(),
        complainant_person=complainant_person,
        contact_email=(contact_email or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        # Blank when none was given: letters then follow the person's record (``complaint_language``).
        preferred_language=preferred_language.strip(),
        interpreter_needed=interpreter_needed,
        accommodation_needs=accommodation_needs.strip(),
        case=case,
        case_number_received=(case_number or (case.case_number if case else "")).strip()[:40],
        unknown_case=bool((case_number or "").strip()) and case is None,
        category=category,
        description=description,
        received_on=received_on,
        known_on=known_on,
        # Fam. Code 17800: 90 days after knowing, a last day that is not a business day extended to the
        # next one (22 CCR 120100(c)) — flagged, never refused.
        past_known_limit=bool(
            known_on and received_on > business_days.add_calendar_days(known_on, known_limit, jurisdiction)
        ),
        due_on=due_on,
        original_due_on=due_on,
        filed_by=by,
        filed_by_agency=agency,
        form_token_hash=form_token.hash if form_token else "",
    )
    _refuse_a_repeat(complaint)
    raw_secret = ""
    if channel == Channel.WEB:
        raw_secret = status_secret(seed=form_token.value if form_token else "")
        complaint.secret_hash = make_password(normalise_secret(raw_secret))
    complaint.number = "pending"
    complaint.full_clean(exclude=["number"])
    save_with_unique_number(complaint, "CMP")
    complaint.raw_secret = raw_secret
    event_about(
        complaint,
        verb="complaint.received",
        summary=f"{complaint.number} ({complaint.get_channel_display()}), due {display_date(due_on)}",
        data={"unknown_case": complaint.unknown_case, "past_known_limit": complaint.past_known_limit},
        **_actor(by, agency),
    )
    _acknowledgement_record(complaint=complaint, by=by)
    return complaint


# What makes a filing the same complaint again, by the same filer (``_refuse_a_repeat``; the data
# check ``complaints.filed_twice`` looks for the repeats filed before it).
SAME_COMPLAINT = (
    "channel",
    "complainant_name",
    "contact_email",
    "contact_phone",
    "case_number_received",
    "category",
    "description",
    "received_on",
    "known_on",
)


def _refuse_a_repeat(complaint: Complaint) -> None:
    """The same complaint filed again by the same staff member or partner agency (a double-clicked
    form, a retried API request) is refused with the first one (``ComplaintAlreadyFiled``): one
    complaint, one acknowledgement. Filings of one filer take turns on a lock. An anonymous web
    filing has no filer to compare: the same showing of the public form (its one-time token) is
    the same complaint when it says the same (``complaint_file_public`` compares the words:
    a different complaint sent on a used form is refused there, never answered with this one)."""
    fields: tuple[str, ...]
    if complaint.filed_by_agency_id is not None:
        fields, lock = ("filed_by_agency", *SAME_COMPLAINT), f"filed_by_agency={complaint.filed_by_agency_id}"
    elif complaint.filed_by_id is not None:
        fields, lock = ("filed_by", *SAME_COMPLAINT), f"filed_by={complaint.filed_by_id}"
    elif complaint.form_token_hash:
        fields, lock = ("form_token_hash",), f"form_token={complaint.form_token_hash}"
    else:
        return
    row_repeat_refuse(
        row=complaint,
        parent=f"complaints.file:{lock}",
        fields=fields,
        window=None,
        message=ComplaintAlreadyFiled,
    )


# How long after filing a repeat of the public form shows the secret again (a reload of the
# confirmation page, a retry that answered after the first): the page's answer, briefly. Later
# repeats show the number only; the office's idle timeout for a session is as long.
SECRET_SHOWN_AGAIN = timedelta(minutes=30)
FORM_EXPIRED = gettext_lazy(
    "This form was open too long, or was not sent from our page, so nothing was sent. Your complaint "
    "is below as you typed it: check it and send it again."
)
FORM_USED = gettext_lazy(
    "This form was already used to send a complaint, so nothing was sent. Your complaint is below as "
    "you typed it: check it and send it again."
)

# What a repeat of the public form must say as the complaint it filed said (``_says_the_same``):
# who is complaining, how to reach them, and what about — the person's own words. Not the date
# received (a retry may answer after midnight), nor the case found for the number (the number
# typed is compared), nor the optional answers (date known, language, accommodation): another
# person's complaint differs in who they are or what they say, and a retry replaying only part
# of the form must still be the repeat it is.
PUBLIC_SAME_CONTENT = ("complainant_name", "contact_email", "contact_phone", "case_number", "category", "description")


def _public_content(values: dict) -> tuple:
    """The fields of ``PUBLIC_SAME_CONTENT`` normalised for comparison: runs of white space made
    one space and case ignored (a browser's resend of the same words compares equal whatever it
    did to line ends), a field not given blank."""
    return tuple(" ".join(str(values.get(name) or "").split()).casefold() for name in PUBLIC_SAME_CONTENT)


def _says_the_same(complaint: Complaint, fields: dict) -> bool:
    """Whether ``fields`` (the form's, as sent to ``complaint_file_public``) are the complaint's own.
    The case number is compared as typed (``case_number_received``, cut as it is kept)."""
    stored = {name: getattr(complaint, name) for name in PUBLIC_SAME_CONTENT if name != "case_number"}
    stored["case_number"] = complaint.case_number_received
    sent = {**fields, "case_number": str(fields.get("case_number") or "").strip()[:40]}
    return _public_content(stored) == _public_content(sent)


def complaint_file_public(*, form_token: str, received_on: date, **fields) -> Complaint:
    """The public form's filing (``complaint_file``, channel web), once per showing of the form:
    the form's one-time token (``complaints.secrets``) sent again — a double click, a browser
    retry, a reload of the confirmation page — files nothing and returns the complaint it filed,
    with its secret again for ``SECRET_SHOWN_AGAIN`` (else none: ``raw_secret`` is empty).

    A repeat says the same (``PUBLIC_SAME_CONTENT``). A *different* complaint sent with a used
    token — on a shared computer, the next person going Back to the form the last one sent — is
    refused with ``FORM_USED`` (code ``form_used``) and nothing written: answering it with the
    first complaint would show a stranger its number and secret code and lose the second
    complaint behind "We received your complaint". The person is shown the form again with what
    they typed and a new token.

    A form sent without a token this site signed (a page kept from before the token, a post made
    without the page), or too long after it was shown, is refused with ``FORM_EXPIRED`` and nothing
    written: filed, it could not be told from its own repeats. (A late token that did file a
    complaint is a repeat, answered as above.) The person is shown the form again with what they
    typed and a new token: one more click."""
    token = form_token_read(form_token)
    if token is not None and not token.fresh:
        first = Complaint.objects.filter(form_token_hash=token.hash).first()
        if first is not None:
            return _shown_again(first, token, fields)
    if token is None or not token.fresh:
        raise ValidationError(FORM_EXPIRED, code="form_expired")
    try:
        return complaint_file(channel=Channel.WEB, received_on=received_on, form_token=token, **fields)
    except ComplaintAlreadyFiled as repeat:
        return _shown_again(repeat.complaint, token, fields)


def _shown_again(complaint: Complaint, token: FormToken, fields: dict) -> Complaint:
    """``complaint``, filed by the form ``token`` came with, for its confirmation page again when
    ``fields`` say what it said; else ``FORM_USED`` (nothing of ``complaint`` in the error)."""
    if not _says_the_same(complaint, fields):
        raise ValidationError(FORM_USED, code="form_used")
    secret = status_secret(seed=token.value)
    recent = complaint.created_at >= timezone.now() - SECRET_SHOWN_AGAIN
    # A secret derived under another site key (rotated since) is not the one given: none is shown.
    complaint.raw_secret = secret if recent and complaint.secret_matches(secret) else ""
    return complaint


def _acknowledgement_record(*, complaint: Complaint, by) -> None:
    """A complainant who is a person of the case is mailed the acknowledgement letter: logged with the
    address it is printed for (or the confidential arrangement; without either a work item is opened).
    Anyone else gets it on the confirmation page or printed from the complaint page
    (``complaints:acknowledgement_letter``)."""
    if complaint.complainant_person_id is None:
        return
    from .documents import acknowledgement_letter, complaint_letter_send

    complaint_letter_send(
        complaint=complaint,
        letter=acknowledgement_letter(complaint),
        what="acknowledgement",
        pdf_prefix="acknowledgement",
        by=by,
    )


def caseworker_investigates(*, case, investigator_id: int | None) -> bool:
    """Whether the investigator is the case's own caseworker: refused wherever an investigator and
    a case meet (assigning, linking, intake), each with its own message. Someone other than the
    caseworker investigates (DOMAIN.md, Fam. Code 17800 complaint process)."""
    return case is not None and investigator_id is not None and case.caseworker_id == investigator_id


def investigator_allowed(*, complaint: Complaint, investigator) -> str | None:
    """Why ``investigator`` may not investigate, or None (``caseworker_investigates``)."""
    # complaint.case: None without a query when the complaint names no case
    if caseworker_investigates(case=complaint.case, investigator_id=investigator.pk):
        return "The case's own caseworker cannot investigate a complaint about the case: choose someone else."
    return None


@transaction.atomic
def complaint_assign(*, complaint: Complaint, investigator, by: User) -> Complaint:
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("case").get(pk=complaint.pk)
    if not complaint.is_open:
        raise ValidationError({"investigator": "This complaint is closed."})
    problem = investigator_allowed(complaint=complaint, investigator=investigator)
    if problem:
        raise ValidationError({"investigator": problem})
    complaint.investigator = investigator
    return saved_with_event(
        complaint, by=by, verb="complaint.assigned", summary=f"{complaint.number} assigned to {investigator}"
    )


def extension_days_allowed(complaint: Complaint) -> tuple[int, date]:
    """The most days ``complaint``'s due date may be extended by, and the latest date the law allows:
    the resolution's days plus ``EXTENSION_MAX`` from receipt, rolled to a business day (Fam. Code
    17800; 22 CCR 120100(c)), counted from the due date already given."""
    on = complaint.received_on
    base = deadlines.days_for(deadlines.Deadline.RESOLUTION, jurisdiction=complaint.jurisdiction, on=on)
    limit = deadlines.days_for(deadlines.Deadline.EXTENSION_MAX, jurisdiction=complaint.jurisdiction, on=on)
    latest = business_days.add_calendar_days(on, base + limit, complaint.jurisdiction)
    return min(limit, (latest - complaint.due_on).days), latest


@transaction.atomic
def complaint_extend(*, complaint: Complaint, days: int, reason: str, by: User) -> Complaint:
    """One extension of up to 30 days (Fam. Code 17800: the director "may extend"; the ombudsperson and
    the coordinator act as the director's designees through ``complaints.extend_complaint``, which an
    office may withdraw), with a reason. The extension counts from the due date the complainant was
    given (the acknowledgement's, already rolled to a business day), so the letter's "extended by N
    days" always moves that date by at least N days; it never reaches past the law's limit, the
    resolution's days plus ``EXTENSION_MAX`` from receipt, rolled (22 CCR 120100(c)): where the
    promised date was rolled, fewer days remain (``extension_days_allowed``). The complainant
    receives an extension letter: emailed with its PDF when there is an address, else printed and
    mailed (the event says which)."""
    if not by.has_perm("complaints.extend_complaint"):
        raise PermissionDenied("You may not extend a complaint's due date (permission complaints.extend_complaint).")
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    allowed, latest = extension_days_allowed(complaint)
    if complaint.was_extended:
        raise ValidationError({"days": "This complaint was already extended once; only one extension is allowed."})
    if not complaint.is_open:
        raise ValidationError({"days": "This complaint is no longer open."})
    if allowed < 1:
        raise ValidationError(
            {"days": f"The law allows no later date than {display_date(latest)}, the date already given."}
        )
    if not 1 <= days <= allowed:
        raise ValidationError(
            {
                "days": f"An extension is between 1 and {allowed} days: the law allows no later date than "
                f"{display_date(latest)}."
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the extension."})
    complaint.due_on = business_days.add_calendar_days(complaint.due_on, days, complaint.jurisdiction)
    complaint.extension_days = days
    complaint.extension_reason = reason.strip()
    complaint.extended_by = by
    complaint.extended_at = timezone.now()
    saved_with_event(
        complaint,
        by=by,
        verb="complaint.extended",
        summary=f"{complaint.number} extended {days} days to {display_date(complaint.due_on)}",
        data={"days": days, "reason": complaint.extension_reason},
    )
    _extension_letter_send(complaint=complaint, by=by)
    return complaint


@transaction.atomic
def complaint_case_link(*, complaint: Complaint, case, by: User, reason: str = "") -> Complaint:
    """Link a complaint to its case: one recorded with an unknown case number (``unknown_case``), or,
    with a reason, one linked to the wrong case. ``case`` is found in the linker's view by the caller
    (``cases.selectors.case_visible_by_number``), as at intake. Refused, nothing changed: the case it
    is linked to already; another case without a reason; a case under another state's rules (the
    complaint's due dates were counted by its own); a case whose caseworker investigates the
    complaint (someone other than the caseworker investigates). The number as received is kept."""
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    reason = (reason or "").strip()
    if complaint.case_id == case.pk:
        raise ValidationError({"case_number": f"The complaint is linked to {case.case_number} already."})
    if complaint.case_id and not reason:
        raise ValidationError({"reason": "Give the reason for linking the complaint to another case."})
    if case.jurisdiction != complaint.jurisdiction:
        raise ValidationError(
            {"case_number": "This case is under another state's rules than the complaint's due dates: file it anew."}
        )
    if caseworker_investigates(case=case, investigator_id=complaint.investigator_id):
        raise ValidationError(
            {
                "case_number": "The investigator is this case's caseworker: assign another investigator first "
                "(someone other than the caseworker investigates)."
            }
        )
    before = complaint.case.case_number if complaint.case is not None else ""
    complaint.case, complaint.unknown_case = case, False
    summary = f"{complaint.number} linked to {case.case_number}" + (f" (was {before})" if before else "")
    saved_with_event(
        complaint,
        update_fields=["case", "unknown_case", "updated_at"],
        by=by,
        verb="complaint.case_linked",
        summary=summary,
        data={"case": case.case_number, "was": before, "reason": reason},
    )
    return complaint


LETTER_SENT = {"email": "emailed", "mail": "to print and mail", "": "not sent: no postal or e-mail address (work item)"}


def _complaint_letter_send(*, complaint: Complaint, letter, what: str, verb: str, pdf_prefix: str, by) -> str:
    """Send one letter to the complainant (``documents.complaint_letter_send``: e-mailed with its
    PDF after commit, mailed, or a work item when there is nowhere to send it) and say which on
    the complaint."""
    from .documents import complaint_letter_send

    channel = complaint_letter_send(
        complaint=complaint,
        letter=letter,
        what=what,
        pdf_prefix=pdf_prefix,
        by=by,
        email_case_person=verb == "complaint.extension_letter",
    )
    event_about(
        complaint,
        verb=verb,
        by=by,
        summary=f"{complaint.number}: {what} {LETTER_SENT[channel]}",
        data={"channel": channel or "none"},
    )
    return channel


def _extension_letter_send(*, complaint: Complaint, by: User) -> None:
    """The extension letter: e-mailed (PDF attached) when the complainant gave an address, else mailed."""
    from .documents import extension_letter

    _complaint_letter_send(
        complaint=complaint,
        letter=extension_letter(complaint),
        what="extension letter",
        verb="complaint.extension_letter",
        pdf_prefix="extension",
        by=by,
    )


@transaction.atomic
def communication_add(
    *,
    complaint: Complaint,
    occurred_on: date,
    direction: str,
    party: str,
    channel: str,
    summary: str,
    party_name: str = "",
    by: User | None = None,
    today: date | None = None,
) -> Communication:
    """One entry of the communications log. The same entry logged again by the same person a
    moment later (a double-clicked form) is refused under the complaint's lock."""
    today = today or _today()
    not_in_future(occurred_on, "occurred_on", today=today)
    item = Communication(
        complaint=complaint,
        occurred_on=occurred_on,
        direction=direction,
        party=party,
        party_name=party_name.strip(),
        channel=channel,
        summary=summary,
        recorded_by=by,
    )
    if acting_user(by):
        row_repeat_refuse(
            row=item,
            parent=complaint,
            fields=(
                "complaint",
                "occurred_on",
                "direction",
                "party",
                "party_name",
                "channel",
                "summary",
                "recorded_by",
            ),
            at="created_at",
            message="This communication was already logged: nothing was added again.",
        )
    return saved_with_event(
        item,
        about=complaint,
        verb="complaint.communication_logged",
        by=by,
        summary=f"{complaint.number}: {item.get_direction_display()} {item.get_party_display()}",
    )


@transaction.atomic
def referral_create(
    *, complaint: Complaint, target_kind: str, target_name: str, reason: str, by: User, today: date | None = None
) -> Referral:
    """Refer to another unit, agency or county: forward within 5 business days of the complaint's
    receipt (22 CCR 120104(a)(1), for another county; the same timeframe for any referral). A
    second referral to a target whose referral is still waiting to be forwarded (a double-clicked
    form) is refused: checked under the complaint's lock."""
    today = today or _today()
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    if not locked.is_open:
        raise ValidationError({"target_name": "This complaint is closed."})
    repeat_refuse(
        parent=locked,
        locked=True,
        same=locked.referrals.filter(
            target_kind=target_kind, target_name=target_name.strip(), status=ReferralStatus.PENDING
        ),
        window=None,
        message={
            "target_name": f"A referral to {target_name.strip()} is already waiting to be forwarded: nothing was added."
        },
    )
    referral = Referral(
        complaint=complaint,
        target_kind=target_kind,
        target_name=target_name.strip(),
        reason=reason.strip(),
        created_on=today,
        created_by=by,
        forward_by=deadlines.due_after(
            complaint.received_on, deadlines.Deadline.REFERRAL_FORWARD, jurisdiction=complaint.jurisdiction
        ),
    )
    referral.full_clean()
    referral.save()
    Complaint.objects.filter(pk=complaint.pk).update(status=ComplaintStatus.REFERRED)
    complaint.status = ComplaintStatus.REFERRED
    event_about(
        complaint,
        verb="complaint.referred",
        by=by,
        summary=f"{complaint.number} referred to {referral.target_name}, forward by {referral.forward_by}",
    )
    return referral


@transaction.atomic
def referral_forward(*, referral: Referral, forwarded_on: date, by: User, today: date | None = None) -> Referral:
    today = today or _today()
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"forwarded_on": "This referral was already forwarded."})
    if forwarded_on > today or forwarded_on < referral.created_on:
        raise ValidationError({"forwarded_on": "The date must be between the referral date and today."})
    referral.forwarded_on = forwarded_on
    referral.forwarded_late = forwarded_on > referral.forward_by
    referral.status = ReferralStatus.FORWARDED
    return saved_with_event(
        referral,
        about=referral.complaint,
        verb="referral.forwarded",
        by=by,
        summary=f"Forwarded to {referral.target_name}" + (" (late)" if referral.forwarded_late else ""),
    )


@transaction.atomic
def referral_answer(
    *, referral: Referral, answered_on: date, answer_summary: str, by: User, today: date | None = None
) -> Referral:
    today = today or _today()
    # The complaint first, as ``complaint_resolve`` locks it: a resolution and this answer take turns,
    # so the answer never reads the complaint as "referred" while it is being resolved.
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=referral.complaint_id)
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    forwarded_on = referral.forwarded_on
    if referral.status != ReferralStatus.FORWARDED or forwarded_on is None:
        raise ValidationError({"answered_on": "Record the forwarding before the answer."})
    if answered_on > today or answered_on < forwarded_on:
        raise ValidationError({"answered_on": "The date must be between the forwarding date and today."})
    if not answer_summary.strip():
        raise ValidationError({"answer_summary": "Summarise the answer."})
    referral.answered_on = answered_on
    referral.answer_summary = answer_summary.strip()
    referral.status = ReferralStatus.ANSWERED
    referral.full_clean()
    referral.save()
    if not complaint.referrals.exclude(status=ReferralStatus.ANSWERED).exists():
        # Back to "open" only from "referred": the condition is in the UPDATE itself, so a complaint
        # resolved meanwhile is never reopened by a late answer.
        Complaint.objects.filter(pk=complaint.pk, status=ComplaintStatus.REFERRED).update(status=ComplaintStatus.OPEN)
    event_about(complaint, verb="referral.answered", by=by, summary=f"Answer from {referral.target_name}")
    return referral


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, outcome: str, explanation: str, resolved_on: date, by: User, today: date | None = None
) -> Complaint:
    """Written resolution. The notice goes out today (``resolution_sent_on``, the letter's date),
    whatever day the resolution was reached (``resolved_on``, in its body). It states the state
    hearing right and its deadline, rolled to a business day: in California 90 days after the notice
    is received (Fam. Code 17801(c)) -- the day it goes out plus the mailing allowance, so a
    resolution entered late never shortens the person's time; in New York 60 days after the
    determination, the date of this written notice (18 NYCRR 358-3.5(b)(1): "within 60 days after
    the social services agency's determination"; ``core.deadlines.hearing_request_start``)."""
    today = today or _today()
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    if not complaint.is_open:
        raise ValidationError({"outcome": "This complaint is already closed."})
    if resolved_on > today or resolved_on < complaint.received_on:
        raise ValidationError({"resolved_on": "The resolution date must be between the date received and today."})
    if not explanation.strip():
        raise ValidationError({"explanation": "Explain the resolution: it goes on the written notice."})
    complaint.outcome = outcome
    complaint.resolution_explanation = explanation.strip()
    complaint.resolved_on = resolved_on
    complaint.resolution_sent_on = today
    complaint.resolved_by = by
    complaint.status = ComplaintStatus.WITHDRAWN if outcome == "withdrawn" else ComplaintStatus.RESOLVED
    complaint.hearing_deadline = deadlines.due_after(
        deadlines.hearing_request_start(
            jurisdiction=complaint.jurisdiction,
            determined_on=today,  # the notice's date: the written determination
            received_on=deadlines.presumed_received_on(today),
        ),
        deadlines.Deadline.HEARING_REQUEST,
        jurisdiction=complaint.jurisdiction,
    )
    saved_with_event(
        complaint,
        by=by,
        verb="complaint.resolved",
        summary=f"{complaint.number}: {complaint.get_outcome_display()} on {display_date(resolved_on)}",
        data={"within_due": resolved_on <= complaint.due_on},
    )
    from .documents import resolution_letter

    complaint.letter_channel = _complaint_letter_send(
        complaint=complaint,
        letter=resolution_letter(complaint),
        what="written resolution",
        verb="complaint.resolution_letter",
        pdf_prefix="resolution",
        by=by,
    )
    return complaint


# Reminders ------------------------------------------------------------------------------------


def _recipients(complaint: Complaint, ombudspersons: list) -> list:
    """The complaint's investigator while their account is active; otherwise (none assigned, or
    they left the agency) the active ombudspersons, who are reminded of unassigned complaints."""
    investigator = complaint.investigator
    return [investigator] if investigator is not None and investigator.is_active else ombudspersons


def _reminder_candidates(*, today: date, ombudspersons: list, run: ReminderRun) -> list[Notice]:
    lead = deadlines.due_soon_days()
    notices = []
    complaints = (
        Complaint.objects.filter(status__in=OPEN_STATUSES, due_on__lte=today + timedelta(days=lead))
        .select_related("investigator")
        .order_by("due_on", "pk")
    )
    for complaint in complaints.iterator(chunk_size=2000):
        if complaint.due_on < today:
            kind, message = (
                ReminderKind.OVERDUE,
                f"Complaint {complaint.number} is overdue (due {complaint.due_on:%b %d, %Y})",
            )
            run.overdue += 1
        else:
            kind, message = ReminderKind.DUE_SOON, f"Complaint {complaint.number} is due {complaint.due_on:%b %d, %Y}"
            run.due_soon += 1
        notices += [
            Notice(
                user=user,
                complaint=complaint,
                kind=kind,
                message=message,
                dedupe_key=f"{kind}:{complaint.pk}:{complaint.due_on}:{user.pk}",
            )
            for user in _recipients(complaint, ombudspersons)
        ]
    referrals = Referral.objects.filter(
        status=ReferralStatus.PENDING, forward_by__lte=today + timedelta(days=1)
    ).select_related("complaint", "created_by", "complaint__investigator")
    for referral in referrals:
        run.referrals += 1
        creator = referral.created_by
        users = (
            [creator] if creator is not None and creator.is_active else _recipients(referral.complaint, ombudspersons)
        )
        notices += [
            Notice(
                user=user,
                complaint=referral.complaint,
                kind=ReminderKind.REFERRAL,
                message=f"Forward the referral of {referral.complaint.number} to "
                f"{referral.target_name} by {referral.forward_by:%b %d, %Y}",
                dedupe_key=f"referral:{referral.pk}:{user.pk}",
            )
            for user in users
        ]
    return notices


def _notice_email(notice: Notice) -> EmailMessage:
    complaint = notice.complaint  # read with the notice (``reminder_emails_send``'s rows)
    if complaint is None:  # reminders are always about a complaint (the rows sent are filtered so)
        raise ValueError("the notice is about no complaint")
    link = mail_link(reverse("complaints:complaint_detail", kwargs={"number": complaint.number}))
    return EmailMessage(
        subject=f"Caseworks: {notice.message}", body=f"{notice.message}\n\n{link}", to=[notice.user.email]
    )


def reminders_send(*, today: date | None = None) -> ReminderRun:
    """Daily: due-soon and overdue complaints, and referrals still to forward → an in-app notice
    and an email. The day's run is recorded once: its run row, its notices and its
    ``complaint.reminders_sent`` event are written in one transaction under an advisory lock, and a
    second call for the same day (a retried or redelivered task, an overlapping run) returns that
    run and adds nothing. Each notice — one per complaint, due date and person — is written once
    (its dedupe key), so a later day's run adds only what is new.

    The e-mails go out at least once (``core.mail``) from a job of the run's own, enqueued with it
    (``reminder_emails_send``): that job is what is retried while the relay cannot take mail and
    taken over if its worker dies; the day's run is never done again for it."""
    from accounts.models import User

    today = today or _today()
    with transaction.atomic():
        run, created = day_run_once(ReminderRun, run_on=today, lock="complaints.reminders")
        if not created:
            return run
        ombudspersons = list(User.objects.filter(groups__name="ombudsperson", is_active=True))
        candidates = _reminder_candidates(today=today, ombudspersons=ombudspersons, run=run)
        written = 0
        for start in range(0, len(candidates), 1000):
            chunk = candidates[start : start + 1000]
            known = set(
                Notice.objects.filter(dedupe_key__in=[n.dedupe_key for n in chunk]).values_list("dedupe_key", flat=True)
            )
            fresh = [n for n in chunk if n.dedupe_key not in known]
            Notice.objects.bulk_create(fresh, ignore_conflicts=True)
            written += len(fresh)
        run.save()
        event_about(
            run,
            verb="complaint.reminders_sent",
            actor_label="complaints.tasks.send_reminders_task",
            summary=f"{run.overdue} overdue, {run.due_soon} due soon, {run.referrals} referrals; {written} new notices",
            data={"notices": written},
        )
        job_enqueue(
            task="complaints.tasks.reminder_emails_send_task", args=[run.pk], key=f"complaint_reminders:{run.pk}"
        )
    return run


def reminder_emails_send(*, run_id: int, takeover: bool = False) -> dict[str, int]:
    """Send the e-mail of every notice waiting for one once (``core.mail``) — run ``run_id``'s, and
    any an earlier run left ``pending`` — and record it on that run: ``emails_sent`` adds what the
    relay took, ``errors`` the addresses refused for good (``failed``) and, while the relay cannot
    take mail, one line saying so (the last attempt's). Then ``MailRelayUnavailable`` is raised so
    that the job is retried. ``takeover``: the job's worker died; the notices it left ``sending`` are
    sent again (and by any send once ``CASEWORKS_MAIL_SENDING_STALE_SECONDS`` have passed)."""
    emailable = (  # never to a deactivated account (someone who left keeps their address on it)
        Notice.objects.filter(complaint__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "complaint")
    )
    result = mail_outbox_send(emailable, message=_notice_email, takeover=takeover)
    mail_result_record(ReminderRun, run_id=run_id, result=result, waiting="e-mails")
    result.raise_if_relay_down()
    return {"sent": result.sent, "failed": result.failed}


def notice_mark_read(*, user: User, notice_id: int) -> int:
    return Notice.objects.filter(Q(pk=notice_id), user=user, read_at__isnull=True).update(read_at=timezone.now())

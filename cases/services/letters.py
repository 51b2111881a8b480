"""The letter log (issue 15.7): each letter sent to a person of a case is recorded with what, to
whom, the address printed (a snapshot) and when; mail that comes back marks that address
undeliverable and opens a locate work item."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import display_date
from core.letters import Letter
from core.services import acting_user, event_about, saved_with_event

from ..choices import WorkItemKind
from ..models import Address, Case, LetterChannel, Person, SentLetter
from .work import work_item_create

# Locate must access all appropriate sources within 75 calendar days of determining that location
# is necessary (45 CFR 303.3(b)(3)): returned mail is that determination.
LOCATE_DAYS = 75

logger = logging.getLogger(__name__)


@transaction.atomic
def letter_record(
    *,
    letter: Letter,
    case: Case | None,
    person: Person | None = None,
    address: Address | None = None,
    reference: str = "",
    channel: str = LetterChannel.MAIL,
    by=None,
) -> SentLetter:
    """Record that ``letter`` was sent. ``address`` is the row whose lines the mailing block printed
    (``cases.letters.recipient_block``); a confidential (FVI) block records the arrangement only."""
    block = letter.recipient
    if block.confidential and address is not None:
        raise ValidationError("A letter through the confidential mailing arrangement records no address.")
    sent = SentLetter(
        case=case,
        person=person,
        kind=letter.kind,
        subject=letter.subject[:300],
        reference=reference[:60],
        language=letter.language,
        channel=channel,
        recipient_name=block.name[:200],
        address=address,
        address_text="\n".join(block.lines)[:1000],
        confidential=block.confidential,
        sent_at=timezone.now(),
        sent_by=acting_user(by),
    )
    return saved_with_event(
        sent,
        by=by,
        verb="letter.sent",
        actor_label="" if acting_user(by) else "Caseworks",
        summary=f"{letter.subject} → {block.name} ({sent.get_channel_display()}, {letter.language})",
        data={"kind": letter.kind, "reference": reference, "confidential": block.confidential},
    )


@transaction.atomic
def letter_mark_returned(*, sent: SentLetter, returned_on: date, reason: str, by) -> SentLetter:
    """Mail came back: the letter is marked returned, the address it went to is marked undeliverable
    (no later letter uses it, ``cases.redaction.mailing_address``) and a locate work item is opened on
    the case. A second marking changes nothing and is refused."""
    sent = SentLetter.objects.select_for_update().get(pk=sent.pk)
    errors = {}
    if sent.returned_on is not None:
        errors["returned_on"] = f"This letter was already marked returned on {display_date(sent.returned_on)}."
    elif sent.channel != LetterChannel.MAIL:
        errors["returned_on"] = "Only a mailed letter can come back."
    elif returned_on < timezone.localtime(sent.sent_at).date():
        errors["returned_on"] = "Mail cannot come back before the letter was sent."
    elif returned_on > timezone.localdate():
        errors["returned_on"] = "The date the mail came back cannot be in the future."
    if errors:
        raise ValidationError(errors)
    reason = (reason or "").strip()[:200] or "Returned by the post office"
    sent.returned_on, sent.returned_reason, sent.returned_by = returned_on, reason, by
    sent.save(update_fields=["returned_on", "returned_reason", "returned_by"])
    if sent.address_id is not None:
        Address.objects.filter(pk=sent.address_id, undeliverable_on__isnull=True).update(
            undeliverable_on=returned_on, undeliverable_reason=reason
        )
    if sent.case_id is not None:
        who = sent.recipient_name
        work_item_create(
            case=sent.case,
            title=f"Locate {who}: mail returned ({sent.subject[:80]})",
            kind=WorkItemKind.LOCATE,
            due_on=returned_on + timedelta(days=LOCATE_DAYS),
            dedupe_key=f"returned-mail:{sent.pk}",
            by=by,
            notes="A letter came back undeliverable: the address on file is marked bad. "
            "Access the locate sources (45 CFR 303.3(b)(3)).",
        )
    event_about(
        sent,
        verb="letter.returned",
        by=by,
        summary=f"{sent.subject} → {sent.recipient_name}: {reason}",
        data={"address_marked": sent.address_id is not None},
    )
    return sent


def letter_deliver(
    *,
    letter: Letter,
    case: Case | None,
    person: Person | None,
    address: Address | None,
    email: str,
    reference: str,
    pdf_name: str,
    missing_title: str,
    missing_key: str,
    assigned_to=None,
    by=None,
) -> str:
    """Send ``letter`` the way it can reach its reader and log it (``letter_record``): to ``email``,
    when the caller gives one, as an e-mail with the PDF attached (after commit: a failed send is
    logged, the letter stays recorded); else by mail when the mailing block holds a postal address
    (``address``) or the confidential FVI arrangement; else nothing can be sent and a work item
    ``missing_title`` is opened (its title names the letter, never a whereabouts). Returns the
    channel ("email", "mail") or "" when the letter could not be sent.

    A complainant or appellant who is not a person of a case has no postal address on file: the
    e-mail address they gave is where their letters go (and is never printed in the envelope window)."""
    from django.core.mail import EmailMessage

    from core.letters import letter_pdf, letter_text

    block = letter.recipient
    email = (email or "").strip()
    if email:
        channel = LetterChannel.EMAIL
    elif address is not None or block.confidential:
        channel = LetterChannel.MAIL
    else:
        work_item_create(
            case=case,
            title=missing_title[:200],
            kind="letter_unsent",
            due_on=timezone.localdate(),
            assigned_to=assigned_to,
            dedupe_key=missing_key[:120],
            by=by,
            notes=f"{letter.subject}: no postal address and no e-mail address on file. Ask the person where "
            "to send it, or hand it over in person, and record how it went.",
        )
        return ""
    letter_record(
        letter=letter,
        case=case,
        person=person,
        address=address if channel == LetterChannel.MAIL else None,
        reference=reference,
        channel=channel,
        by=by,
    )
    if channel == LetterChannel.EMAIL:
        message = EmailMessage(subject=letter.subject, body=letter_text(letter), to=[email])
        message.attach(pdf_name, letter_pdf(letter), "application/pdf")

        def send() -> None:
            try:
                message.send(fail_silently=False)
            except OSError:  # the letter stays recorded; the log tells staff to print it
                logger.exception("Letter %s (%s) not e-mailed", letter.kind, reference)

        transaction.on_commit(send)
    return str(channel)

"""The letter log (issue 15.7): each letter sent to a person of a case is recorded with what, to
whom, the address printed (a snapshot) and when; mail that comes back marks that address
undeliverable and opens a locate work item."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import display_date
from core.letters import Letter
from core.services import event_about, saved_with_event

from ..choices import WorkItemKind
from ..models import Address, Case, LetterChannel, Person, SentLetter
from .work import work_item_create

# Locate must access all appropriate sources within 75 calendar days of determining that location
# is necessary (45 CFR 303.3(b)(3)): returned mail is that determination.
LOCATE_DAYS = 75


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
        sent_by=by if getattr(by, "pk", None) else None,
    )
    return saved_with_event(
        sent,
        by=by,
        verb="letter.sent",
        actor_label="" if getattr(by, "pk", None) else "Caseworks",
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

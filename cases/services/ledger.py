"""Ledger writes: posting, reversing and releasing collections (42 USC 657; 42 USC 654b).

The balance of a case (``CaseBalance``) is kept current here as entries post: every service
locks the case's balance row (``SELECT ... FOR UPDATE``) before it reads and changes it, so
concurrent posts to one case serialise and posts to different cases do not wait for each other.
Entries are append-only; a correction is a reversing entry. The allocation rules themselves are
the pure function ``cases.allocation.distribute``. See docs/ledger.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone

from core.business_days import add_business_days
from core.money import ZERO, parse_amount
from core.services import event_record

from .. import allocation as rules
from ..choices import (
    AssistanceStatus,
    Bucket,
    CaseStatus,
    CollectionSource,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    ParticipantRole,
    Payee,
    ReceivedVia,
)
from ..exceptions import CollectionConflict
from ..ledger_dates import month_start
from ..models import Allocation, Case, CaseBalance, CaseParticipant, Collection, Disbursement, LedgerEntry

# 42 USC 654b(c)(1); 45 CFR 302.32(b): distribute and disburse within 2 business days of receipt.
DISBURSE_WITHIN_BUSINESS_DAYS = 2

HOLD_UNKNOWN_CASE = "No case with this case number"
HOLD_CLOSED_CASE = "The case is closed"
HOLD_NO_CASE_NUMBER = "No case number given"


@dataclass
class CollectionResult:
    collection: Collection
    created: bool
    allocations: list[Allocation] = field(default_factory=list)


# --- validation ---------------------------------------------------------------------------------

def _text(value: object, *, name: str, max_length: int, required: bool) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({name: "Must not contain NUL characters."})
    if required and not text:
        raise ValidationError({name: "This field is required."})
    if len(text) > max_length:
        raise ValidationError({name: f"At most {max_length} characters."})
    return text


def _validated(*, case_number, amount, received_on, source, source_reference, received_via, hold_reason,
               batch_reference) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name, value, max_length, required in (
        ("case_number", case_number, 40, False),
        ("source_reference", source_reference, 64, True),
        ("hold_reason", hold_reason, 200, False),
        ("batch_reference", batch_reference, 64, False),
    ):
        try:
            cleaned[name] = _text(value, name=name, max_length=max_length, required=required)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    cleaned["case_number"] = cleaned.get("case_number", "").upper()
    try:
        cleaned["amount"] = parse_amount(amount)
        if cleaned["amount"] >= Decimal("10000000000"):
            raise ValueError("The amount is too large.")
    except ValueError as exc:
        errors["amount"] = str(exc)
    if not isinstance(received_on, date):
        errors["received_on"] = "Enter a date."
    elif received_on > timezone.localdate():
        errors["received_on"] = "A collection cannot be received in the future."
    cleaned["received_on"] = received_on
    if source not in CollectionSource.values:
        errors["source"] = f"Unknown source; one of {', '.join(CollectionSource.values)}."
    cleaned["source"] = source
    if received_via not in ReceivedVia.values:
        errors["received_via"] = "Unknown channel."
    cleaned["received_via"] = received_via
    if errors:
        raise ValidationError(errors)
    return cleaned


def collection_content_hash(*, case_number: str, amount: Decimal, received_on: date, source: str) -> str:
    """What makes two receipts of one source reference "the same" (a replay, not a conflict)."""
    text = f"{case_number.strip().upper()}|{amount:.2f}|{received_on.isoformat()}|{source}"
    return hashlib.sha256(text.encode()).hexdigest()


# --- balances -----------------------------------------------------------------------------------

def arrears_bucket_for(assistance_status: str) -> str:
    """Support that goes unpaid while the family receives assistance is assigned to the state
    (42 USC 608(a)(3)); otherwise it is owed to the family."""
    return Bucket.ARREARS_ASSIGNED if assistance_status == AssistanceStatus.CURRENT else Bucket.ARREARS_UNASSIGNED


def months_in_arrears(total: Decimal, monthly: Decimal) -> Decimal:
    if monthly <= 0:
        return ZERO
    return min(total / monthly, Decimal("999999.99")).quantize(Decimal("0.01"))


def _locked_balance(case: Case, *, on: date) -> CaseBalance:
    """The case's balance row, locked, rolled into the month of ``on`` if it is behind."""
    balance = CaseBalance.objects.select_for_update().filter(case=case).first()
    if balance is None:
        try:
            with transaction.atomic():
                CaseBalance.objects.create(case=case, current_month=month_start(on))
        except IntegrityError:
            pass
        balance = CaseBalance.objects.select_for_update().get(case=case)
    if balance.current_month is None or balance.current_month < month_start(on):
        _roll_one(balance, case=case, to_month=month_start(on))
    return balance


def _case_and_balance(case_number: str, *, on: date) -> tuple[Case | None, CaseBalance | None]:
    """The case with this number and its locked balance: one query when the balance row exists."""
    if not case_number:
        return None, None
    balance = (CaseBalance.objects.select_for_update(of=("self",)).select_related("case")
               .filter(case__case_number=case_number).first())
    if balance is not None:
        if balance.current_month is None or balance.current_month < month_start(on):
            _roll_one(balance, case=balance.case, to_month=month_start(on))
        return balance.case, balance
    case = Case.objects.filter(case_number=case_number).first()
    return case, (_locked_balance(case, on=on) if case is not None else None)


def _roll_one(balance: CaseBalance, *, case: Case, to_month: date) -> None:
    """Current support left unpaid when its month ends becomes arrears (one case; the set-based
    version for every case is ``ledger_accrual.balances_roll``)."""
    unpaid = balance.current_due_month - balance.current_paid_month
    if unpaid > 0:
        bucket = arrears_bucket_for(case.assistance_status)
        LedgerEntry.objects.bulk_create([
            LedgerEntry(case=case, entry_type=EntryType.ADJUSTMENT, bucket=Bucket.CURRENT, amount=-unpaid,
                        posted_on=to_month, description="Unpaid current support becomes arrears"),
            LedgerEntry(case=case, entry_type=EntryType.ADJUSTMENT, bucket=bucket, amount=unpaid,
                        posted_on=to_month, description="Unpaid current support becomes arrears"),
        ])
        if bucket == Bucket.ARREARS_ASSIGNED:
            balance.assigned_arrears += unpaid
        else:
            balance.unassigned_arrears += unpaid
    balance.current_due_month = ZERO
    balance.current_paid_month = ZERO
    balance.current_month = to_month
    _refresh_derived(balance, on=to_month)


def _refresh_derived(balance: CaseBalance, *, on: date) -> None:
    balance.total_arrears = balance.unassigned_arrears + balance.assigned_arrears
    balance.months_in_arrears = months_in_arrears(balance.total_arrears, balance.monthly_obligation)
    # 45 CFR 303.6(b): delinquent once the arrears equal one month's support.
    if balance.monthly_obligation > 0 and balance.total_arrears >= balance.monthly_obligation:
        if balance.delinquent_since is None:
            balance.delinquent_since = on
    else:
        balance.delinquent_since = None


_BALANCE_FIELDS = ["current_due_month", "current_paid_month", "unassigned_arrears", "assigned_arrears",
                   "total_arrears", "months_in_arrears", "delinquent_since", "current_month", "last_payment_on",
                   "last_payment_amount", "monthly_obligation"]


def _save_balance(balance: CaseBalance) -> None:
    # One UPDATE of a locked row; the history of balances is the ledger itself.
    CaseBalance.objects.filter(pk=balance.pk).update(
        updated_at=timezone.now(), **{name: getattr(balance, name) for name in _BALANCE_FIELDS}
    )


def _pass_through_left(case: Case, balance: CaseBalance) -> Decimal:
    if case.assistance_status != AssistanceStatus.CURRENT:
        return ZERO
    children = CaseParticipant.objects.filter(case=case, role=ParticipantRole.CHILD).count()
    limit = rules.pass_through_limit(jurisdiction=case.jurisdiction, children=children, on=balance.current_month)
    if limit <= 0:
        return ZERO
    passed = Allocation.objects.filter(
        case=case, bucket=Bucket.CURRENT, payee=Payee.FAMILY, allocated_on__gte=balance.current_month
    ).aggregate(s=Sum("amount"))["s"] or ZERO
    return max(limit - passed, ZERO)


# --- posting ------------------------------------------------------------------------------------

def _plan(*, case: Case, balance: CaseBalance, source: str, amount: Decimal) -> rules.Distribution:
    return rules.distribute(
        assistance_status=case.assistance_status,
        source=source,
        amount=amount,
        current_due=[rules.Slice(rules.CURRENT, max(balance.current_due_month - balance.current_paid_month, ZERO))],
        arrears=[rules.Slice(rules.ARREARS_UNASSIGNED, max(balance.unassigned_arrears, ZERO)),
                 rules.Slice(rules.ARREARS_ASSIGNED, max(balance.assigned_arrears, ZERO))],
        pass_through_available=_pass_through_left(case, balance),
    )


def _write_distribution(*, collection: Collection, case: Case, balance: CaseBalance, distribution: rules.Distribution,
                        on: date) -> list[Allocation]:
    """Allocations, ledger entries, the balance and the family disbursement of a planned distribution."""
    allocations = [
        Allocation(collection=collection, case=case, obligation_kind=line.obligation_kind, bucket=line.bucket,
                   payee=line.payee, amount=line.amount, allocated_on=on)
        for line in distribution.lines
    ]
    Allocation.objects.bulk_create(allocations)
    entries = [LedgerEntry(case=case, entry_type=EntryType.COLLECTION, amount=collection.amount, posted_on=on,
                           collection=collection, description=f"Collection received {collection.received_on}")]
    entries += [
        LedgerEntry(case=case, entry_type=EntryType.ALLOCATION, bucket=line.bucket, amount=-line.amount,
                    posted_on=on, collection=collection, obligation_kind=line.obligation_kind,
                    description=f"Allocated to {line.bucket or 'excess'} ({line.payee})")
        for line in distribution.lines
    ]
    LedgerEntry.objects.bulk_create(entries)
    balance.current_paid_month += distribution.paid(bucket=rules.CURRENT)
    balance.unassigned_arrears -= distribution.paid(bucket=rules.ARREARS_UNASSIGNED)
    balance.assigned_arrears -= distribution.paid(bucket=rules.ARREARS_ASSIGNED)
    if balance.last_payment_on is None or collection.received_on >= balance.last_payment_on:
        balance.last_payment_on = collection.received_on
        balance.last_payment_amount = collection.amount
    _refresh_derived(balance, on=on)
    _save_balance(balance)
    family = distribution.paid(payee=rules.FAMILY)
    if family > 0:
        Disbursement.objects.create(
            case=case, collection=collection, payee=Payee.FAMILY, amount=family, received_on=collection.received_on,
            due_by=add_business_days(collection.received_on, DISBURSE_WITHIN_BUSINESS_DAYS, case.jurisdiction),
        )
    return allocations


def _hold_reason_for(case: Case | None, *, case_number: str, hold_reason: str) -> str:
    if hold_reason:
        return hold_reason
    if not case_number:
        return HOLD_NO_CASE_NUMBER
    if case is None:
        return HOLD_UNKNOWN_CASE
    if case.status != CaseStatus.OPEN:
        return HOLD_CLOSED_CASE
    return ""


def _replay(*, source_reference: str, content_hash: str) -> CollectionResult | None:
    existing = Collection.objects.filter(source_reference=source_reference).first()
    if existing is None:
        return None
    if existing.content_hash != content_hash:
        raise CollectionConflict(
            f"Source reference {source_reference!r} was already received with different content."
        )
    return CollectionResult(existing, created=False, allocations=list(existing.allocations.all()))


def collection_post(
    *,
    case_number: str | None,
    amount: Decimal,
    received_on: date,
    source: str,
    source_reference: str,
    received_via: str,
    by=None,
    actor_label: str = "",
    employer=None,
    hold_reason: str = "",
    batch_reference: str = "",
    posted_on: date | None = None,
) -> CollectionResult:
    """Record a collection once per source reference and distribute it (42 USC 657).

    An exact replay returns the first receipt (``created=False``) and writes nothing; the same
    reference with different content raises ``CollectionConflict``. An unknown or closed case, or
    an explicit ``hold_reason``, holds the whole collection (never dropped). The family's share
    becomes a pending disbursement due 2 business days after receipt (42 USC 654b(c)).
    """
    cleaned = _validated(case_number=case_number, amount=amount, received_on=received_on, source=source,
                         source_reference=source_reference, received_via=received_via, hold_reason=hold_reason,
                         batch_reference=batch_reference)
    content_hash = collection_content_hash(case_number=cleaned["case_number"], amount=cleaned["amount"],
                                           received_on=cleaned["received_on"], source=cleaned["source"])
    on = posted_on or timezone.localdate()
    try:
        return _post(cleaned=cleaned, content_hash=content_hash, on=on, by=by, actor_label=actor_label,
                     employer=employer)
    except IntegrityError:
        # Another request stored the same reference first (the unique constraint decided): answer
        # as for a replay. The failed attempt was rolled back whole (its own transaction or savepoint).
        replay = _replay(source_reference=cleaned["source_reference"], content_hash=content_hash)
        if replay:
            return replay
        raise


@transaction.atomic
def _post(*, cleaned: dict, content_hash: str, on: date, by, actor_label: str, employer) -> CollectionResult:
    replay = _replay(source_reference=cleaned["source_reference"], content_hash=content_hash)
    if replay:
        return replay
    case, balance = _case_and_balance(cleaned["case_number"], on=on)
    reason = _hold_reason_for(case, case_number=cleaned["case_number"], hold_reason=cleaned["hold_reason"])
    distribution = None
    if not reason:
        distribution = _plan(case=case, balance=balance, source=cleaned["source"], amount=cleaned["amount"])
    collection = Collection(
        source_reference=cleaned["source_reference"], case=case, case_number_received=cleaned["case_number"],
        amount=cleaned["amount"], received_on=cleaned["received_on"], source=cleaned["source"],
        status=CollectionStatus.HELD if reason else CollectionStatus.POSTED,
        hold_reason=reason or (distribution.held_reason if distribution else ""),
        content_hash=content_hash, employer=employer, received_via=cleaned["received_via"],
        batch_reference=cleaned["batch_reference"],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    # FK existence is known (looked up above); uniqueness is the database constraint.
    collection.full_clean(exclude=["case", "employer", "created_by"], validate_unique=False,
                          validate_constraints=False)
    collection.save()
    allocations: list[Allocation] = []
    if distribution is not None:
        allocations = _write_distribution(collection=collection, case=case, balance=balance,
                                          distribution=distribution, on=on)
    event_record(
        verb="collection held" if reason else "collection posted", subject=collection,
        case_id=case.pk if case else None, actor=by, actor_label=actor_label,
        summary=f"{collection.amount} {collection.get_source_display()} ref {collection.source_reference}"
                + (f" — held: {reason}" if reason else ""),
    )
    return CollectionResult(collection, created=True, allocations=allocations)


def collection_held_amount(collection: Collection) -> Decimal:
    """What of a collection is not allocated (the whole of a held one; a tax-offset excess)."""
    if collection.status == CollectionStatus.HELD:
        return collection.amount
    allocated = collection.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
    return collection.amount - allocated


@transaction.atomic
def collection_release(*, collection: Collection, case: Case, by, note: str = "") -> CollectionResult:
    """A person identifies the case of a held collection; it is then distributed as on receipt."""
    locked = Collection.objects.select_for_update().get(pk=collection.pk)
    if locked.status != CollectionStatus.HELD:
        raise ValidationError({"collection": "Only a held collection can be released."})
    if case.status != CaseStatus.OPEN:
        raise ValidationError({"case": "Release to an open case."})
    previous_reason = locked.hold_reason
    locked.case = case
    locked.status = CollectionStatus.POSTED
    locked.hold_reason = ""
    locked.save(update_fields=["case", "status", "hold_reason"])
    on = timezone.localdate()
    balance = _locked_balance(case, on=on)
    distribution = _plan(case=case, balance=balance, source=locked.source, amount=locked.amount)
    if distribution.held > 0:
        locked.hold_reason = distribution.held_reason
        locked.save(update_fields=["hold_reason"])
    allocations = _write_distribution(collection=locked, case=case, balance=balance, distribution=distribution, on=on)
    event_record(verb="collection released", subject=locked, case_id=case.pk, actor=by,
                 summary=f"{locked.amount} ref {locked.source_reference} released to {case.case_number}"
                         f" (was held: {previous_reason}). {note}".strip(),
                 data={"previous_hold_reason": previous_reason, "note": note})
    return CollectionResult(locked, created=False, allocations=allocations)


@transaction.atomic
def collection_reverse(*, collection: Collection, reason: str, by=None, on: date | None = None) -> list[LedgerEntry]:
    """Correct a posted collection (a returned cheque, a misapplied payment) with reversing entries.

    Every allocation entry gets an opposite entry; what it paid becomes owed again. Current
    support paid in a month that has since ended comes back as arrears. Pending family
    disbursements are cancelled; one already sent is left as it is and flagged in the event (the
    overpayment must be recovered).
    """
    reason = _text(reason, name="reason", max_length=200, required=True)
    on = on or timezone.localdate()
    locked = Collection.objects.select_for_update().get(pk=collection.pk)
    if locked.status != CollectionStatus.POSTED or locked.case_id is None:
        raise ValidationError({"collection": "Only a posted collection can be reversed."})
    case = locked.case
    balance = _locked_balance(case, on=on)
    originals = list(LedgerEntry.objects.filter(
        collection=locked, entry_type__in=[EntryType.COLLECTION, EntryType.ALLOCATION], reversed_by__isnull=True))
    reversals = []
    for entry in originals:
        bucket = entry.bucket
        if bucket == Bucket.CURRENT and entry.posted_on < balance.current_month:
            bucket = arrears_bucket_for(case.assistance_status)
        reversals.append(LedgerEntry(
            case=case, entry_type=EntryType.REVERSAL, bucket=bucket, amount=-entry.amount, posted_on=on,
            collection=locked, reverses=entry, obligation_kind=entry.obligation_kind,
            description=f"Reversal: {reason}"))
        if entry.entry_type == EntryType.ALLOCATION:
            if bucket == Bucket.CURRENT:
                balance.current_paid_month += entry.amount  # entry.amount is negative
            elif bucket == Bucket.ARREARS_UNASSIGNED:
                balance.unassigned_arrears -= entry.amount
            elif bucket == Bucket.ARREARS_ASSIGNED:
                balance.assigned_arrears -= entry.amount
    LedgerEntry.objects.bulk_create(reversals)
    _refresh_derived(balance, on=on)
    _save_balance(balance)
    cancelled = Disbursement.objects.filter(collection=locked, status=DisbursementStatus.PENDING).update(
        status=DisbursementStatus.CANCELLED)
    sent = list(Disbursement.objects.filter(collection=locked, status=DisbursementStatus.SENT)
                .values_list("pk", "amount"))
    locked.status = CollectionStatus.REVERSED
    locked.save(update_fields=["status"])
    event_record(verb="collection reversed", subject=locked, case_id=case.pk, actor=by,
                 summary=f"{locked.amount} ref {locked.source_reference} reversed: {reason}"
                         + (f"; {len(sent)} disbursement(s) already sent — recover the overpayment" if sent else ""),
                 data={"reason": reason, "cancelled_disbursements": cancelled,
                       "sent_disbursements": [[pk, str(amount)] for pk, amount in sent]})
    return reversals


# --- disbursements --------------------------------------------------------------------------------

def disbursements_sweep(*, on: date, mark_sent: bool = False) -> dict:
    """Daily: flag family disbursements still pending after their due date as late (42 USC
    654b(c): 2 business days after receipt). Sending is the NACHA PPD export's job
    (enforcement.services.disbursements, which sets status/disbursed_on/export_batch); an office
    without it sets ``CASEWORKS_DISBURSE_DIRECTLY`` and this sweep marks the due ones sent."""
    sent = 0
    with transaction.atomic():
        if mark_sent:
            sent = Disbursement.objects.filter(
                status=DisbursementStatus.PENDING, export_batch="", received_on__lte=on
            ).update(status=DisbursementStatus.SENT, disbursed_on=on,
                     is_late=models.Case(models.When(due_by__lt=on, then=True), default=False))
        flagged = Disbursement.objects.filter(status=DisbursementStatus.PENDING, due_by__lt=on, is_late=False).update(
            is_late=True)
    return {"on": on.isoformat(), "sent": sent, "flagged_late": flagged}

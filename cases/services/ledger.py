"""Ledger writes: posting, reversing and releasing collections (42 USC 657; 42 USC 654b).

The balance of a case (``CaseBalance``) is kept current here as entries post: every service
locks the case's balance row (``SELECT ... FOR UPDATE``) before it reads and changes it, so
concurrent posts to one case serialise and posts to different cases do not wait for each other.
Entries are append-only; a correction is a reversing entry. The allocation rules themselves are
the pure function ``cases.allocation.distribute``. See docs/ledger.md.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import PartnerAgency, User
from core.business_days import add_business_days
from core.db import ledger_writer, rows_insert
from core.legal import legal_parameter, legal_parameters_read_once
from core.money import ZERO, parse_amount
from core.services import event_about, events_bulk_record
from core.stale import Shown, refuse_if_changed

from .. import allocation as rules
from ..choices import (
    FTI_SOURCES,
    AssistanceStatus,
    Bucket,
    CaseStatus,
    CollectionSource,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    OverpaymentPolicy,
    ParticipantRole,
    Payee,
    ReceivedVia,
)
from ..exceptions import CollectionConflict
from ..ledger_dates import month_start
from ..models import (
    Allocation,
    AssistanceSpell,
    Case,
    CaseBalance,
    CaseParticipant,
    Collection,
    Disbursement,
    LedgerEntry,
)
from .assistance import spell_status_in_month

if TYPE_CHECKING:
    from .ledger_closed_month import ClosedMonths


def disburse_within_business_days(received_on: date) -> int:
    """Business days the State disbursement unit has to distribute and disburse a collection received
    on ``received_on``: 2 under 42 USC 654b(c)(1) and 45 CFR 302.32(b), read from
    ``core.LegalParameter`` ``us.disbursement.business_days`` on the day of receipt (issue 11.1)."""
    return int(legal_parameter("us.disbursement.business_days", jurisdiction="US", on=received_on))


def tax_offset_disburse_within_days(received_on: date) -> int:
    """Calendar days to send the family its share of a Federal tax refund offset received on
    ``received_on``: 30 under 45 CFR 302.32(b)(2)(iv) and (b)(3)(ii), read from
    ``core.LegalParameter`` ``us.disbursement.tax_offset_calendar_days``."""
    return int(legal_parameter("us.disbursement.tax_offset_calendar_days", jurisdiction="US", on=received_on))


def disbursement_due_by(received_on: date, jurisdiction: str, *, source: str = "") -> date:
    """The day a family disbursement of a collection received on ``received_on`` is due: 2
    business days (42 USC 654b(c)(1)), 30 calendar days for a Federal tax refund offset (45 CFR
    302.32(b)(3)(ii))."""
    if source == rules.FEDERAL_TAX_OFFSET:
        return received_on + timedelta(days=tax_offset_disburse_within_days(received_on))
    return add_business_days(received_on, disburse_within_business_days(received_on), jurisdiction)


LOOKUP_CHUNK = 2000  # ids per IN list

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


def _validated(item: CollectionItem) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name, value, max_length, required in (
        ("case_number", item.case_number, 40, False),
        ("source_reference", item.source_reference, 64, True),
        ("hold_reason", item.hold_reason, 200, False),
        ("batch_reference", item.batch_reference, 64, False),
    ):
        try:
            cleaned[name] = _text(value, name=name, max_length=max_length, required=required)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    cleaned["case_number"] = cleaned.get("case_number", "").upper()
    try:
        cleaned["amount"] = parse_amount(item.amount)
        if cleaned["amount"] >= Decimal("10000000000"):
            raise ValueError("The amount is too large.")
    except ValueError as exc:
        errors["amount"] = str(exc)
    received_on = item.received_on
    if not isinstance(received_on, date):
        errors["received_on"] = "Enter a date."
    elif received_on > timezone.localdate():
        errors["received_on"] = "A collection cannot be received in the future."
    cleaned["received_on"] = received_on
    # The date of collection (42 USC 654b(c)(1); 45 CFR 302.51(a)(4)): the day the State
    # disbursement unit received it, or the day the employer withheld current support in the month
    # it was due — on or before the day the agency received it.
    collected_on = received_on if item.collected_on is None else item.collected_on
    if not isinstance(collected_on, date):
        errors["collected_on"] = "Enter a date."
    elif isinstance(received_on, date) and collected_on > received_on:
        errors["collected_on"] = "The date of collection cannot be after the date received."
    cleaned["collected_on"] = collected_on
    if item.source not in CollectionSource.values:
        errors["source"] = f"Unknown source; one of {', '.join(CollectionSource.values)}."
    cleaned["source"] = item.source
    if item.received_via not in ReceivedVia.values:
        errors["received_via"] = "Unknown channel."
    cleaned["received_via"] = item.received_via
    if errors:
        raise ValidationError(errors)
    return cleaned


def collection_content_hash(
    *, case_number: str, amount: Decimal, received_on: date, source: str, collected_on: date | None = None
) -> str:
    """What makes two receipts of one source reference "the same" (a replay, not a conflict).
    The date of collection counts only when it differs from the received date (so receipts
    hashed before it existed keep their hash)."""
    text = f"{case_number.strip().upper()}|{amount:.2f}|{received_on.isoformat()}|{source}"
    if collected_on is not None and collected_on != received_on:
        text += f"|{collected_on.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def overpayment_policy() -> str:
    """The office's overpayment policy (``CASEWORKS_OVERPAYMENT_POLICY``: hold, refund, family)."""
    return settings.CASEWORKS_OVERPAYMENT_POLICY or rules.OVERPAYMENT_FAMILY


SpellMap = dict[int, list[tuple[str, date, "date | None"]]]


def spells_of(case_ids) -> SpellMap:
    """The assistance spells of these cases (one query) for ``status_in``."""
    spells: SpellMap = defaultdict(list)
    ids = list(case_ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for case_id, status, start_on, end_on in AssistanceSpell.objects.filter(
            case_id__in=ids[start : start + LOOKUP_CHUNK]
        ).values_list("case_id", "status", "start_on", "end_on"):
            spells[case_id].append((status, start_on, end_on))
    return spells


def status_in(spells: SpellMap, case: Case, month: date) -> str:
    """The assistance status that governs ``month`` for the case (42 USC 608(a)(3))."""
    return spell_status_in_month(spells.get(case.pk, ()), month, case.assistance_status)


# --- balances -----------------------------------------------------------------------------------


MONTHS_CAP = Decimal("999999.99")  # the column's largest value (max_digits=8)


def arrears_bucket_for(assistance_status: str) -> str:
    """Support that goes unpaid while the family receives assistance is assigned to the state
    (42 USC 608(a)(3)); otherwise it is owed to the family."""
    return Bucket.ARREARS_ASSIGNED if assistance_status == AssistanceStatus.CURRENT else Bucket.ARREARS_UNASSIGNED


def months_in_arrears(total: Decimal, monthly: Decimal) -> Decimal:
    """Total arrears in months of support, to read (pages, notices, the API): cut to two places,
    never rounded up, so that $3,995 owed on $1,000 a month reads 3.99, not 4.00 — a page or a
    licence suspension notice must not state four months of support for less. No rule decides on
    this figure: a threshold in months is compared in money (``enforcement.services.sweep``,
    ``qualifying_balances``). The statements that move balances in SQL cut it the same way
    (``ledger_accrual._derived_sets``)."""
    if monthly <= 0:
        return ZERO
    return min(total / monthly, MONTHS_CAP).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _locked_balance(case: Case, *, on: date, spells: SpellMap | None = None) -> CaseBalance:
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
        spells = spells if spells is not None else spells_of([case.pk])
        _roll_one(
            balance,
            case=case,
            to_month=month_start(on),
            status=status_in(spells, case, balance.current_month or month_start(on)),
        )
    return balance


# The description of the adjustment pair that closes out a month's unpaid current support: the
# re-derivation (``ledger_redistribute._reassign``) finds the close-outs by it.
ROLL_DESCRIPTION = "Unpaid current support becomes arrears"


def _roll_one(balance: CaseBalance, *, case: Case, to_month: date, status: str) -> None:
    """Current support left unpaid when its month ends becomes arrears (one case; the set-based
    version for every case is ``ledger_accrual.balances_roll``): assigned when the month closed
    out was a month of assistance (``status``, from the spells), whatever day it is closed."""
    unpaid = balance.current_due_month - balance.current_paid_month
    if unpaid > 0:
        bucket = arrears_bucket_for(status)
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    case=case,
                    entry_type=EntryType.ADJUSTMENT,
                    bucket=entry_bucket,
                    amount=amount,
                    posted_on=to_month,
                    description=ROLL_DESCRIPTION,
                )
                for entry_bucket, amount in ((Bucket.CURRENT, -unpaid), (bucket, unpaid))
            ]
        )
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


# --- posting ------------------------------------------------------------------------------------


def _plan(
    *,
    balance: CaseBalance,
    assistance_status: str,
    source: str,
    amount: Decimal,
    pass_through_left: Decimal,
    policy: str | None = None,
    former_assigned_to_family: bool = False,
) -> rules.Distribution:
    """A collection of the balance's own month: current support due this month first.
    ``former_assigned_to_family``: ``rules.former_assigned_passed_through`` on its date of collection."""
    return rules.distribute(
        assistance_status=assistance_status,
        source=source,
        amount=amount,
        current_due=[rules.Slice(rules.CURRENT, max(balance.current_due_month - balance.current_paid_month, ZERO))],
        arrears=rules.arrears_slices(unassigned=balance.unassigned_arrears, assigned=balance.assigned_arrears),
        pass_through_available=pass_through_left,
        ura_available=balance.unreimbursed_assistance,
        overpayment_policy=policy or overpayment_policy(),
        former_assigned_to_family=former_assigned_to_family,
    )


def _apply_to_balance(
    balance: CaseBalance,
    distribution: rules.Distribution,
    *,
    received_on: date,
    amount: Decimal,
    on: date,
    collected_on: date | None = None,
) -> None:
    balance.current_paid_month += distribution.paid(bucket=rules.CURRENT)
    _after_payment(balance, distribution, received_on=received_on, amount=amount, collected_on=collected_on)
    _refresh_derived(balance, on=on)


def _after_payment(
    balance: CaseBalance,
    distribution: rules.Distribution,
    *,
    received_on: date,
    amount: Decimal,
    collected_on: date | None,
) -> None:
    """What a distribution does to ``balance`` besides current support (which month's it paid is
    the caller's): the arrears it paid, URA repaid by what the state retained, the latest payment
    and date of collection."""
    balance.unassigned_arrears -= distribution.paid(bucket=rules.ARREARS_UNASSIGNED)
    balance.assigned_arrears -= distribution.paid(bucket=rules.ARREARS_ASSIGNED)
    if balance.unreimbursed_assistance is not None:
        balance.unreimbursed_assistance -= distribution.paid(payee=rules.STATE)
    if balance.last_payment_on is None or received_on >= balance.last_payment_on:
        balance.last_payment_on = received_on
        balance.last_payment_amount = amount
    if collected_on is not None and (balance.last_collected_on is None or collected_on > balance.last_collected_on):
        balance.last_collected_on = collected_on


# The columns of a collection, an allocation and a disbursement that every bulk writer of the
# ledger sets (a batch here, a backfill, a generated history); a batch adds who and what the
# collection came with, and a disbursement already made (a backfill's, a history's) when, its
# status and whether it was late.
COLLECTION_COLUMNS = (
    "source_reference",
    "case_id",
    "case_number_received",
    "amount",
    "received_on",
    "collected_on",
    "source",
    "status",
    "hold_reason",
    "overpayment_policy",
    "received_via",
    "content_hash",
    "reference_key",  # Collection.reference_key_of(source_reference)
)
BATCH_COLLECTION_COLUMNS = (*COLLECTION_COLUMNS, "employer_id", "batch_reference", "created_by_id", "agency_id")
ALLOCATION_COLUMNS = ("collection_id", "case_id", "bucket", "payee", "amount", "allocated_on", "obligation_kind")
ENTRY_COLUMNS = (
    "case_id",
    "entry_type",
    "bucket",
    "obligation_kind",
    "amount",
    "posted_on",
    "collection_id",
    "description",
)
# ENTRY_COLUMNS with ``due_on``: rows that name the month they pay or restore (a closed month's
# allocations, a redistribution's reversals and allocations).
DUE_ENTRY_COLUMNS = (*ENTRY_COLUMNS[:4], "due_on", *ENTRY_COLUMNS[4:])
DISBURSEMENT_COLUMNS = ("case_id", "collection_id", "payee", "amount", "received_on", "due_by")
DISBURSED_COLUMNS = (*DISBURSEMENT_COLUMNS, "disbursed_on", "status", "is_late")


def _allocations(*, collection: Collection, case: Case, distribution: rules.Distribution, on: date) -> list[Allocation]:
    return [
        Allocation(  # by ids: the instances are built per line at file volume (related-object setters cost)
            collection_id=collection.pk,
            case_id=case.pk,
            obligation_kind=line.obligation_kind,
            bucket=line.bucket,
            payee=line.payee,
            amount=line.amount,
            allocated_on=on,
        )
        for line in distribution.lines
    ]


def _entry_rows(*, collection: Collection, case: Case, distribution: rules.Distribution, on: date) -> list[tuple]:
    """The ledger rows of a distribution (``ENTRY_COLUMNS``): the collection received, then one
    allocation entry per line (negative: it reduces what is owed)."""
    rows = [
        (
            case.pk,
            EntryType.COLLECTION,
            "",
            "",
            collection.amount,
            on,
            collection.pk,
            collection_entry_description(collection, distribution),
        )
    ]
    rows += [
        (
            case.pk,
            EntryType.ALLOCATION,
            line.bucket,
            line.obligation_kind,
            -line.amount,
            on,
            collection.pk,
            allocation_description(line, distribution),
        )
        for line in distribution.lines
    ]
    return rows


def collection_entry_description(collection: Collection, distribution: rules.Distribution | None) -> str:
    """The collection entry names its date of collection and, when more than was owed came in,
    the overpayment policy that applied (the ledger says which)."""
    text = f"Collection received {collection.received_on}"
    if collection.collected_on != collection.received_on:
        text += f", collected {collection.collected_on}"
    if distribution is not None and distribution.overpayment > 0:
        label = _POLICY_LABELS[distribution.overpayment_policy]
        text += f"; overpayment {distribution.overpayment:.2f}: {label.lower()} (office policy)"
    return text[:200]


_POLICY_LABELS = dict(OverpaymentPolicy.choices)


def allocation_description(line: rules.Line, distribution: rules.Distribution) -> str:
    if line.bucket == rules.EXCESS and distribution.overpayment_policy:
        return f"Overpayment to the family ({line.payee}; office policy: {distribution.overpayment_policy})"
    return f"Allocated to {line.bucket or 'excess'} ({line.payee})"


def _family_disbursement(*, collection: Collection, case: Case, distribution: rules.Distribution) -> tuple | None:
    """The family's disbursement of a distribution (``DISBURSEMENT_COLUMNS``), if any is due."""
    family = distribution.paid(payee=rules.FAMILY)
    if family <= 0:
        return None
    return (
        case.pk,
        collection.pk,
        Payee.FAMILY,
        family,
        collection.received_on,
        disbursement_due_by(collection.received_on, case.jurisdiction, source=collection.source),
    )


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


@dataclass(frozen=True)
class CollectionItem:
    """One collection to post (``collections_post_batch``); the arguments of ``collection_post``."""

    case_number: str | None
    amount: Decimal
    received_on: date
    source: str
    source_reference: str
    received_via: str
    employer: object = None
    hold_reason: str = ""
    batch_reference: str = ""
    collected_on: date | None = None  # the date of collection; the received date when not given


def collection_post(
    *,
    case_number: str | None,
    amount: Decimal,
    received_on: date,
    source: str,
    source_reference: str,
    received_via: str,
    by: User | None = None,
    actor_label: str = "",
    employer=None,
    hold_reason: str = "",
    batch_reference: str = "",
    posted_on: date | None = None,
    collected_on: date | None = None,
    agency: PartnerAgency | None = None,
) -> CollectionResult:
    """Record a collection once per sender and source reference and distribute it (42 USC 657).

    The sender is ``agency``, the partner whose API key posted it, or the office (its desk, files
    and tools) when none; references compare without regard to letter case
    (``Collection.reference_key_of``). An exact replay — the same sender's reference again with the
    same content — returns the first receipt (``created=False``) and writes nothing; the same
    sender's reference with different content raises ``CollectionConflict``. Another partner's
    receipt of the same reference is another receipt. The desk (``received_via`` form) compares
    its reference with every sender's: a reference any sender already posted is answered as a
    replay of the receipt whose content matches, or a conflict when none does (a clerk keying a
    payment a partner already sent is not posting it twice).

    An unknown or closed case, or an explicit ``hold_reason``, holds the whole collection (never
    dropped). The family's share becomes a pending disbursement due 2 business days after receipt
    (42 USC 654b(c)). Field errors name the field (``amount``, ``received_on`` …). A batch of one: see
    ``collections_post_batch``.

    ``collected_on`` is the date of collection (42 USC 654b(c)(1); 45 CFR 302.51(a)(4): the day
    the State disbursement unit received it, or the employer's withholding date of current support
    withheld in the month it was due), the received date when not given. The
    collection pays current support due in that month first; one collected in a month already
    closed out, or before collections already distributed, redistributes the case by month of
    collection (reversals and new entries, an event).
    """
    item = CollectionItem(
        case_number=case_number,
        amount=amount,
        received_on=received_on,
        source=source,
        source_reference=source_reference,
        received_via=received_via,
        employer=employer,
        hold_reason=hold_reason,
        batch_reference=batch_reference,
        collected_on=collected_on,
    )
    cleaned = _cleaned_item(item, agency=agency)
    return _post_cleaned([cleaned], on=posted_on or timezone.localdate(), by=by, actor_label=actor_label)[0]


def collections_post_batch(
    items: Sequence[CollectionItem],
    *,
    by: User | None = None,
    actor_label: str = "",
    posted_on: date | None = None,
    counties: Sequence[str] | None = None,
    agency: PartnerAgency | None = None,
) -> list[CollectionResult]:
    """Post many collections in one transaction, with the rules of ``collection_post`` item by
    item in order (two payments to one case see each other), in a fixed number of statements
    per batch: one read of known references, one of cases, one lock of all their balances (in
    case order, so concurrent batches cannot deadlock), then bulk inserts of collections,
    allocations, ledger entries and disbursements, one balance update and one domain event per
    collection (bulk inserts bypass simple-history: the events and the ledger are the record of a
    receipt; later changes of a collection — release, reversal — keep their history rows).
    All or nothing: any invalid item raises a
    ``ValidationError`` keyed ``items[<index>].<field>`` and nothing is written; a reference
    already received with other content raises ``CollectionConflict``. Results come in the
    items' order; a replay (in the database or earlier in the batch) is ``created=False``.
    ``agency``: the partner whose key sent the batch (its references are its own), as for
    ``collection_post``.

    ``counties``: the counties whose cases the sender may reach (a county partner key's file;
    ``None``: every county). A case elsewhere is unknown to the batch: its collection is held as an
    unknown case's is, never posted there, and nothing in the result tells it from a number that
    names no case ("a key reads and writes only its counties' objects").
    """
    errors: dict[str, str] = {}
    cleaned_items = []
    for index, item in enumerate(items):
        try:
            cleaned_items.append(_cleaned_item(item, agency=agency))
        except ValidationError as exc:
            errors.update({f"items[{index}].{name}": messages[0] for name, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if not cleaned_items:
        return []
    return _post_cleaned(
        cleaned_items, on=posted_on or timezone.localdate(), by=by, actor_label=actor_label, counties=counties
    )


def _cleaned_item(item: CollectionItem, *, agency: PartnerAgency | None) -> dict:
    cleaned = _validated(item)
    cleaned["employer"] = item.employer
    cleaned["agency_id"] = agency.pk if agency is not None else None
    cleaned["identity"] = (cleaned["agency_id"], Collection.reference_key_of(cleaned["source_reference"]))
    cleaned["content_hash"] = collection_content_hash(
        case_number=cleaned["case_number"],
        amount=cleaned["amount"],
        received_on=cleaned["received_on"],
        source=cleaned["source"],
        collected_on=cleaned["collected_on"],
    )
    return cleaned


def _post_cleaned(
    items: list[dict], *, on: date, by: User | None, actor_label: str, counties: Sequence[str] | None = None
) -> list[CollectionResult]:
    try:
        return _post_batch(items, on=on, by=by, actor_label=actor_label, counties=counties)
    except IntegrityError:
        # Another request stored one of these references first (the unique constraint decided).
        # Everything of this attempt was rolled back; a second attempt sees that receipt and
        # answers it as a replay (or a conflict).
        return _post_batch(items, on=on, by=by, actor_label=actor_label, counties=counties)


# A receipt's identity: the partner agency that sent it (None: the office) and its reference key.
Identity = tuple[int | None, str]


def _identity(collection: Collection) -> Identity:
    assert collection.reference_key is not None  # set on every receipt this service writes
    return (collection.agency_id, collection.reference_key)


def _existing_collections(items: list[dict]) -> dict[Identity, Collection]:
    """The receipts already recorded under the items' identities (the first item of an identity
    decides). A desk item compares its reference with every sender's: the receipt whose content
    matches it (the desk's own first, then the oldest) is what it replays; when none matches, the
    desk's own or else the oldest, which it conflicts with."""
    keys = sorted({item["identity"][1] for item in items})
    by_identity: dict[Identity, Collection] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = Collection.objects.filter(reference_key__in=keys[start : start + LOOKUP_CHUNK]).order_by("pk")
        for collection in chunk:
            by_identity.setdefault(_identity(collection), collection)
    found: dict[Identity, Collection] = {}
    for item in items:
        identity = item["identity"]
        if identity in found:
            continue
        first = by_identity.get(identity)
        if item["received_via"] == ReceivedVia.FORM:
            senders = [first] if first is not None else []
            senders += [c for (_, key), c in by_identity.items() if key == identity[1] and c is not first]
            first = next(
                (c for c in senders if c.content_hash == item["content_hash"]), senders[0] if senders else None
            )
        if first is not None:
            found[identity] = first
    if found:
        allocations: dict[int, list[Allocation]] = defaultdict(list)
        for allocation in Allocation.objects.filter(
            collection__in=list(found.values()), reversed_on__isnull=True
        ).order_by("pk"):
            allocations[allocation.collection_id].append(allocation)
        for collection in found.values():
            collection.replayed_allocations = allocations[collection.pk]
    return found


def _cases_and_balances(numbers: set[str], *, on: date) -> tuple[dict[str, Case], dict[int, CaseBalance], SpellMap]:
    """The cases with these numbers, and their balance rows locked (created when missing) and
    rolled into the month of ``on``, and the open cases' assistance spells."""
    if not numbers:
        return {}, {}, {}
    cases, balances, spells = _open_balances_read(numbers)
    rest = numbers - cases.keys()  # closed or unknown numbers, or open cases without a balance row
    if rest:
        cases.update((case.case_number, case) for case in Case.objects.filter(case_number__in=rest))
    open_ids = sorted(case.pk for case in cases.values() if case.status == CaseStatus.OPEN)
    if not open_ids:
        return cases, {}, {}
    missing = [case_id for case_id in open_ids if case_id not in balances]
    if missing:
        spells.update(spells_of(missing))
        CaseBalance.objects.bulk_create(
            [CaseBalance(case_id=case_id, current_month=month_start(on)) for case_id in missing], ignore_conflicts=True
        )
        for balance in CaseBalance.objects.select_for_update().filter(case_id__in=missing).order_by("case_id"):
            balances[balance.case_id] = balance
    by_id = {case.pk: case for case in cases.values()}
    for balance in balances.values():
        if balance.current_month is None or balance.current_month < month_start(on):
            case = by_id[balance.case_id]
            _roll_one(
                balance,
                case=case,
                to_month=month_start(on),
                status=status_in(spells, case, balance.current_month or month_start(on)),
            )
    return cases, balances, spells


def _open_balances_read(numbers: set[str]) -> tuple[dict[str, Case], dict[int, CaseBalance], SpellMap]:
    """The open cases with these numbers that have a balance row: their cases, their balance rows
    locked (in case order) and their spells. On PostgreSQL one statement (the case joined, the
    spells as an array: a single post is a dozen statements, and these were three)."""
    locked = (
        CaseBalance.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(case__case_number__in=numbers, case__status=CaseStatus.OPEN)
        .order_by("case_id")
    )
    spells: SpellMap = defaultdict(list)
    if connection.vendor != "postgresql":
        balances = {balance.case_id: balance for balance in locked}
        spells.update(spells_of(sorted(balances)))
        return {b.case.case_number: b.case for b in balances.values()}, balances, spells
    # "status|start|end" per spell (ISO dates; an open spell's end is empty). Written as SQL: the
    # same subquery built from ORM expressions cost more to compile than the statement to run.
    table, spell_table = CaseBalance._meta.db_table, AssistanceSpell._meta.db_table
    spell_rows = RawSQL(  # noqa: S611 — table names from the models, no parameters
        f"ARRAY(SELECT s.status || '|' || s.start_on::text || '|' || COALESCE(s.end_on::text, '')"  # noqa: S608
        f' FROM "{spell_table}" s WHERE s.case_id = "{table}"."case_id")',
        (),
    )
    locked = locked.annotate(spell_rows=spell_rows)
    balances = {}
    for balance in locked:
        balances[balance.case_id] = balance
        for row in balance.spell_rows:
            status, start_on, end_on = row.split("|")
            spells[balance.case_id].append(
                (status, date.fromisoformat(start_on), date.fromisoformat(end_on) if end_on else None)
            )
    return {b.case.case_number: b.case for b in balances.values()}, balances, spells


def _pass_through_state(
    cases: list[Case], balances: dict[int, CaseBalance], spells: SpellMap
) -> dict[int, tuple[Decimal, Decimal]]:
    """(limit, already passed through this month) per case whose month is a month of assistance
    (by its spells, as the distribution itself decides): two queries."""
    ids = [
        case.pk
        for case in cases
        if case.pk in balances
        and status_in(spells, case, balances[case.pk].current_month or month_start(timezone.localdate()))
        == AssistanceStatus.CURRENT
    ]
    if not ids:
        return {}
    # each child's (day added, day its end was recorded): None added at opening, None not ended
    added: dict[int, list[tuple[date | None, date | None]]] = defaultdict(list)
    for case_id, added_on, ended in CaseParticipant.objects.filter(
        case_id__in=ids, role=ParticipantRole.CHILD
    ).values_list("case_id", *rules.CHILD_MONTH_FIELDS):
        added[case_id].append((added_on, ended))
    earliest = min(balances[case_id].current_month for case_id in ids)
    passed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    # The month's pass-through is what was passed through of current support *collected* this
    # month (45 CFR 302.51: the month of collection), read through the recent allocations.
    for case_id, collected_on, amount in Allocation.objects.filter(
        case_id__in=ids, bucket=Bucket.CURRENT, payee=Payee.FAMILY, allocated_on__gte=earliest, reversed_on__isnull=True
    ).values_list("case_id", "collection__collected_on", "amount"):
        if collected_on >= balances[case_id].current_month:
            passed[case_id] += amount
    by_id = {case.pk: case for case in cases}
    table = rules.pass_through_table()
    return {
        case_id: (
            rules.pass_through_limit(
                jurisdiction=by_id[case_id].jurisdiction,
                children=rules.children_in_month(
                    added[case_id], balances[case_id].current_month or month_start(timezone.localdate())
                ),
                on=balances[case_id].current_month,
                table=table,
            ),
            passed[case_id],
        )
        for case_id in ids
    }


@dataclass
class _BatchPlan:
    """What a batch will write, decided before any write (``_batch_plan``): the new collections
    (unsaved) with their distributions, the balances already moved in memory, and the cases whose
    collections are distributed afterwards by redistribution (``redistribute_from``)."""

    existing: dict[Identity, Collection]
    seen: dict[Identity, dict]
    cases: dict[str, Case]
    balances: dict[int, CaseBalance]
    spells: SpellMap
    policy: str
    user: object
    actor_text: str
    # Fam. Code 17504.2: the dated pass-through of assigned support to former recipients, read once.
    former_assigned: tuple[rules.FormerAssignedRule, ...] = ()
    collections: list[Collection] = field(default_factory=list)
    plans: list[tuple[Case | None, rules.Distribution | None]] = field(default_factory=list)
    # Collections of a month already closed out, or collected before one already distributed to
    # the case, are distributed after the bulk writes by redistributing the case by month of
    # collection (and so is every later item of that case in the batch, to keep their order).
    redistribute_from: dict[int, date] = field(default_factory=dict)
    # A collection of a closed month collected after every one already distributed to its case
    # pays its month in the batch (``ledger_closed_month``): its index -> that month's bucket.
    closed_state: ClosedMonths | None = None
    closed_buckets: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def _post_batch(
    items: list[dict], *, on: date, by: User | None, actor_label: str, counties: Sequence[str] | None
) -> list[CollectionResult]:
    """Post cleaned items in three steps: plan (read and decide), write (bulk rows), result."""
    with legal_parameters_read_once():
        plan = _batch_plan(items, on=on, by=by, actor_label=actor_label, counties=counties)
        allocations_of = _batch_write(plan, on=on, by=by)
    return _batch_results(items, plan, allocations_of)


def _fresh_items(items: list[dict], existing: dict[Identity, Collection]) -> tuple[list[dict], dict[Identity, dict]]:
    """The items that create a collection (the first of each new identity), and the first item of
    each identity; a repeated identity with other content is a conflict (nothing is posted)."""
    fresh: list[dict] = []
    seen: dict[Identity, dict] = {}
    for item in items:
        identity = item["identity"]
        first = existing.get(identity) or seen.get(identity)
        if first is None:
            seen[identity] = item
            fresh.append(item)
            continue
        first_hash = first.content_hash if isinstance(first, Collection) else first["content_hash"]
        if first_hash != item["content_hash"]:
            reference = item["source_reference"]
            raise CollectionConflict(f"Source reference {reference!r} was already received with different content.")
    return fresh, seen


def _batch_plan(
    items: list[dict], *, on: date, by: User | None, actor_label: str, counties: Sequence[str] | None
) -> _BatchPlan:
    from .ledger_closed_month import closed_months_read

    existing = _existing_collections(items)
    fresh, seen = _fresh_items(items, existing)
    numbers = {item["case_number"] for item in fresh if item["case_number"]}
    if counties is not None and numbers:  # a case outside the sender's reach is unknown to it
        numbers = set(
            Case.objects.filter(case_number__in=numbers, county__in=counties).values_list("case_number", flat=True)
        )
    cases, balances, spells = _cases_and_balances(numbers, on=on)
    pass_through = _pass_through_state(list(cases.values()), balances, spells)
    user = by if getattr(by, "is_authenticated", False) else None
    plan = _BatchPlan(
        existing=existing,
        seen=seen,
        cases=cases,
        balances=balances,
        spells=spells,
        policy=overpayment_policy(),
        user=user,
        actor_text=actor_label if (actor_label or user) else str(by or ""),
        former_assigned=rules.former_assigned_table(),
    )
    # In order of collection, so a file's own entries never redistribute each other.
    fresh = sorted(fresh, key=lambda item: (item["collected_on"], item["source_reference"]))
    plan.closed_state = closed_months_read(
        {
            (case.pk, month_start(item["collected_on"]))
            for item in fresh
            if (case := cases.get(item["case_number"])) is not None
            and case.pk in balances
            and month_start(item["collected_on"]) < (balances[case.pk].current_month or date.max)
        }
    )
    for item in fresh:
        case = cases.get(item["case_number"])
        reason = _hold_reason_for(case, case_number=item["case_number"], hold_reason=item["hold_reason"])
        distribution = None if reason else _plan_item(plan, item, case=case, pass_through=pass_through, on=on)
        plan.collections.append(
            Collection(
                source_reference=item["source_reference"],
                reference_key=item["identity"][1],
                agency_id=item["agency_id"],
                case=case,
                case_number_received=item["case_number"],
                amount=item["amount"],
                received_on=item["received_on"],
                collected_on=item["collected_on"],
                source=item["source"],
                status=CollectionStatus.HELD if reason else CollectionStatus.POSTED,
                hold_reason=reason or (distribution.held_reason if distribution else ""),
                overpayment_policy=distribution.overpayment_policy if distribution else "",
                content_hash=item["content_hash"],
                employer=item["employer"],
                received_via=item["received_via"],
                batch_reference=item["batch_reference"],
                created_by=user,
            )
        )
        plan.plans.append((case, distribution))
    return plan


def _plan_item(
    plan: _BatchPlan, item: dict, *, case: Case | None, pass_through: dict[int, tuple[Decimal, Decimal]], on: date
) -> rules.Distribution | None:
    """The distribution of one collection on an open case, applied to its balance in memory; None
    when the case is left to redistribution (collected before one already distributed, or in a
    closed month of current assistance). A closed month's collection otherwise pays its month."""
    assert case is not None  # no hold reason: an open case
    balance = plan.balances[case.pk]
    collected_on = item["collected_on"]
    assert balance.current_month is not None  # rolled into the month of ``on``
    from .ledger_closed_month import closed_month_eligible, closed_month_plan

    closed = month_start(collected_on) < balance.current_month
    to_family = rules.former_assigned_passed_through(
        jurisdiction=case.jurisdiction, on=collected_on, table=plan.former_assigned
    )
    if (
        case.pk in plan.redistribute_from
        or (balance.last_collected_on is not None and collected_on < balance.last_collected_on)
        or (closed and not closed_month_eligible(case=case, collected_on=collected_on, spells=plan.spells))
    ):
        plan.redistribute_from[case.pk] = min(plan.redistribute_from.get(case.pk, collected_on), collected_on)
        return None
    if closed:
        closed_state = plan.closed_state
        assert closed_state is not None  # read by ``_batch_plan`` for every closed month of the batch
        distribution, plan.closed_buckets[len(plan.collections)] = closed_month_plan(
            case=case,
            balance=balance,
            collected_on=collected_on,
            received_on=item["received_on"],
            source=item["source"],
            amount=item["amount"],
            spells=plan.spells,
            state=closed_state,
            policy=plan.policy,
            on=on,
            former_assigned_to_family=to_family,
        )
        return distribution
    limit, passed = pass_through.get(case.pk, (ZERO, ZERO))
    distribution = _plan(
        balance=balance,
        assistance_status=status_in(plan.spells, case, balance.current_month),
        source=item["source"],
        amount=item["amount"],
        pass_through_left=max(limit - passed, ZERO),
        policy=plan.policy,
        former_assigned_to_family=to_family,
    )
    if case.pk in pass_through:
        pass_through[case.pk] = (limit, passed + distribution.paid(bucket=rules.CURRENT, payee=rules.FAMILY))
    _apply_to_balance(
        balance, distribution, received_on=item["received_on"], amount=item["amount"], on=on, collected_on=collected_on
    )
    return distribution


def _batch_write(plan: _BatchPlan, *, on: date, by: User | None) -> dict[Identity, list[Allocation]]:
    """Write the plan: collections, allocations, ledger entries, disbursements, balances and
    events in bulk, then the redistributions. Returns each new receipt's allocations."""
    from .ledger_redistribute import allocation_entry_rows

    collections = plan.collections
    # Every row goes in as a tuple (``rows_insert``): at file volume, bulk_create's per-field
    # preparation of model instances costs more than the statements themselves.
    collection_ids = rows_insert(
        Collection,
        BATCH_COLLECTION_COLUMNS,
        [tuple(getattr(c, name) for name in BATCH_COLLECTION_COLUMNS) for c in collections],
        returning=("id", "posted_at"),
    )
    for collection, (pk, posted_at) in zip(collections, collection_ids, strict=True):  # results carry saved rows
        # (SQLite returns the stored UTC instant without its zone to a plain cursor.)
        if timezone.is_naive(posted_at):
            posted_at = timezone.make_aware(posted_at, UTC)
        collection.pk, collection.posted_at = pk, posted_at
        collection._state.adding = False

    allocations_of: dict[Identity, list[Allocation]] = {}
    allocations: list[Allocation] = []
    entries: list[tuple] = []
    disbursements: list[tuple] = []
    events: list[tuple] = []
    closed_entries: list[tuple] = []
    for index, (collection, (case, distribution)) in enumerate(zip(collections, plan.plans, strict=True)):
        mine: list[Allocation] = []
        if distribution is not None:
            mine = _allocations(collection=collection, case=case, distribution=distribution, on=on)
            allocations += mine
            rows = _entry_rows(collection=collection, case=case, distribution=distribution, on=on)
            if index in plan.closed_buckets:
                assert case is not None  # a closed month's collection is on an open case
                entries.append(rows[0])  # the collection received; its allocations pay a closed month
                closed_entries += allocation_entry_rows(
                    collection=collection,
                    case=case,
                    distribution=distribution,
                    month_bucket=plan.closed_buckets[index],
                    on=on,
                )
            else:
                entries += rows
            disbursement = _family_disbursement(collection=collection, case=case, distribution=distribution)
            if disbursement is not None:
                disbursements.append(disbursement)
        allocations_of[_identity(collection)] = mine
        if (
            case is not None
            and case.pk in plan.redistribute_from
            and distribution is None
            and collection.status == CollectionStatus.POSTED
        ):
            continue  # its event comes with its distribution, after the bulk writes
        events.append(_collection_event(collection, case))
    allocation_ids = rows_insert(
        Allocation,
        ("collection_id", "case_id", "obligation_kind", "bucket", "payee", "amount", "allocated_on"),
        [
            (a.collection_id, a.case_id, a.obligation_kind, a.bucket, a.payee, a.amount, a.allocated_on)
            for a in allocations
        ],
        returning=("id",),
    )
    for allocation, (pk,) in zip(allocations, allocation_ids, strict=True):
        allocation.pk = pk
        allocation._state.adding = False
    rows_insert(LedgerEntry, ENTRY_COLUMNS, entries)
    rows_insert(LedgerEntry, DUE_ENTRY_COLUMNS, closed_entries)
    rows_insert(Disbursement, DISBURSEMENT_COLUMNS, disbursements)
    _balances_save(list(plan.balances.values()))
    events_bulk_record(
        fields=("verb", "subject_id", "case_id", "summary"),
        rows=events,
        values={
            "subject_type": ContentType.objects.get_for_model(Collection),
            "actor": plan.user,
            "actor_label": plan.actor_text,
        },
    )
    if plan.redistribute_from:
        _batch_redistribute(plan, allocations_of, on=on, by=by)
    return allocations_of


def _collection_event(collection: Collection, case: Case | None) -> tuple:
    """The (verb, subject, case, summary) of a collection's posted-or-held event."""
    held = collection.status == CollectionStatus.HELD
    return (
        "collection.held" if held else "collection.posted",
        collection.pk,
        case.pk if case else None,
        (
            f"{collection.amount} {_event_source(collection)} ref {collection.source_reference}"
            + (f" — held{_colon(_event_hold_reason(collection.source, collection.hold_reason))}" if held else "")
        )[:500],
    )


def _batch_redistribute(
    plan: _BatchPlan, allocations_of: dict[Identity, list[Allocation]], *, on: date, by: User | None
) -> None:
    from .ledger_redistribute import case_redistribute

    by_id = {case.pk: case for case in plan.cases.values()}
    for case_id, from_date in plan.redistribute_from.items():
        done = case_redistribute(
            case=by_id[case_id],
            balance=plan.balances[case_id],
            from_date=from_date,
            on=on,
            by=by,
            actor_label=plan.actor_text,
            spells=plan.spells,
            policy=plan.policy,
            former_assigned=plan.former_assigned,
            reason="collection of an earlier date posted",
        )
        for collection in plan.collections:
            if collection.pk in done:
                allocations_of[_identity(collection)] = done[collection.pk]
                collection.refresh_from_db(fields=["hold_reason", "overpayment_policy"])


def _batch_results(
    items: list[dict], plan: _BatchPlan, allocations_of: dict[Identity, list[Allocation]]
) -> list[CollectionResult]:
    """One result per item, in order: created, or a replay of the collection its identity names."""
    created = {_identity(collection): collection for collection in plan.collections}
    results = []
    for item in items:
        identity = item["identity"]
        if identity in plan.existing:
            first = plan.existing[identity]
            results.append(CollectionResult(first, created=False, allocations=first.replayed_allocations))
        else:  # the batch's first item with this identity created it; a repeat is a replay of it
            results.append(
                CollectionResult(
                    created[identity], created=plan.seen[identity] is item, allocations=allocations_of[identity]
                )
            )
    return results


_SOURCE_LABELS = dict(CollectionSource.choices)  # read once: an event per collection at file volume


def _event_source(collection: Collection) -> str:
    """Event summaries are read by everyone who sees the case: a tax-offset source is Federal Tax
    Information (IRS Publication 1075) and is not named there."""
    return "payment" if collection.source in FTI_SOURCES else _SOURCE_LABELS.get(collection.source, collection.source)


def _colon(text: str) -> str:
    return f": {text}" if text else ""


def _event_hold_reason(source: str, reason: str) -> str:
    """A hold reason as event text may carry it: nothing for a tax offset, whose reason says what
    the source is (a joint-return offset held for an injured spouse's claim)."""
    return "" if source in FTI_SOURCES else reason


def _balances_save(balances: list[CaseBalance]) -> None:
    """The locked balance rows, written back with one ``UPDATE … FROM`` a relation of their new
    values (``bulk_update``'s CASE per column costs more than the rest of a batch). The one writer
    of balances for posting, release and reversal; the history of balances is the ledger itself."""
    from .ledger_accrual import _rows, _t

    columns = (
        ("case_id", "bigint"),
        ("monthly_obligation", "numeric"),
        ("current_due_month", "numeric"),
        ("current_paid_month", "numeric"),
        ("unassigned_arrears", "numeric"),
        ("assigned_arrears", "numeric"),
        ("total_arrears", "numeric"),
        ("months_in_arrears", "numeric"),
        ("delinquent_since", "date"),
        ("current_month", "date"),
        ("last_payment_on", "date"),
        ("last_payment_amount", "numeric"),
        ("last_collected_on", "date"),
        ("unreimbursed_assistance", "numeric"),
    )
    rows = [tuple(getattr(balance, name) for name, _ in columns) for balance in balances]
    table = _t(CaseBalance)
    assignments = ", ".join(f"{name} = v.{name}" for name, _ in columns[1:])
    with connection.cursor() as cursor:
        for with_clause, params in _rows(rows, columns):
            cursor.execute(
                f"{with_clause} UPDATE {table} SET {assignments}, updated_at = %s"  # noqa: S608 — names only
                f" FROM v WHERE {table}.case_id = v.case_id",
                [*params, timezone.now()],
            )


def collection_held_amount(collection: Collection) -> Decimal:
    """What of a collection is not allocated (the whole of a held one; a tax-offset excess)."""
    if collection.status == CollectionStatus.HELD:
        return collection.amount
    allocated = collection.allocations.filter(reversed_on__isnull=True).aggregate(s=Sum("amount"))["s"] or ZERO
    return collection.amount - allocated


@transaction.atomic
def collection_release(*, collection: Collection, case: Case, by: User, note: str = "") -> CollectionResult:
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
    spells = spells_of([case.pk])
    balance = _locked_balance(case, on=on, spells=spells)
    # Distributed by its month of collection, in order with the case's other collections.
    from .ledger_redistribute import case_redistribute

    allocations = case_redistribute(
        case=case,
        balance=balance,
        from_date=locked.collected_on,
        on=on,
        by=by,
        spells=spells,
        reason="held collection released",
    ).get(locked.pk, [])
    locked.refresh_from_db()
    reason_shown = _event_hold_reason(locked.source, previous_reason)
    event_about(
        locked,
        verb="collection.released",
        case_id=case.pk,
        by=by,
        summary=f"{locked.amount} ref {locked.source_reference} released to {case.case_number}"
        f" (was held{_colon(reason_shown)}). {note}".strip(),
        data={"previous_hold_reason": reason_shown, "note": note},
    )
    return CollectionResult(locked, created=False, allocations=allocations)


@transaction.atomic
def collection_reverse(
    *,
    collection: Collection,
    reason: str,
    by: User | None = None,
    on: date | None = None,
    shown: Shown | None = None,
) -> list[LedgerEntry]:
    """Correct a posted collection (a returned cheque, a misapplied payment) with reversing entries.

    Every allocation entry gets an opposite entry; what it paid becomes owed again. Current
    support paid in a month that has since ended comes back as arrears. Pending family
    disbursements are cancelled; one already sent is left as it is and flagged in the event (the
    overpayment must be recovered). What the other apps do about it (``core.hooks
    .collection_reversed``: a bank return's "pay again" work item closed) is in the same event.

    A held collection (never distributed: no entries, allocations or disbursements) is reversed
    by its status alone: it leaves the held queue and nothing is owed again. A reversed
    collection holds nothing: its hold reason is cleared (the event and its history keep it).

    A collection already reversed is refused (a second click). ``shown``: what the reversal page
    showed (``collection_reverse_shown``); a change since (redistributed, released, a disbursement
    sent) is refused (``core.stale``).
    """
    reason = _text(reason, name="reason", max_length=200, required=True)
    on = on or timezone.localdate()
    locked = Collection.objects.select_for_update().get(pk=collection.pk)
    if locked.status == CollectionStatus.REVERSED:
        raise ValidationError({"collection": "This payment is already reversed."})
    refuse_if_changed(row=locked, shown=shown, current=collection_reverse_shown(locked))
    if locked.status == CollectionStatus.HELD:
        _held_collection_reverse(locked, reason=reason, by=by, on=on)
        return []
    if locked.status != CollectionStatus.POSTED or locked.case_id is None:
        raise ValidationError({"collection": "Only a posted or held collection can be reversed."})
    case = locked.case
    ledger_writer()
    spells = spells_of([case.pk])
    balance = _locked_balance(case, on=on, spells=spells)
    originals = list(
        LedgerEntry.objects.filter(
            collection=locked, entry_type__in=[EntryType.COLLECTION, EntryType.ALLOCATION], reversed_by__isnull=True
        )
    )
    reversals = []
    for entry in originals:
        bucket = entry.bucket
        month = month_start(entry.due_on or entry.posted_on)
        if bucket == Bucket.CURRENT and month < (balance.current_month or month_start(on)):
            # paid in a month since closed out: owed again as that month's arrears (42 USC 608(a)(3))
            bucket = arrears_bucket_for(status_in(spells, case, month))
        reversals.append(entry.reversal(bucket=bucket, on=on, reason=reason))
        if entry.entry_type == EntryType.ALLOCATION:
            if bucket == Bucket.CURRENT:
                balance.current_paid_month += entry.amount  # entry.amount is negative
            elif bucket == Bucket.ARREARS_UNASSIGNED:
                balance.unassigned_arrears -= entry.amount
            elif bucket == Bucket.ARREARS_ASSIGNED:
                balance.assigned_arrears -= entry.amount
    LedgerEntry.objects.bulk_create(reversals)
    live = Allocation.objects.filter(collection=locked, reversed_on__isnull=True)
    if balance.unreimbursed_assistance is not None:
        balance.unreimbursed_assistance += live.filter(payee=Payee.STATE).aggregate(s=Sum("amount"))["s"] or ZERO
    live.update(reversed_on=on)
    _refresh_derived(balance, on=on)
    _balances_save([balance])
    cancelled = Disbursement.objects.filter(collection=locked, status=DisbursementStatus.PENDING).update(
        status=DisbursementStatus.CANCELLED
    )
    sent = list(
        Disbursement.objects.filter(collection=locked, status=DisbursementStatus.SENT).values_list("pk", "amount")
    )
    locked.status = CollectionStatus.REVERSED
    locked.hold_reason = ""  # an excess held (a tax offset's) goes back with the rest
    locked.save(update_fields=["status", "hold_reason"])
    follow_ups = _reversal_follow_ups(locked, reason=reason, on=on, by=by)
    # The collections of the case collected on or after this one were distributed with this one's
    # payment in front of them: distribute them again in order of collection (45 CFR 302.51), by
    # reversal and new entries (never an UPDATE), recorded in this one event.
    from .ledger_redistribute import case_redistribute

    changes: list[dict] = []
    case_redistribute(
        case=case,
        balance=balance,
        from_date=locked.collected_on,
        on=on,
        by=by,
        spells=spells,
        reason=f"collection {locked.source_reference} reversed",
        changes_out=changes,
    )
    event_about(
        locked,
        verb="collection.reversed",
        case_id=case.pk,
        by=by,
        summary=(
            f"{locked.amount} ref {locked.source_reference} reversed: {reason}"
            + (f"; {len(sent)} disbursement(s) already sent — recover the overpayment" if sent else "")
            + (f"; {len(changes)} later collection(s) redistributed" if changes else "")
            + "".join(f"; {text}" for text in follow_ups)
        )[:500],
        data={
            "reason": reason,
            "cancelled_disbursements": cancelled,
            "sent_disbursements": [[pk, str(amount)] for pk, amount in sent],
            "redistributed": changes,
            "follow_ups": follow_ups,
        },
    )
    return reversals


def collection_reverse_shown(collection: Collection) -> dict[str, str]:
    """What the reversal page shows that the decision rests on: the collection's status and case,
    its standing allocations and its disbursements (``core.stale``)."""
    allocations = ";".join(
        f"{a.pk}:{a.bucket}:{a.payee}:{a.amount}"
        for a in collection.allocations.filter(reversed_on__isnull=True).order_by("pk")
    )
    disbursements = ";".join(
        f"{d.pk}:{d.status}:{d.amount}" for d in Disbursement.objects.filter(collection=collection).order_by("pk")
    )
    return {
        "status": collection.status,
        "case": str(collection.case_id or ""),
        "allocations": allocations,
        "disbursements": disbursements,
    }


def _held_collection_reverse(locked: Collection, *, reason: str, by: User | None, on: date) -> None:
    """A held collection reversed (the payer's cheque bounced before anyone released it): it was
    never distributed, so there is nothing to reverse in the ledger or the balance; it leaves the
    held queue (``status``) with its hold reason cleared, kept in the event (not a tax offset's:
    it would say what the payment is, IRS Publication 1075)."""
    previous = _event_hold_reason(locked.source, locked.hold_reason)
    locked.status = CollectionStatus.REVERSED
    locked.hold_reason = ""
    locked.save(update_fields=["status", "hold_reason"])
    follow_ups = _reversal_follow_ups(locked, reason=reason, on=on, by=by)
    event_about(
        locked,
        verb="collection.reversed",
        by=by,
        summary=(
            f"{locked.amount} ref {locked.source_reference} reversed (was held{_colon(previous)}): {reason}"
            + "".join(f"; {text}" for text in follow_ups)
        )[:500],
        data={
            "reason": reason,
            "previous_hold_reason": previous,
            "cancelled_disbursements": 0,
            "sent_disbursements": [],
            "redistributed": [],
            "follow_ups": follow_ups,
        },
    )


def _reversal_follow_ups(collection: Collection, *, reason: str, on: date, by: User | None) -> list[str]:
    """What the apps registered on ``core.hooks.collection_reversed`` did about the reversal, in
    this transaction (each says it in a phrase for the event; nothing, nothing said)."""
    from core.hooks import collection_reversed

    return [text for fn in collection_reversed if (text := fn(collection=collection, reason=reason, on=on, by=by))]


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
            ).update(
                status=DisbursementStatus.SENT,
                disbursed_on=on,
                is_late=models.Case(models.When(due_by__lt=on, then=True), default=False),
            )
        flagged = Disbursement.objects.filter(status=DisbursementStatus.PENDING, due_by__lt=on, is_late=False).update(
            is_late=True
        )
    return {"on": on.isoformat(), "sent": sent, "flagged_late": flagged}

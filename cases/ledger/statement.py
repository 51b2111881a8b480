"""A statement of account for any date range (issue 15.3): every charge, payment and adjustment
with a running balance, grouped by month, and what is owed at the end by bucket.

Read from the ledger (``LedgerEntry``, docs/ledger.md): signs are what the NCP owes (charges +,
allocations −, adjustments ±, a reversal the opposite of what it reverses). Only entries with a
bucket move a balance; collection entries and excess allocations (no bucket) record money movement
and are not lines here. A payment's allocations across buckets are one line ("Payment, reference"),
as a parent sees one payment, and a payment is printed as received once: what happens to it later is
one line a day that says so. Distributed again (``case_redistribute``: by month of collection, after
another payment's reversal, a late posting, a release) it is a "move" line naming the payment, the
amount and the reason, with nothing in the Payment column unless what it pays changed (then only the
change). Reversed (``collection_reverse``: a returned cheque) it is taken back in the Payment column,
with the reason given. So the Payment column totals what was received less what was reversed.

Three queries, whatever the length of the history: the opening balance by bucket (an aggregate of
the entries before the range), the entries in the range (index ``(case, posted_on)``), and nothing
else — the closing buckets are the opening plus the lines. A California case adds two for its
interest on the arrears (``cases.ledger.interest``: CCP 685.010), shown apart from the principal as
of the end of the range (today at the latest; CCP 695.211(c): a statement states "current support,
arrears, and interest due"). A tax offset's source is shown only to
users who may see federal tax information (IRS Publication 1075); the view logs each one shown.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from core.dates import display_date
from core.money import ZERO, display

from ..choices import Bucket, EntryType, ObligationKind
from ..models import Case, Collection, LedgerEntry
from .fti import can_view_fti, shown_source
from .interest import InterestFigure, case_arrears_interest

MAX_YEARS = 30
# What a statement reads of an entry and of its collection (description, FTI rule, FTI read log).
ENTRY_FIELDS = (
    "id",
    "entry_type",
    "obligation_kind",
    "bucket",
    "amount",
    "due_on",
    "posted_on",
    "collection_id",
    "description",
)
COLLECTION_FIELDS = ("id", "case_id", "source", "source_reference", "amount", "received_on")


@dataclass
class Line:
    posted_on: date
    # "charge", "payment", "adjustment", "move" (between buckets, or a payment applied again:
    # nothing owed changes)
    kind: str
    description: str
    amount: Decimal  # + raises what is owed, − lowers it
    balance: Decimal = ZERO
    collection: object | None = None
    bucket: str = ""

    @property
    def charge(self) -> Decimal | None:
        return self.amount if self.kind == "charge" else None

    @property
    def credit(self) -> Decimal | None:
        return -self.amount if self.kind == "payment" else None

    @property
    def adjustment(self) -> Decimal | None:
        return self.amount if self.kind == "adjustment" else None


@dataclass
class Month:
    month: date  # the first of the month
    lines: list[Line] = field(default_factory=list)

    @property
    def charges(self) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.kind == "charge"), ZERO)

    @property
    def payments(self) -> Decimal:
        return sum((-ln.amount for ln in self.lines if ln.kind == "payment"), ZERO)

    @property
    def adjustments(self) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.kind == "adjustment"), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance


@dataclass
class Statement:
    case: Case
    start: date
    end: date
    opening: Decimal
    opening_buckets: dict[str, Decimal]
    closing_buckets: dict[str, Decimal]
    months: list[Month]
    # the tax-offset collections on it, shown or withheld (``cases.access.fti_reads_record`` logs either)
    fti_collections: list = field(default_factory=list)
    # a California case's interest on its arrears, not part of the closing balance (None elsewhere)
    interest: InterestFigure | None = None

    @property
    def closing(self) -> Decimal:
        return sum(self.closing_buckets.values(), ZERO)

    @property
    def closing_with_interest(self) -> Decimal:
        return self.closing + (self.interest.interest if self.interest else ZERO)

    @property
    def charges(self) -> Decimal:
        return sum((m.charges for m in self.months), ZERO)

    @property
    def payments(self) -> Decimal:
        return sum((m.payments for m in self.months), ZERO)

    @property
    def adjustments(self) -> Decimal:
        return sum((m.adjustments for m in self.months), ZERO)

    @property
    def arrears(self) -> list[tuple[str, Decimal]]:
        """What is owed at the end of the range, by bucket, in the order a parent reads it."""
        labels = dict(Bucket.choices)
        return [
            (labels[b], self.closing_buckets.get(b, ZERO))
            for b in (Bucket.CURRENT, Bucket.ARREARS_UNASSIGNED, Bucket.ARREARS_ASSIGNED)
        ]


@dataclass
class _Applied:
    """A collection's entries of one day (allocations, reversals of them), in ledger order: one
    line, described once they are all read (``settle``). ``received``: the day the payment was first
    distributed (its collection entry was written that day). ``taken_back``: the reversal of its
    collection entry written that day (only ``collection_reverse`` reverses the receipt itself;
    a redistribution reverses allocations and writes new ones)."""

    line: Line
    collection: Collection
    entries: list[LedgerEntry] = field(default_factory=list)
    received: bool = False
    taken_back: LedgerEntry | None = None

    def settle(self, fti: bool) -> None:
        """Describe the day by what its entries are, not by what the collection is today (a later
        reversal does not rewrite an earlier day)."""
        line, collection = self.line, self.collection
        line.amount = sum((e.amount for e in self.entries), ZERO)
        reference = collection.source_reference
        source = shown_source(collection.source, fti=fti)
        received = f"Payment {reference} ({collection.get_source_display()})" if source else f"Payment {reference}"
        if self.taken_back is not None:  # collection_reverse: a returned cheque, taken back with its reason
            reason = self.taken_back.reversal_reason or "corrected"
            line.description = (
                f"{received}, reversed: {reason}" if self.received else f"Payment {reference} reversed: {reason}"
            )
            return
        redistributions = [e for e in self.entries if e.entry_type == EntryType.REVERSAL]
        if self.received or not redistributions:
            # the money received, applied to what is owed: once, though distributed again that day
            line.description = received
            return
        # Distributed again: its allocations reversed and written anew (in other buckets or months).
        reason = redistributions[-1].reversal_reason
        # The reference last, on its own: a long one then wraps whole within the column.
        line.description = (
            f"Payment of {display_date(collection.received_on)} ({display(collection.amount)}) applied again: "
            f"{reason}. Reference {reference}"
        )
        if line.amount == ZERO:
            line.kind = "move"


def _describe(entry: LedgerEntry, kinds: dict[str, str]) -> tuple[str, str]:
    """(line kind, description) for an entry that is not a collection's (``kinds``: obligation
    kind labels)."""
    if entry.entry_type == EntryType.CHARGE:
        due = entry.due_on or entry.posted_on
        return "charge", f"{kinds.get(entry.obligation_kind) or 'Support'} due {due:%b} {due.day}, {due.year}"
    if entry.entry_type == EntryType.REVERSAL:
        return "adjustment", f"Correction: {entry.description or 'reversal of an earlier entry'}"
    bucket = entry.get_bucket_display()
    return "adjustment", entry.description or f"Adjustment ({bucket})"


def _second_half_of_a_move(last: Line, entry: LedgerEntry, kind: str, description: str) -> bool:
    """Whether ``entry`` and the line before it are one move between buckets: two adjustments of
    the same day and description, of opposite amounts, in different buckets."""
    return (
        kind == last.kind == "adjustment"
        and entry.entry_type == EntryType.ADJUSTMENT
        and last.posted_on == entry.posted_on
        and last.description == description
        and last.amount == -entry.amount
        and last.bucket != entry.bucket
    )


def case_statement_for_range(*, case: Case, start: date, end: date, user=None) -> Statement:
    """The statement of ``case`` from ``start`` to ``end`` (both included)."""
    if start > end:
        raise ValueError("The start date is after the end date.")
    if (end - start).days > MAX_YEARS * 366:
        raise ValueError(f"A statement covers at most {MAX_YEARS} years.")
    fti = can_view_fti(user) if user is not None else False
    bucketed = LedgerEntry.objects.filter(case=case).exclude(bucket="")
    opening_buckets = dict.fromkeys(Bucket.values, ZERO)
    for row in bucketed.filter(posted_on__lt=start).values("bucket").annotate(total=Sum("amount")).order_by():
        opening_buckets[row["bucket"]] = row["total"] or ZERO
    # Only the columns a line is made of (ten years: about 500 entries, each with its collection).
    # ... and the payments' collection entries (no bucket): the day each was received and first
    # applied, and the reversals of those entries: the day each was taken back (collection_reverse).
    entries = (
        LedgerEntry.objects.filter(case=case, posted_on__gte=start, posted_on__lte=end)
        .filter(
            ~Q(bucket="")
            | Q(entry_type=EntryType.COLLECTION)
            | Q(entry_type=EntryType.REVERSAL, reverses__entry_type=EntryType.COLLECTION)
        )
        .select_related("collection")
        .only(*ENTRY_FIELDS, *(f"collection__{name}" for name in COLLECTION_FIELDS))
        .order_by("posted_on", "id")
    )
    kinds = {value: str(label) for value, label in ObligationKind.choices}

    closing_buckets = dict(opening_buckets)
    months: OrderedDict[date, Month] = OrderedDict()
    fti_shown: dict[int, object] = {}
    opening = sum(opening_buckets.values(), ZERO)
    applied: dict[tuple[int, date], _Applied] = {}
    received: set[tuple[int | None, date]] = set()
    taken_back: dict[tuple[int | None, date], LedgerEntry] = {}
    for entry in entries:
        if not entry.bucket:
            if entry.entry_type == EntryType.COLLECTION:
                received.add((entry.collection_id, entry.posted_on))
            else:
                taken_back[(entry.collection_id, entry.posted_on)] = entry
            continue
        closing_buckets[entry.bucket] = closing_buckets.get(entry.bucket, ZERO) + entry.amount
        key = entry.posted_on.replace(day=1)
        month = months.setdefault(key, Month(month=key))
        collection = entry.collection
        if collection is not None and entry.entry_type in (EntryType.ALLOCATION, EntryType.REVERSAL):
            group = applied.get((collection.pk, entry.posted_on))
            if group is None:
                line = Line(
                    posted_on=entry.posted_on, kind="payment", description="", amount=ZERO, collection=collection
                )
                group = applied[(collection.pk, entry.posted_on)] = _Applied(line=line, collection=collection)
                month.lines.append(line)
                if shown_source(collection.source, fti=False) is None:
                    fti_shown[collection.pk] = collection
            group.entries.append(entry)
            continue
        kind, description = _describe(entry, kinds)
        last = month.lines[-1] if month.lines else None
        if last is not None and _second_half_of_a_move(last, entry, kind, description):
            # Unpaid current support becoming arrears (the month-end roll), or any move between
            # buckets: two entries that net to nothing are one line, and the balance stays as it was
            # (a parent must not read that what they owe dropped and rose again the same day).
            last.kind, last.amount = "move", ZERO
            last.description = f"{description}: {display(abs(entry.amount))}"
            continue
        month.lines.append(
            Line(
                posted_on=entry.posted_on, kind=kind, description=description, amount=entry.amount, bucket=entry.bucket
            )
        )
    for (collection_id, day), group in applied.items():
        group.received = (collection_id, day) in received
        group.taken_back = taken_back.get((collection_id, day))
        group.settle(fti)
    # The running balance, line by line: a collection's line stands for all its entries of the day.
    running = opening
    for month in months.values():
        for line in month.lines:
            running += line.amount
            line.balance = running
    return Statement(
        case=case,
        start=start,
        end=end,
        opening=opening,
        opening_buckets=opening_buckets,
        closing_buckets=closing_buckets,
        months=list(months.values()),
        fti_collections=list(fti_shown.values()),
        interest=case_arrears_interest(case=case, as_of=min(end, timezone.localdate())),
    )

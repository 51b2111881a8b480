"""Bank reconciliation: import BAI2 statements and match them to the books.

- A statement is validated whole (control totals and record counts at every trailer); one that
  disagrees is refused and nothing is stored.
- Accounts the office has not configured are reported and skipped.
- Re-importing a statement changes nothing; an item already stored from an overlapping statement
  (same account, date, type, amount, references) is not stored twice. Imports of statements of the
  same account take turns (an advisory lock per account number), so one running beside another
  that repeats its lines counts them as already known instead of failing on the unique index.
- Bank credits are matched to the office's collection batches (collections grouped by
  ``batch_reference``, or by day when they have none) and bank debits to disbursement files:
  the exact reference first, then the same amount within a date window. A reference match with
  another amount is ``partial``. Unmatched and partial items open an exception for the
  coordinator, who resolves it with a reason (audited).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core.dates import display_date
from core.db import advisory_xact_lock
from core.models import DomainEvent
from core.services import acting_user, event_about, repeat_refuse, saved_with_event

from ..bai2file import Bai2Invalid, Statement, parse
from ..choices import BookKind, ExceptionKind, ExceptionStatus, MatchStatus, StatementStatus
from ..models import BankAccount, BankStatement, BankTransaction, DisbursementExport, ReconciliationException
from .received import received_file_build, received_file_size_check

MAX_FILE_BYTES = 25 * 1024 * 1024


def date_window_days() -> int:
    """Calendar days either side of a bank item's date in which a book item of the same amount
    may match it (an office setting, default 3)."""
    return settings.CASEWORKS_RECONCILIATION_WINDOW_DAYS


def deposit_reference(batch_reference: str, received_on: date) -> str:
    """The book reference of a collection batch: its batch reference, else the day's deposit."""
    return batch_reference or f"DEP-{received_on:%Y%m%d}"


@dataclass
class StatementReport:
    status: str
    statement: int | None = None
    transactions: int = 0
    stored: int = 0
    already_known: int = 0
    matched: int = 0
    partial: int = 0
    unmatched: int = 0
    skipped_accounts: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def bank_statement_check(content: bytes) -> Statement:
    if len(content) > MAX_FILE_BYTES:
        raise Bai2Invalid([(1, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    return parse(content)


def bank_statement_receive(*, name: str, content: bytes, via: str, by: User | None = None) -> BankStatement:
    """Store an uploaded statement (pending) for the import task."""
    received_file_size_check(content, max_bytes=MAX_FILE_BYTES)
    statement = received_file_build(BankStatement, name=name, default_name="statement", content=content, via=via, by=by)
    statement.full_clean(exclude=["content"])
    statement.save()
    return statement


def _fingerprints(parsed: Statement) -> list[tuple]:
    """(account number, group, transaction, fingerprint) of every detail record."""
    seen: Counter[tuple] = Counter()
    out = []
    for group in parsed.groups:
        for account in group.accounts:
            for t in account.transactions:
                key = (
                    account.number,
                    str(t.value_date or group.as_of_date),
                    t.type_code,
                    str(t.amount),
                    t.bank_reference,
                    t.customer_reference,
                )
                seen[key] += 1
                digest = hashlib.sha256("|".join(map(str, (*key, seen[key]))).encode()).hexdigest()
                out.append((account, group, t, digest))
    return out


def _book_items(kind: str, low: date, high: date) -> dict[str, tuple[Decimal, date]]:
    """Unmatched book items in [low, high]: reference → (amount, date)."""
    from cases.models import Collection

    items: dict[str, tuple[Decimal, date]] = {}
    if kind == BookKind.COLLECTION_BATCH:
        rows = (
            Collection.objects.filter(received_on__range=(low, high))
            .values("batch_reference", "received_on")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for row in rows:
            ref = deposit_reference(row["batch_reference"], row["received_on"])
            amount, day = items.get(ref, (Decimal("0.00"), row["received_on"]))
            items[ref] = (amount + row["total"], min(day, row["received_on"]))
    else:
        for ref, amount, day in DisbursementExport.objects.filter(export_date__range=(low, high)).values_list(
            "reference", "total_credit", "export_date"
        ):
            items[ref] = (amount, day)
    taken = (
        set(
            BankTransaction.objects.filter(
                book_kind=kind,
                book_reference__in=list(items),
                match_status__in=[MatchStatus.MATCHED, MatchStatus.PARTIAL],
            ).values_list("book_reference", flat=True)
        )
        if items
        else set()
    )
    return {ref: value for ref, value in items.items() if ref not in taken}


def _match(transactions: list[BankTransaction], kind: str) -> None:
    """Set the match fields of unsaved bank items: exact reference, then amount + date window."""
    if not transactions:
        return
    window = timedelta(days=date_window_days())
    low = min(t.as_of_date for t in transactions) - window
    high = max(t.as_of_date for t in transactions) + window
    book = _book_items(kind, low, high)
    rest = []
    for t in transactions:
        ref = next((r for r in (t.customer_reference, t.bank_reference) if r and r in book), None)
        if ref is None:
            rest.append(t)
            continue
        amount, _ = book.pop(ref)
        t.book_kind, t.book_reference, t.book_amount, t.match_rule = kind, ref, amount, "reference"
        t.match_status = MatchStatus.MATCHED if amount == t.amount else MatchStatus.PARTIAL
    by_amount: dict[Decimal, list[tuple[date, str]]] = defaultdict(list)
    for ref, (amount, day) in book.items():
        by_amount[amount].append((day, ref))
    for t in rest:
        candidates = [
            (abs((day - t.as_of_date).days), day, ref)
            for day, ref in by_amount.get(t.amount, [])
            if abs(day - t.as_of_date) <= window
        ]
        if not candidates:
            continue
        _, day, ref = min(candidates)
        by_amount[t.amount].remove((day, ref))
        t.book_kind, t.book_reference, t.book_amount, t.match_rule = kind, ref, t.amount, "amount_date"
        t.match_status = MatchStatus.MATCHED


def _store(statement: BankStatement, parsed: Statement, report: StatementReport) -> None:
    accounts = {a.account_number: a for a in BankAccount.objects.filter(active=True)}
    rows = _fingerprints(parsed)
    report.transactions = len(rows)
    skipped: dict[str, dict] = {}
    for account, _, _, _ in rows:
        if account.number not in accounts:
            entry = skipped.setdefault(
                account.number, {"account": account.number, "line": account.line, "transactions": 0}
            )
            entry["transactions"] += 1
    for group in parsed.groups:  # accounts with no detail are reported too
        for account in group.accounts:
            if account.number not in accounts:
                skipped.setdefault(account.number, {"account": account.number, "line": account.line, "transactions": 0})
    report.skipped_accounts = list(skipped.values())
    candidates = [row for row in rows if row[0].number in accounts]
    known: set[str] = set()
    prints = [row[3] for row in candidates]
    for start in range(0, len(prints), 2000):
        known.update(
            BankTransaction.objects.filter(fingerprint__in=prints[start : start + 2000]).values_list(
                "fingerprint", flat=True
            )
        )
    objects = []
    for account, group, t, digest in candidates:
        if digest in known:
            report.already_known += 1
            continue
        known.add(digest)
        direction = t.direction
        objects.append(
            BankTransaction(
                statement=statement,
                account=accounts[account.number],
                fingerprint=digest,
                line=t.line,
                as_of_date=t.value_date or group.as_of_date,
                type_code=t.type_code,
                direction=direction,
                amount=t.amount,
                bank_reference=t.bank_reference[:64],
                customer_reference=t.customer_reference[:64],
                text=t.text[:500],
                match_status=MatchStatus.UNMATCHED if direction in {"credit", "debit"} else MatchStatus.IGNORED,
            )
        )
    _match([o for o in objects if o.direction == "credit"], BookKind.COLLECTION_BATCH)
    _match([o for o in objects if o.direction == "debit"], BookKind.DISBURSEMENT_FILE)
    BankTransaction.objects.bulk_create(objects, batch_size=1000)
    if objects and objects[0].pk is None:  # a backend without RETURNING: read the ids back
        ids = dict(BankTransaction.objects.filter(statement=statement).values_list("fingerprint", "pk"))
        for o in objects:
            o.pk = ids[o.fingerprint]
    today = timezone.localdate()
    exceptions = [
        ReconciliationException(
            transaction=o,
            kind=ExceptionKind.AMOUNT_DIFFERS
            if o.match_status == MatchStatus.PARTIAL
            else ExceptionKind.BANK_UNMATCHED,
            amount=o.amount,
            difference=(o.amount - o.book_amount) if o.book_amount is not None else o.amount,
            opened_on=today,
        )
        for o in objects
        if o.match_status in {MatchStatus.UNMATCHED, MatchStatus.PARTIAL}
    ]
    ReconciliationException.objects.bulk_create(exceptions, batch_size=1000)
    report.stored = len(objects)
    statuses = Counter(o.match_status for o in objects)
    report.matched, report.partial, report.unmatched = (
        statuses[MatchStatus.MATCHED],
        statuses[MatchStatus.PARTIAL],
        statuses[MatchStatus.UNMATCHED],
    )
    statement.as_of_date = min((g.as_of_date for g in parsed.groups if g.as_of_date), default=None)
    statement.sender, statement.file_id = parsed.sender[:60], parsed.file_id[:60]
    statement.transactions_count = len(objects)
    statement.matched, statement.partial, statement.unmatched = report.matched, report.partial, report.unmatched
    statement.credits_total = sum((o.amount for o in objects if o.direction == "credit"), Decimal("0.00"))
    statement.debits_total = sum((o.amount for o in objects if o.direction == "debit"), Decimal("0.00"))


def _done(statement: BankStatement, report: StatementReport) -> BankStatement:
    statement.status = report.status
    statement.finished_at = timezone.now()
    statement.report = report.as_dict()
    statement.save()
    return statement


def bank_statement_import(*, statement_id: int, by: User | None = None) -> BankStatement:
    """Validate, store and match a received statement (idempotent: a finished one is returned)."""
    with transaction.atomic():
        statement = BankStatement.objects.select_for_update().get(pk=statement_id)
        if statement.status != StatementStatus.PENDING:
            return statement
        report = StatementReport(status=StatementStatus.IMPORTED, statement=statement.pk)
        try:
            parsed = bank_statement_check(bytes(statement.content))
        except Bai2Invalid as exc:
            report.status = StatementStatus.REFUSED
            report.errors = [{"line": line, "reason": reason} for line, reason in exc.errors]
            return _done(statement, report)
        # Statements of the same account take turns until commit (an intraday and a closing file
        # repeat lines; two specialists upload the same file): what the next one reads as known,
        # or as a duplicate, includes what the one before stored. Sorted, so two never deadlock.
        for number in sorted({account.number for group in parsed.groups for account in group.accounts}):
            advisory_xact_lock(f"bank-statement:account:{number}")
        if BankStatement.objects.filter(sha256=statement.sha256, status=StatementStatus.IMPORTED).exists():
            report.status = StatementStatus.DUPLICATE
            return _done(statement, report)
        _store(statement, parsed, report)
        _done(statement, report)
        event_about(
            statement,
            verb="bank.statement_imported",
            by=by or statement.uploaded_by,
            summary=f"{statement.name}: {report.stored} items, {report.matched} matched, "
            f"{report.partial} partial, {report.unmatched} unmatched, "
            f"{len(report.skipped_accounts)} unconfigured account(s) skipped",
            data={k: v for k, v in report.as_dict().items() if k != "errors"},
        )
    return statement


def bank_statement_import_now(
    *, name: str, content: bytes, via: str, by: User | None = None
) -> tuple[BankStatement | None, StatementReport]:
    """The command's import: refuse a bad file with nothing stored; a known file changes nothing."""
    try:
        bank_statement_check(content)
    except Bai2Invalid as exc:
        return None, StatementReport(
            status=StatementStatus.REFUSED, errors=[{"line": line, "reason": reason} for line, reason in exc.errors]
        )
    sha = hashlib.sha256(content).hexdigest()
    existing = BankStatement.objects.filter(sha256=sha, status=StatementStatus.IMPORTED).first()
    if existing is not None:
        return existing, StatementReport(status=StatementStatus.DUPLICATE, statement=existing.pk)
    with transaction.atomic():
        statement = bank_statement_receive(name=name, content=content, via=via, by=by)
        statement = bank_statement_import(statement_id=statement.pk, by=by)
    return statement, StatementReport(
        **{k: v for k, v in statement.report.items() if k in StatementReport.__dataclass_fields__}
    )


@transaction.atomic
def reconciliation_exception_note(
    *, exception: ReconciliationException, note: str, by: User
) -> ReconciliationException:
    """A specialist's working note on an open exception. The same note added again by the same
    person a moment later (a double-clicked form) is refused: the notes say it once."""
    note = (note or "").replace("\x00", "").strip()
    if not note or len(note) > 1000:
        raise ValidationError({"note": "Write a note of at most 1,000 characters."})
    locked = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
    if locked.status != ExceptionStatus.OPEN:
        raise ValidationError({"note": "This exception is already resolved."})
    repeat_refuse(
        parent=locked,
        locked=True,
        same=DomainEvent.objects.filter(
            verb="reconciliation.exception_noted",
            subject_type=ContentType.objects.get_for_model(ReconciliationException),
            subject_id=locked.pk,
            actor=acting_user(by),
            data__note=note,  # what the event records, not its summary's first words
        ),
        at="occurred_at",
        message={"note": "This note was just added: nothing was added again."},
    )
    stamp = f"{display_date(timezone.localdate())} {getattr(by, 'username', by)}: {note}"
    locked.notes = f"{locked.notes}\n{stamp}".strip()
    return saved_with_event(
        locked,
        by=by,
        verb="reconciliation.exception_noted",
        summary=note[:200],
        data={"note": note},
        update_fields=["notes"],
    )


@transaction.atomic
def reconciliation_exception_resolve(
    *, exception: ReconciliationException, reason: str, by: User
) -> ReconciliationException:
    """The coordinator closes an exception with a reason (history and a domain event keep it)."""
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < 5 or len(reason) > 1000:
        raise ValidationError({"reason": "Give the reason in 5 to 1,000 characters."})
    locked = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
    if locked.status != ExceptionStatus.OPEN:
        raise ValidationError({"reason": "This exception is already resolved."})
    locked.status = ExceptionStatus.RESOLVED
    locked.resolution = reason
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    return saved_with_event(
        locked,
        by=by,
        verb="reconciliation.exception_resolved",
        summary=f"{locked.get_kind_display()} {locked.amount}: {reason[:200]}",
    )

# ruff: noqa: S608  (SQL text is built only from table names and constants; values are parameters)
"""``ledger_backfill``: months of charges and payments for synthetic cases, set-based.

Called by ``manage.py generate_office`` (and the ledger bench) for a block of new cases
(``case_range`` = first and last case id). Month by month it runs the real accrual
(``charges_accrue``), then draws each case's payments for that month from a per-case payer
profile, distributes them with the real rules (``cases.allocation.distribute``) and writes the
collections, allocations, ledger entries and disbursements with bulk inserts; balances move by the
same set-based deltas as the daily jobs. The result is consistent: ``verify_ledger`` finds no
difference. Deterministic for a given ``seed``.

Payer profiles (weights): steady 45% (pays the month's support, sometimes a little extra),
partial 25% (40–90% of it), sporadic 15% (a third of the months, one to two months' worth),
non-paying 15%. In March a case with arrears ≥ $500 may receive a federal tax refund offset.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.db import bulk_load, rows_insert, tables_analyze
from core.money import ZERO, money

from .. import allocation as rules
from ..choices import (
    CaseStatus,
    CollectionSource,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    LedgerRunKind,
    ParticipantRole,
    Payee,
    ReceivedVia,
)
from ..ledger_dates import month_start, next_month
from ..models import Allocation, Case, CaseBalance, Collection, Disbursement, LedgerEntry, LedgerRun, Obligation
from .ledger import (
    ALLOCATION_COLUMNS,
    COLLECTION_COLUMNS,
    DISBURSED_COLUMNS,
    collection_content_hash,
    disbursement_due_by,
)
from .ledger_accrual import _rows, _t, balances_refresh_derived, charges_accrue

PROFILES = (("steady", 45), ("partial", 25), ("sporadic", 15), ("none", 15))


@dataclass
class _State:
    case_number: str
    assistance: str
    jurisdiction: str
    children: int
    profile: str
    rng: random.Random
    monthly: Decimal = ZERO
    current_unpaid: Decimal = ZERO
    unassigned: Decimal = ZERO
    assigned: Decimal = ZERO
    passed_through: Decimal = ZERO
    delinquent_since: date | None = None


def _payments(state: _State, month: date, last_day: date) -> list[tuple[date, Decimal, str]]:
    rng = state.rng
    monthly = state.monthly
    out: list[tuple[date, Decimal, str]] = []
    days = (last_day - month).days
    if monthly > 0:
        amount = ZERO
        if state.profile == "steady" and rng.random() < 0.93:
            amount = monthly * Decimal(rng.choice([1, 1, 1, 1, "1.1", "1.25"]))
        elif state.profile == "partial" and rng.random() < 0.85:
            amount = monthly * Decimal(rng.randint(40, 90)) / 100
        elif state.profile == "sporadic" and rng.random() < 0.33:
            amount = monthly * Decimal(rng.choice(["1", "1.5", "2"]))
        if amount > 0:
            source = CollectionSource.INCOME_WITHHOLDING if rng.random() < 0.7 else CollectionSource.DIRECT_PAYMENT
            out.append((month + timedelta(days=rng.randint(0, days)), money(amount), source))
    arrears = state.unassigned + state.assigned
    if month.month == 3 and arrears >= 500 and rng.random() < 0.4:
        amount = money(min(arrears, Decimal(rng.randint(200, 2500))))
        out.append((month + timedelta(days=rng.randint(0, days)), amount, CollectionSource.FEDERAL_TAX_OFFSET))
    return sorted(out)


def _load_states(case_range: tuple[int, int], seed: int) -> dict[int, _State]:
    cases = (
        Case.objects.filter(id__range=case_range, status=CaseStatus.OPEN)
        .annotate(kids=Count("participants", filter=Q(participants__role=ParticipantRole.CHILD)))
        .values_list("id", "case_number", "assistance_status", "jurisdiction", "kids")
        .order_by("id")
    )
    names, weights = zip(*PROFILES, strict=True)
    states = {}
    for case_id, number, assistance, jurisdiction, kids in cases:
        rng = random.Random(seed * 1_000_003 + case_id)
        states[case_id] = _State(number, assistance, jurisdiction, kids, rng.choices(names, weights)[0], rng)
    return states


def _refresh_states(states: dict[int, _State], case_range: tuple[int, int], month: date) -> None:
    """Read the balances after the month's accrual. Also tracks ``delinquent_since`` as the daily
    refresh would have set it at this month's roll (``balances_refresh_derived``: total arrears ≥
    the monthly obligation, since the first such month, cleared when it no longer holds): every
    backfilled charge falls due in its own month, so the arrears read here are those of the roll."""
    for case_id, monthly, due, paid, unassigned, assigned in (
        CaseBalance.objects.filter(case__gte=case_range[0], case__lte=case_range[1])
        .values_list(
            "case_id",
            "monthly_obligation",
            "current_due_month",
            "current_paid_month",
            "unassigned_arrears",
            "assigned_arrears",
        )
        .iterator(chunk_size=10000)
    ):
        state = states.get(case_id)
        if state:
            state.monthly, state.current_unpaid = money(monthly), money(due - paid)
            state.unassigned, state.assigned = money(unassigned), money(assigned)
            state.passed_through = ZERO
            if state.monthly > 0 and state.unassigned + state.assigned >= state.monthly:
                state.delinquent_since = state.delinquent_since or month
            else:
                state.delinquent_since = None


def _apply_payments(rows: list[tuple[int, Decimal, Decimal, Decimal, date, Decimal]]) -> None:
    """One update per chunk: (case, current paid +, unassigned −, assigned −, last payment day, amount)."""
    b = _t(CaseBalance)
    columns = (
        ("case_id", "bigint"),
        ("paid", "numeric"),
        ("ua", "numeric"),
        ("aa", "numeric"),
        ("on_day", "date"),
        ("amount", "numeric"),
    )
    with connection.cursor() as cursor:
        for with_clause, params in _rows(rows, columns):
            cursor.execute(
                f"{with_clause} UPDATE {b} SET current_paid_month = {b}.current_paid_month + v.paid,"
                f" unassigned_arrears = {b}.unassigned_arrears + v.ua,"
                f" assigned_arrears = {b}.assigned_arrears + v.aa,"
                f" last_payment_on = v.on_day, last_payment_amount = v.amount, last_collected_on = v.on_day"
                f" FROM v WHERE {b}.case_id = v.case_id",
                params,
            )


def _set_delinquent_since(states: dict[int, _State]) -> None:
    b = _t(CaseBalance)
    rows = [(case_id, state.delinquent_since) for case_id, state in states.items() if state.delinquent_since]
    with connection.cursor() as cursor:
        for with_clause, params in _rows(rows, (("case_id", "bigint"), ("since", "date"))):
            cursor.execute(
                f"{with_clause} UPDATE {b} SET delinquent_since = v.since FROM v WHERE {b}.case_id = v.case_id", params
            )


# A backfill's ledger entries: the ledger's ENTRY_COLUMNS but the obligation's kind (left blank).
ENTRY_FIELDS = ("case_id", "entry_type", "bucket", "amount", "posted_on", "collection_id", "description")


def family_disbursement_row(
    rng: random.Random,
    *,
    case_id: int,
    collection_id: int,
    amount: Decimal,
    received_on: date,
    due_by: date,
    today: date,
) -> tuple:
    """The family's disbursement of a synthetic collection (a backfill's, a generated office's), as
    ``DISBURSED_COLUMNS``: sent on ``due_by``, or 3% of the time one to four days late; pending
    when that is not before ``today``. Draws from ``rng`` as it always has (the late draw, then the
    days when late): the same seed gives the same ledger."""
    late = rng.random() < 0.03
    sent_on = due_by + timedelta(days=rng.randint(1, 4)) if late else due_by
    pending = sent_on >= today
    return (
        case_id,
        collection_id,
        Payee.FAMILY,
        amount,
        received_on,
        due_by,
        None if pending else sent_on,
        DisbursementStatus.PENDING if pending else DisbursementStatus.SENT,
        late and not pending,
    )


def _post_month(states: dict[int, _State], month: date, last_day: date, seed: int, on_time: date) -> int:
    """Draw, distribute and write the month's payments: rows go in as tuples (``rows_insert``),
    and each paying case's balance moves in one update (amounts and last payment)."""
    collections: list[tuple] = []
    pass_through = rules.pass_through_table()
    former_assigned = rules.former_assigned_table()
    lines: list[tuple[int, rules.Distribution]] = []
    moves: dict[int, list] = {}
    due_days: dict[tuple[date, str, bool], date] = {}
    for case_id, state in states.items():
        for n, (received_on, amount, source) in enumerate(_payments(state, month, last_day)):
            pass_left = ZERO
            if state.assistance == rules.CURRENT_ASSISTANCE:
                limit = rules.pass_through_limit(
                    jurisdiction=state.jurisdiction, children=state.children, on=month, table=pass_through
                )
                pass_left = max(limit - state.passed_through, ZERO)
            result = rules.distribute(
                assistance_status=state.assistance,
                source=source,
                amount=amount,
                current_due=[rules.Slice(rules.CURRENT, max(state.current_unpaid, ZERO))],
                arrears=rules.arrears_slices(unassigned=state.unassigned, assigned=state.assigned),
                pass_through_available=pass_left,
                former_assigned_to_family=rules.former_assigned_passed_through(
                    jurisdiction=state.jurisdiction, on=received_on, table=former_assigned
                ),
            )
            paid_current = result.paid(bucket=rules.CURRENT)
            paid_unassigned = result.paid(bucket=rules.ARREARS_UNASSIGNED)
            paid_assigned = result.paid(bucket=rules.ARREARS_ASSIGNED)
            state.current_unpaid -= paid_current
            state.unassigned -= paid_unassigned
            state.assigned -= paid_assigned
            state.passed_through += result.paid(bucket=rules.CURRENT, payee=rules.FAMILY)
            move = moves.setdefault(case_id, [case_id, ZERO, ZERO, ZERO, None, None])
            move[1] += paid_current
            move[2] -= paid_unassigned
            move[3] -= paid_assigned
            move[4], move[5] = received_on, amount
            reference = f"GEN-{seed}-{case_id}-{month:%Y%m}-{n}"
            collections.append(
                (
                    reference,
                    case_id,
                    state.case_number,
                    amount,
                    received_on,
                    received_on,
                    source,
                    CollectionStatus.POSTED,
                    result.held_reason,
                    result.overpayment_policy,
                    ReceivedVia.GENERATOR,
                    collection_content_hash(
                        case_number=state.case_number, amount=amount, received_on=received_on, source=source
                    ),
                    Collection.reference_key_of(reference),
                )
            )
            lines.append((case_id, result))
    ids = {
        ref: pk
        for pk, ref in rows_insert(Collection, COLLECTION_COLUMNS, collections, returning=("id", "source_reference"))
    }
    allocations, entries, disbursements = [], [], []
    for collection, (case_id, result) in zip(collections, lines, strict=True):
        collection_id, amount, received_on = ids[collection[0]], collection[3], collection[4]
        entries.append(
            (
                case_id,
                EntryType.COLLECTION,
                "",
                amount,
                received_on,
                collection_id,
                f"Collection received {received_on}",
            )
        )
        for line in result.lines:
            allocations.append(
                (collection_id, case_id, line.bucket, line.payee, line.amount, received_on, line.obligation_kind)
            )
            entries.append(
                (
                    case_id,
                    EntryType.ALLOCATION,
                    line.bucket,
                    -line.amount,
                    received_on,
                    collection_id,
                    f"Allocated to {line.bucket or 'excess'} ({line.payee})",
                )
            )
        family = result.paid(payee=rules.FAMILY)
        if family > 0:
            state = states[case_id]
            key = (received_on, state.jurisdiction, collection[6] == rules.FEDERAL_TAX_OFFSET)
            due_by = due_days.get(key)
            if due_by is None:  # one read of the legal parameters per receipt day, not per collection
                due_by = due_days[key] = disbursement_due_by(received_on, state.jurisdiction, source=collection[6])
            disbursements.append(
                family_disbursement_row(
                    state.rng,
                    case_id=case_id,
                    collection_id=collection_id,
                    amount=family,
                    received_on=received_on,
                    due_by=due_by,
                    today=on_time,
                )
            )
    rows_insert(Allocation, ALLOCATION_COLUMNS, allocations)
    rows_insert(LedgerEntry, ENTRY_FIELDS, entries)
    rows_insert(Disbursement, DISBURSED_COLUMNS, disbursements)
    _apply_payments([tuple(move) for move in moves.values()])
    return len(collections)


def ledger_backfill(
    *, case_range: tuple[int, int], months: int = 24, through: date | None = None, seed: int = 0
) -> LedgerRun:
    """Charges and payments for the cases with ids in ``case_range`` over the ``months`` months up
    to ``through`` (default today), consistent with their balances. Generated collections carry
    content hashes, so a replay of a generated reference behaves like any other."""
    through = through or timezone.localdate()
    run = LedgerRun.objects.create(kind=LedgerRunKind.BACKFILL, run_on=through)
    first = month_start(through)
    for _ in range(months - 1):
        first = month_start(first - timedelta(days=1))
    states = _load_states(case_range, seed)
    charges = collections = 0
    month = first
    with transaction.atomic(), bulk_load():
        while month <= through:
            last_day = min(next_month(month) - timedelta(days=1), through)
            # Derived columns (total, months in arrears, delinquent since) are refreshed once at the
            # end; delinquent_since month by month in Python (_refresh_states).
            charges += charges_accrue(through=last_day, case_range=case_range, refresh_derived=False).charges
            if month == first or month.month % 6 == 0:  # the balance rows are new; the ledger grows
                tables_analyze(CaseBalance, LedgerEntry, Obligation, Collection)
            _refresh_states(states, case_range, month)
            collections += _post_month(states, month, last_day, seed, on_time=through)
            month = next_month(month)
        _set_delinquent_since(states)
        balances_refresh_derived(on=through, case_range=case_range)
        run.counts = {"cases": len(states), "months": months, "charges": charges, "collections": collections}
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return run

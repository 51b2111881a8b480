# ruff: noqa: S608  (SQL text is built only from table names and choice constants; values are parameters)
"""Set-based ledger work: accrual of charges, the month roll-over of balances, and balance refresh.

Everything here runs a handful of statements per chunk of rows, never a query per case:
due dates are computed in Python from one ``values_list`` read, charges go in with multi-row
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL and SQLite ≥ 3.35), and balances move
by ``UPDATE ... FROM`` a ``VALUES`` list of per-case deltas. See docs/ledger.md.

Idempotence: a charge is unique per (obligation, due date) (``ledger_one_charge_per_due_date``)
and ``Obligation.accrued_through`` records the last due date charged, so running the accrual
twice, or late after days without a run, creates exactly the charges owed. Balances move only
by the rows actually inserted (``RETURNING``), and on PostgreSQL runs are serialised by an
advisory lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from core.db import foreign_keys_check_now, jit_off_in_transaction, pg_arrays
from core.money import ZERO, money
from core.services import event_about

from ..choices import AssistanceStatus, Bucket, CaseStatus, EntryType, LedgerRunKind, ObligationKind, OrderStatus
from ..ledger_dates import due_dates, month_start, next_month
from ..models import AssistanceSpell, Case, CaseBalance, LedgerEntry, LedgerRun, Obligation, SupportOrder
from .assistance import spell_status_in_month
from .ledger import ROLL_DESCRIPTION

# Obligation kinds that are "current support" (monthly_obligation, the current bucket). An
# arrears repayment schedule is a payment plan on existing arrears, not new debt: its due dates
# are recorded as memo charges (no bucket) and change no balance.
CURRENT_KINDS = (ObligationKind.CURRENT_SUPPORT, ObligationKind.MEDICAL_SUPPORT, ObligationKind.SPOUSAL_SUPPORT)
CHUNK = 2000
PG_CHUNK = 50000
ACCRUAL_LOCK = 0x43574C47  # "CWLG": pg_advisory_xact_lock key of ledger runs
ACCRUAL_CHUNK = 10000  # case ids per chunk of a fanned-out accrual (and per lock block): small
# enough that the workers finish together (the last chunk runs alone), large enough that a chunk's
# handful of statements outweigh their setup

CaseRange = tuple[int, int] | None  # inclusive case id range, or every case


@dataclass
class AccrualResult:
    through: date
    charges: int = 0
    obligations: int = 0
    cases: int = 0
    rolled: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "through": self.through.isoformat(),
            "charges": self.charges,
            "obligations": self.obligations,
            "cases": self.cases,
            "rolled": self.rolled,
            "amounts": {k: str(v) for k, v in self.amounts.items()},
        }


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _lock(case_range: CaseRange = None) -> None:
    """Serialise accruals that could touch the same cases (PostgreSQL; SQLite has one writer).

    A whole-office run holds the accrual lock alone. A run over a range of case ids shares it and
    holds the lock of every block of ``ACCRUAL_CHUNK`` ids the range overlaps, taken in order, so
    runs over different blocks (the chunks of a fanned-out run) go in parallel and runs that
    overlap wait for each other."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if case_range is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCRUAL_LOCK])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [ACCRUAL_LOCK])
        for block in range(case_range[0] // ACCRUAL_CHUNK, case_range[1] // ACCRUAL_CHUNK + 1):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ACCRUAL_LOCK, block])


def _range_sql(column: str, case_range: CaseRange) -> tuple[str, list]:
    if case_range is None:
        return "", []
    return f" AND {column} BETWEEN %s AND %s", [case_range[0], case_range[1]]


def _least(a: str, b: str) -> str:
    return f"{'LEAST' if connection.vendor == 'postgresql' else 'MIN'}({a}, {b})"


def balances_ensure(*, case_range: CaseRange = None, on: date) -> int:
    """Create the missing balance rows (one per case) in one statement."""
    where, params = _range_sql("c.id", case_range)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(CaseBalance)} (case_id, monthly_obligation, current_due_month, current_paid_month,"
            " unassigned_arrears, assigned_arrears, total_arrears, months_in_arrears, current_month, updated_at)"
            f" SELECT c.id, 0, 0, 0, 0, 0, 0, 0, %s, %s FROM {_t(Case)} c"
            f" WHERE NOT EXISTS (SELECT 1 FROM {_t(CaseBalance)} b WHERE b.case_id = c.id){where}",
            [month_start(on), timezone.now(), *params],
        )
        return cursor.rowcount


def balances_refresh_derived(*, on: date, case_range: CaseRange = None) -> None:
    """total, months in arrears and delinquent_since (45 CFR 303.6(b)) from the bucket figures
    (the ledger backfill once at its end, a new case, the demo; the accrual and posting set them in
    the statements that move the buckets)."""
    b = _t(CaseBalance)
    where, params = _range_sql(f"{b}.case_id", case_range)
    total = f"({b}.unassigned_arrears + {b}.assigned_arrears)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {b} SET {_derived_sets(b, total, f'{b}.monthly_obligation')}, updated_at = %s WHERE 1 = 1{where}",
            [on, timezone.now(), *params],
        )


def _months_sql(total: str, monthly: str) -> str:
    """``ledger.months_in_arrears`` in SQL: total / monthly cut (not rounded) to two places, capped.
    In whole cents and hundredths of a month, by integer division (which truncates towards zero on
    both databases, as ROUND_DOWN does): exact on PostgreSQL's numeric and on SQLite, whose
    division of two whole amounts would otherwise be an integer division (3995 / 1000 = 3)."""
    hundredths = f"CAST(ROUND({total} * 100) AS BIGINT) * 100 / CAST(ROUND({monthly} * 100) AS BIGINT)"
    return f"{_least(hundredths, '99999999')} / 100.0"


def _derived_sets(table: str, total: str, monthly: str, since: str = "") -> str:
    """SET clauses of the derived columns from the new total arrears and monthly obligation (SQL
    expressions over the row's old values): total, months in arrears and delinquent_since
    (45 CFR 303.6(b)), in the statement that moves the figures (one write of each row). One
    parameter: the date a newly delinquent case becomes delinquent; ``since``, an SQL expression
    that dates it earlier when not null (``ARREARS_BUCKETS``: support due in 2024 and charged in one
    catch-up run today has been in arrears since 2024, not since today)."""
    became = f"COALESCE({since}, %s)" if since else "%s"
    return (
        f"total_arrears = {total},"
        f" months_in_arrears = CASE WHEN {monthly} > 0 THEN {_months_sql(total, monthly)} ELSE 0 END,"
        f" delinquent_since = CASE WHEN {monthly} > 0 AND {total} >= {monthly}"
        f"   THEN COALESCE({table}.delinquent_since, {became}) ELSE NULL END"
    )


def balances_refresh_obligation(*, on: date, case_range: CaseRange = None) -> None:
    """monthly_obligation = the current obligations in force on ``on`` expressed monthly, with the
    figures that depend on it (only rows that change). In force: the lines the accrual charges on
    ``on`` — an active order's, or a superseded one's until its end date (a change takes effect
    from the order's next due date, so the old version still runs until then)."""
    from ..models import SupportOrder

    factor = (
        "CASE o.frequency WHEN 'weekly' THEN 52.0 / 12 WHEN 'biweekly' THEN 26.0 / 12"
        " WHEN 'semimonthly' THEN 2 ELSE 1 END"
    )
    kinds = ", ".join(f"'{k}'" for k in CURRENT_KINDS)
    b = _t(CaseBalance)
    where, params = _range_sql("b2.case_id", case_range)
    # The orders' sums are limited to the same range: for a block of new cases (generate_office),
    # summing every order of the office each month cost seconds per call at 100k cases.
    order_where, order_params = _range_sql("so.case_id", case_range)
    # ... and so is the updated table itself (else the join reads every balance of the office).
    target_where, target_params = _range_sql(f"{b}.case_id", case_range)
    # One join and a GROUP BY (no correlated subquery per balance row).
    derived = _derived_sets(b, f"{b}.total_arrears", "x.total")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {b} SET monthly_obligation = x.total, {derived} FROM ("
            f" SELECT b2.case_id, COALESCE(m.total, 0) AS total FROM {b} b2 LEFT JOIN ("
            f"  SELECT so.case_id, SUM(ROUND(o.amount * {factor}, 2)) AS total FROM {_t(Obligation)} o"
            f"  JOIN {_t(SupportOrder)} so ON so.id = o.order_id"
            f"  WHERE (so.status = '{OrderStatus.ACTIVE}' OR o.end_on IS NOT NULL) AND o.kind IN ({kinds})"
            f"  AND o.start_on <= %s AND (o.end_on IS NULL OR o.end_on >= %s){order_where} GROUP BY so.case_id"
            f" ) m ON m.case_id = b2.case_id WHERE 1 = 1{where}"
            f") x WHERE {b}.case_id = x.case_id AND {b}.monthly_obligation <> x.total{target_where}",
            [on, on, on, *order_params, *params, *target_params],
        )


def _assisted_sql(balance_ref: str) -> str:
    """SQL truth value: the month the balance row is in (``current_month``, the month being
    closed out) was a month of assistance — a *current* spell overlaps it (42 USC 608(a)(3)),
    whatever day the month is closed. A case without spells (rows loaded in bulk) falls back on
    its present status."""
    spell = _t(AssistanceSpell)
    month = f"{balance_ref}.current_month"
    if connection.vendor == "postgresql":
        following = f"({month} + interval '1 month')::date"
    else:
        following = f"date({month}, '+1 month')"
    return (
        f"(CASE WHEN {month} IS NULL OR NOT EXISTS (SELECT 1 FROM {spell} s0 WHERE s0.case_id = {balance_ref}.case_id)"
        f" THEN c.assistance_status = '{AssistanceStatus.CURRENT}'"
        f" ELSE EXISTS (SELECT 1 FROM {spell} s WHERE s.case_id = {balance_ref}.case_id"
        f" AND s.status = '{AssistanceStatus.CURRENT}' AND s.start_on < {following}"
        f" AND (s.end_on IS NULL OR s.end_on >= {month})) END)"
    )


def balances_roll(*, to_month: date, case_range: CaseRange = None, refresh_derived: bool = True) -> int:
    """Month end: current support left unpaid becomes arrears — assigned to the state when the
    family receives assistance (42 USC 608(a)(3)), else owed to the family. Two adjustment
    entries per case with an unpaid balance; every behind balance moves to ``to_month``.
    ``refresh_derived=False`` leaves the derived columns to the caller (the ledger backfill);
    otherwise they move in the same statement."""
    to_month = month_start(to_month)
    b, c, e = _t(CaseBalance), _t(Case), _t(LedgerEntry)
    where, params = _range_sql("b.case_id", case_range)
    behind = f"(b.current_month IS NULL OR b.current_month < %s){where}"
    unpaid = "(b.current_due_month - b.current_paid_month)"
    arrears_bucket = (
        f"CASE WHEN {_assisted_sql('b')} THEN '{Bucket.ARREARS_ASSIGNED}' ELSE '{Bucket.ARREARS_UNASSIGNED}' END"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        for bucket_sql, sign in ((f"'{Bucket.CURRENT}'", "-"), (arrears_bucket, "")):
            cursor.execute(
                f"INSERT INTO {e} (case_id, entry_type, obligation_kind, bucket, amount, posted_on, description,"
                f" created_at) SELECT b.case_id, '{EntryType.ADJUSTMENT}', '', {bucket_sql}, {sign}{unpaid}, %s, %s, %s"
                f" FROM {b} b JOIN {c} c ON c.id = b.case_id WHERE {behind} AND {unpaid} > 0",
                [to_month, ROLL_DESCRIPTION, now, to_month, *params],
            )
        # The case's assistance status by a join (not a subquery per row); with the derived
        # figures from the new buckets in the same statement.
        gap = f"({b}.current_due_month - {b}.current_paid_month)"
        assisted = _assisted_sql(b)
        to_assigned = f"CASE WHEN {gap} > 0 AND {assisted} THEN {gap} ELSE 0 END"
        to_unassigned = f"CASE WHEN {gap} > 0 AND NOT {assisted} THEN {gap} ELSE 0 END"
        sets = (
            f"assigned_arrears = {b}.assigned_arrears + {to_assigned},"
            f" unassigned_arrears = {b}.unassigned_arrears + {to_unassigned},"
            f" current_due_month = 0, current_paid_month = 0, current_month = %s"
        )
        sets_params: list = [to_month]
        if refresh_derived:
            total = f"({b}.unassigned_arrears + {b}.assigned_arrears + CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END)"
            sets += f", {_derived_sets(b, total, f'{b}.monthly_obligation')}, updated_at = %s"
            sets_params += [to_month, now]
        where_plain, params_plain = _range_sql(f"{b}.case_id", case_range)
        cursor.execute(
            f"UPDATE {b} SET {sets} FROM {c} c WHERE c.id = {b}.case_id"
            f" AND ({b}.current_month IS NULL OR {b}.current_month < %s){where_plain}",
            [*sets_params, to_month, *params_plain],
        )
        rolled = cursor.rowcount
    return rolled


def _rows(rows: list[tuple], columns: tuple[tuple[str, str], ...]) -> list[tuple[str, list]]:
    """``(WITH-clause, params)`` per chunk that makes ``rows`` a relation ``v(columns)``: a
    ``VALUES`` list on SQLite, ``unnest`` of one array per column on PostgreSQL (one statement
    for tens of thousands of rows instead of one per two thousand)."""
    names = ", ".join(name for name, _ in columns)
    out = []
    if connection.vendor == "postgresql":
        for start in range(0, len(rows), PG_CHUNK):
            out.append(_unnest_rows(rows[start : start + PG_CHUNK], columns))
        return out
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        out.append((f"WITH v({names}) AS (VALUES {values})", [x for row in chunk for x in row]))
    return out


def _delta_sets(alias: str, *, on: date | None, paid: bool, since: bool = False) -> tuple[str, list]:
    """SET clauses (and their parameters) adding the relation ``alias``'s per-case deltas (``due``,
    ``paid`` when ``paid``, ``ua``, ``aa``) to the balance row; with ``on``, the derived figures
    from the new buckets too (``on``: a new delinquency's date, or ``alias.since`` when ``since``
    and it is not null: the due date of the oldest charge put straight into arrears)."""
    b = _t(CaseBalance)
    sets = [
        f"current_due_month = {b}.current_due_month + {alias}.due",
        *([f"current_paid_month = {b}.current_paid_month + {alias}.paid"] if paid else []),
        f"unassigned_arrears = {b}.unassigned_arrears + {alias}.ua",
        f"assigned_arrears = {b}.assigned_arrears + {alias}.aa",
    ]
    if on is None:
        return ", ".join(sets), []
    total = f"({b}.unassigned_arrears + {alias}.ua + {b}.assigned_arrears + {alias}.aa)"
    sets += [_derived_sets(b, total, f"{b}.monthly_obligation", f"{alias}.since" if since else ""), "updated_at = %s"]
    return ", ".join(sets), [on, timezone.now()]


def balances_apply_deltas(
    deltas: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]],
    *,
    on: date | None = None,
    since: dict[int, date] | None = None,
) -> None:
    """Add per-case (current due, current paid, unassigned, assigned) deltas, set-based; with
    ``on``, the derived figures move in the same statement (``on``: a new delinquency's date, or
    the case's date in ``since`` when it has one: the oldest charge put straight into arrears)."""
    items: list[tuple] = [(case_id, *values) for case_id, values in deltas.items() if any(values)]
    b = _t(CaseBalance)
    columns: tuple[tuple[str, str], ...] = (
        ("case_id", "bigint"),
        ("due", "numeric"),
        ("paid", "numeric"),
        ("ua", "numeric"),
        ("aa", "numeric"),
    )
    if since is not None:
        columns += (("since", "date"),)
        items = [(*item, since.get(item[0])) for item in items]
    sets, extra = _delta_sets("v", on=on, paid=True, since=since is not None)
    with connection.cursor() as cursor:
        for with_clause, params in _rows(items, columns):
            cursor.execute(
                f"{with_clause} UPDATE {b} SET {sets} FROM v WHERE {b}.case_id = v.case_id", [*params, *extra]
            )


def _obligations_due(*, through: date, case_range: CaseRange):
    rows = (
        Obligation.objects.filter(
            order__case__status=CaseStatus.OPEN,
            start_on__lte=through,
        )
        .filter(
            Q(accrued_through__isnull=True) | Q(accrued_through__lt=through),
        )
        .filter(
            # A superseded or terminated order accrues only up to the end date its obligations carry;
            # an arrears-repayment line an ended order kept runs on (order_end: the arrears stay owed).
            Q(order__status=OrderStatus.ACTIVE)
            | Q(end_on__isnull=False)
            | Q(order__status=OrderStatus.TERMINATED, kind=ObligationKind.ARREARS_REPAYMENT),
        )
        .filter(
            Q(end_on__isnull=True) | Q(accrued_through__isnull=True) | Q(end_on__gt=F("accrued_through")),
        )
    )
    if case_range is not None:
        rows = rows.filter(order__case__gte=case_range[0], order__case__lte=case_range[1])
    return (
        rows.values_list(
            "id",
            "order__case_id",
            "kind",
            "amount",
            "frequency",
            "start_on",
            "end_on",
            "accrued_through",
            "order__case__assistance_status",
            "order__case__balance__current_month",
            "order__issued_on",
        )
        .order_by("id")
        .iterator(chunk_size=10000)
    )


def _unnest_rows(rows: list[tuple], columns: tuple[tuple[str, str], ...]) -> tuple[str, list]:
    """PostgreSQL: ``(WITH-clause, params)`` making ``rows`` (one chunk) a relation ``v(columns)``
    by ``unnest`` of one array per column."""
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"CAST(%s AS {pg_type}[])" for _, pg_type in columns)
    return f"WITH v({names}) AS (SELECT * FROM unnest({arrays}))", pg_arrays(rows, [t for _, t in columns])


CHARGE_COLUMNS = (
    ("case_id", "bigint"),
    ("obligation_id", "bigint"),
    ("kind", "text"),
    ("bucket", "text"),
    ("amount", "numeric"),
    ("due_on", "date"),
)


def _charges_insert_sql() -> str:
    """``INSERT`` of the charges of relation ``v(CHARGE_COLUMNS)``, skipping a charge already there
    (one per obligation and due date: never doubled), returning (case id, bucket, amount, due date,
    obligation id) of the rows inserted. One parameter: the creation time."""
    return (
        f"INSERT INTO {_t(LedgerEntry)} (case_id, entry_type, obligation_id, obligation_kind, bucket, amount,"
        f" due_on, posted_on, description, created_at)"
        f" SELECT case_id, '{EntryType.CHARGE}', obligation_id, kind, bucket, amount, due_on, due_on, '', %s"
        " FROM v WHERE true ON CONFLICT DO NOTHING RETURNING case_id, bucket, amount, due_on, obligation_id"
    )


def _insert_charges(rows: list[tuple]) -> list[tuple[int, str, Decimal, date, int]]:
    """Insert (case, obligation, kind, bucket, amount, due date) charges; returns (case id, bucket,
    amount, due date, obligation id) of the rows actually inserted."""
    inserted = []
    now = timezone.now()
    with connection.cursor() as cursor:
        for with_clause, params in _rows(rows, CHARGE_COLUMNS):
            cursor.execute(f"{with_clause} {_charges_insert_sql()}", [*params, now])
            inserted += cursor.fetchall()
    return inserted


def _set_accrued_through(pairs: list[tuple[int, date]]) -> None:
    o = _t(Obligation)
    with connection.cursor() as cursor:
        for with_clause, params in _rows(pairs, (("id", "bigint"), ("through", "date"))):
            cursor.execute(
                f"{with_clause} UPDATE {o} SET accrued_through = v.through"
                f" FROM v WHERE {o}.id = v.id AND ({o}.accrued_through IS NULL OR {o}.accrued_through < v.through)",
                params,
            )


def charges_accrue(*, through: date, case_range: CaseRange = None, refresh_derived: bool = True) -> AccrualResult:
    """Charge every obligation due date up to ``through`` that is not charged yet (one
    transaction). First the balances roll into ``through``'s month; a charge due in an earlier
    month (a late run) goes straight to arrears, one due this month to current support.

    Each balance row is written at most three times (its monthly obligation when that changes,
    the roll, the month's charges), each statement setting total / months in arrears /
    delinquent_since with the figures it moves. ``refresh_derived=False`` (only the ledger
    backfill, which replays months in one transaction and refreshes once at the end) leaves
    those derived figures alone in the roll and the charges; the bucket figures move exactly as
    always."""
    result = AccrualResult(through=through)
    with transaction.atomic():
        _lock(case_range)
        balances_ensure(case_range=case_range, on=through)
        balances_refresh_obligation(on=through, case_range=case_range)
        result.rolled = balances_roll(
            to_month=month_start(through), case_range=case_range, refresh_derived=refresh_derived
        )
        charges: list[tuple] = []
        late: list[tuple[int, int, str, date]] = []
        accrued: list[tuple[int, date]] = []
        issued: dict[int, date] = {}  # obligation id -> its order's issue date (ARREARS_BUCKETS)
        for (
            ob_id,
            case_id,
            kind,
            amount,
            frequency,
            start_on,
            end_on,
            after,
            assistance,
            current_month,
            issued_on,
        ) in _obligations_due(through=through, case_range=case_range):
            dates = due_dates(frequency=frequency, start_on=start_on, end_on=end_on, after=after, through=through)
            if not dates:
                continue
            accrued.append((ob_id, dates[-1]))
            if amount <= 0:
                continue
            for due_on in dates:
                if kind not in CURRENT_KINDS:
                    bucket = ""
                elif current_month is not None and due_on >= current_month:
                    bucket = Bucket.CURRENT
                else:
                    bucket = None  # due in a month already closed out: its month's assistance decides
                    late.append((len(charges), case_id, assistance, due_on))
                    issued[ob_id] = issued_on
                charges.append((case_id, ob_id, kind, bucket, amount, due_on))
        if late:
            # The spells of the late charges' cases: one query over their id range (an IN list of
            # thousands of ids costs more to build than the few spells outside it cost to skip).
            late_cases = {case_id for _, case_id, _, _ in late}
            spells: dict[int, list] = defaultdict(list)
            for spell_case, status, start_on, end_on in AssistanceSpell.objects.filter(
                case_id__gte=min(late_cases), case_id__lte=max(late_cases)
            ).values_list("case_id", "status", "start_on", "end_on"):
                if spell_case in late_cases:
                    spells[spell_case].append((status, start_on, end_on))
            month_status: dict[tuple[int, date], str] = {}  # weekly charges ask the same month 4-5 times
            for index, case_id, assistance, due_on in late:
                key = (case_id, due_on.replace(day=1))
                status = month_status.get(key)
                if status is None:
                    status = month_status[key] = spell_status_in_month(spells.get(case_id, ()), due_on, assistance)
                bucket = Bucket.ARREARS_ASSIGNED if status == AssistanceStatus.CURRENT else Bucket.ARREARS_UNASSIGNED
                charges[index] = (*charges[index][:3], bucket, *charges[index][4:])
        on = through if refresh_derived else None
        if connection.vendor == "postgresql":
            result.charges, result.cases, result.amounts = _charges_post_pg(charges, on=on)
        else:
            result.charges, result.cases, result.amounts = _charges_post(charges, on=on, issued=issued)
        _set_accrued_through(accrued)
        result.obligations = len(accrued)
    return result


BUCKET_SLOT = {Bucket.CURRENT: 0, Bucket.ARREARS_UNASSIGNED: 2, Bucket.ARREARS_ASSIGNED: 3}
# A charge due in a month already closed out goes straight into arrears (a late or catch-up run).
# The date such a run gives a case it makes delinquent (``ARREARS_BUCKETS``) is the day daily runs would
# have given: the first day of the month after the oldest of those charges' due dates, when its
# month closed and its unpaid support rolled into arrears (``balances_roll``), not the run's date.
# Never before the charge's order was issued (``SupportOrder.issued_on``): an order entered today with
# support retroactive to an earlier date (from the date of application on a first order, N.Y. Fam. Ct.
# Act 449(2), Cal. Fam. Code 4009) creates arrears today, and nobody was late paying support that no
# order had yet set; every "more than N days past due" remedy counts from that date.
ARREARS_BUCKETS = (Bucket.ARREARS_UNASSIGNED, Bucket.ARREARS_ASSIGNED)


def _charges_post(
    charges: list[tuple], *, on: date | None, issued: dict[int, date]
) -> tuple[int, int, dict[str, Decimal]]:
    """Insert the charges, then move the balances by what was inserted: (charges, cases, amounts).
    ``issued``: the order issue date of each obligation with a charge in arrears (``ARREARS_BUCKETS``)."""
    inserted = _insert_charges(charges)
    deltas: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    since: dict[int, date] = {}
    for case_id, bucket, amount, due_on, ob_id in inserted:
        amount = Decimal(amount).quantize(Decimal("0.01"))
        slot = BUCKET_SLOT.get(bucket)
        if slot is not None:
            deltas[case_id][slot] += amount
        if bucket in ARREARS_BUCKETS:
            rolled_on = max(
                next_month(due_on if isinstance(due_on, date) else date.fromisoformat(due_on)), issued[ob_id]
            )
            since[case_id] = min(since.get(case_id, rolled_on), rolled_on)
        totals[bucket or "memo"] += amount
    balances_apply_deltas({k: tuple(v) for k, v in deltas.items()}, on=on, since=since)
    return len(inserted), len(deltas), dict(totals)


def _charges_post_pg(charges: list[tuple], *, on: date | None) -> tuple[int, int, dict[str, Decimal]]:
    """PostgreSQL: insert the charges and move the balances by the rows inserted in one statement
    per chunk (``INSERT ... RETURNING`` feeding an ``UPDATE ... FROM`` its per-case sums), so the
    inserted rows never travel back to Python. Chunks end at a case boundary: a case's balance is
    written once, and the per-chunk case counts add up."""
    charges = sorted(charges, key=lambda row: row[0])
    b = _t(CaseBalance)
    sums = {slot: f"SUM(CASE WHEN bucket = '{bucket}' THEN amount ELSE 0 END)" for bucket, slot in BUCKET_SLOT.items()}
    sets, extra = _delta_sets("d", on=on, paid=False, since=True)
    late = ", ".join(f"'{bucket}'" for bucket in ARREARS_BUCKETS)
    # late: per case, the oldest arrears charge's month end, never before its order was issued (the
    # join reads only the rows put into arrears: none on a daily run)
    statement = (
        f" ins AS ({_charges_insert_sql()}),"
        " late AS (SELECT i.case_id,"
        "  MIN(GREATEST(CAST(date_trunc('month', i.due_on) + interval '1 month' AS date), so.issued_on)) AS since"
        f"  FROM ins i JOIN {_t(Obligation)} ob ON ob.id = i.obligation_id JOIN {_t(SupportOrder)} so"
        f"  ON so.id = ob.order_id WHERE i.bucket IN ({late}) GROUP BY i.case_id),"
        f" d AS (SELECT i.case_id, {sums[0]} AS due, {sums[2]} AS ua, {sums[3]} AS aa, l.since"
        " FROM ins i LEFT JOIN late l ON l.case_id = i.case_id"
        "  WHERE i.bucket <> '' GROUP BY i.case_id, l.since),"
        f" upd AS (UPDATE {b} SET {sets} FROM d WHERE {b}.case_id = d.case_id RETURNING 1)"
        f" SELECT bucket, SUM(amount), COUNT(*), (SELECT COUNT(*) FROM upd) FROM ins GROUP BY bucket"
    )
    count, cases, totals = 0, 0, defaultdict(lambda: ZERO)
    now = timezone.now()
    with connection.cursor() as cursor:
        start = 0
        while start < len(charges):
            stop = min(start + PG_CHUNK, len(charges))
            while stop < len(charges) and charges[stop][0] == charges[stop - 1][0]:
                stop += 1
            with_clause, params = _unnest_rows(charges[start:stop], CHARGE_COLUMNS)
            cursor.execute(f"{with_clause},{statement}", [*params, now, *extra])
            rows = cursor.fetchall()
            for bucket, amount, n, _ in rows:
                totals[bucket or "memo"] += money(amount)
                count += n
            cases += rows[0][3] if rows else 0  # the balances updated: the same on every row
            start = stop
    return count, cases, dict(totals)


@contextmanager
def _run_errors_recorded(run: LedgerRun) -> Iterator[None]:
    """A run that fails is finished with its error on the row (people see it), then the error is
    raised."""
    try:
        yield
    except Exception as exc:
        LedgerRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
        raise


def _run_finished(run: LedgerRun, counts: dict, *, verb: str, actor_label: str, summary: str) -> LedgerRun:
    """A run done in one piece: its counts and finish on the row, one domain event with the figures
    (bulk writes bypass per-row history)."""
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    event_about(run, verb=verb, actor_label=actor_label, summary=summary, data=counts)
    return run


def ledger_run_accrual(*, through: date, case_range: CaseRange = None) -> LedgerRun:
    """The daily job: a run row (started, finished, counts, error) around ``charges_accrue`` and
    one domain event with the figures."""
    run = LedgerRun.objects.create(kind=LedgerRunKind.ACCRUAL, run_on=through)
    with _run_errors_recorded(run):
        result = charges_accrue(through=through, case_range=case_range)
    return _run_finished(
        run,
        result.as_dict(),
        verb="charges.accrued",
        actor_label="accrual",
        summary=f"{result.charges} charges for {result.cases} cases through {through}",
    )


def ledger_accrual_start(*, through: date, chunk_size: int = ACCRUAL_CHUNK) -> tuple[LedgerRun, list[tuple[int, int]]]:
    """A fanned-out accrual: the run row and the case-id ranges (aligned on ``chunk_size``) that
    ``ledger_accrual_chunk`` accrues, each in its own transaction, on as many workers as there are."""
    bounds = Case.objects.aggregate(low=Min("id"), high=Max("id"))
    ranges = []
    if bounds["low"] is not None:
        first = bounds["low"] - bounds["low"] % chunk_size  # aligned, so a range is one lock block
        ranges = [(low, low + chunk_size - 1) for low in range(first, bounds["high"] + 1, chunk_size)]
    run = LedgerRun.objects.create(
        kind=LedgerRunKind.ACCRUAL,
        run_on=through,
        chunk_count=len(ranges),
        counts={**AccrualResult(through=through).as_dict(), "ranges": [], "failed": []},
    )
    if not ranges:
        _accrual_finish(run)
    return run, ranges


def ledger_accrual_chunk(*, run_id: int, low: int, high: int) -> LedgerRun:
    """Accrue one range of a fanned-out run, then add its figures to the run. A redelivered chunk
    accrues nothing new and is not counted twice; a failed chunk is recorded on the run (and
    raised), and a retry that succeeds replaces the failure. The last chunk finishes the run and
    records its event."""
    run = LedgerRun.objects.get(pk=run_id)
    key = [low, high]
    try:
        with transaction.atomic():
            jit_off_in_transaction()  # a chunk's statements are bounded by its range: compiling costs more
            result = charges_accrue(through=run.run_on, case_range=(low, high))
            foreign_keys_check_now()  # before the run row shared by every worker is locked
            run = LedgerRun.objects.select_for_update().get(pk=run_id)
            if key not in run.counts["ranges"]:
                _counts_add(run.counts, result)
                run.counts["ranges"].append(key)
                if key in run.counts["failed"]:
                    run.counts["failed"].remove(key)
            run.save(update_fields=["counts"])
            _accrual_finish_if_done(run)
    except Exception as exc:
        with transaction.atomic():
            run = LedgerRun.objects.select_for_update().get(pk=run_id)
            if key not in run.counts["ranges"] and key not in run.counts["failed"]:
                run.counts["failed"].append(key)
            run.error = (run.error + f"[{low}, {high}]: {exc!r}\n")[-2000:]
            run.save(update_fields=["counts", "error"])
            _accrual_finish_if_done(run)
        raise
    return run


def _accrual_finish_if_done(run: LedgerRun) -> None:
    if run.chunks_done >= run.chunk_count and run.finished_at is None:
        _accrual_finish(run)


def _counts_add(counts: dict, result: AccrualResult) -> None:
    for name in ("charges", "obligations", "cases", "rolled"):
        counts[name] += getattr(result, name)
    amounts = counts["amounts"]
    for bucket, amount in result.amounts.items():
        amounts[bucket] = str(Decimal(amounts.get(bucket, "0")) + amount)


def _accrual_finish(run: LedgerRun) -> None:
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    counts = run.counts
    event_about(
        run,
        verb="charges.accrued",
        actor_label="accrual",
        summary=f"{counts['charges']} charges for {counts['cases']} cases through {run.run_on}"
        + (" — with errors" if run.error else ""),
        data={k: v for k, v in counts.items() if k not in ("ranges", "failed")},
    )


def ledger_run_disbursements(*, on: date) -> LedgerRun:
    """The daily disbursement sweep with its run row and event."""
    from django.conf import settings

    from .ledger import disbursements_sweep

    run = LedgerRun.objects.create(kind=LedgerRunKind.DISBURSEMENT, run_on=on)
    with _run_errors_recorded(run):
        counts = disbursements_sweep(on=on, mark_sent=settings.CASEWORKS_DISBURSE_DIRECTLY)
    return _run_finished(
        run,
        counts,
        verb="disbursements.swept",
        actor_label="disbursement sweep",
        summary=f"{counts['sent']} sent, {counts['flagged_late']} newly late",
    )

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.money import ZERO
from core.services import event_record

from ..choices import AssistanceStatus, Bucket, CaseStatus, EntryType, LedgerRunKind, ObligationKind, OrderStatus
from ..ledger_dates import due_dates, month_start
from ..models import Case, CaseBalance, LedgerEntry, LedgerRun, Obligation

# Obligation kinds that are "current support" (monthly_obligation, the current bucket). An
# arrears repayment schedule is a payment plan on existing arrears, not new debt: its due dates
# are recorded as memo charges (no bucket) and change no balance.
CURRENT_KINDS = (ObligationKind.CURRENT_SUPPORT, ObligationKind.MEDICAL_SUPPORT, ObligationKind.SPOUSAL_SUPPORT)
CHUNK = 2000
PG_CHUNK = 50000
ACCRUAL_LOCK = 0x43574C47  # "CWLG": pg_advisory_xact_lock key of ledger runs

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
        return {"through": self.through.isoformat(), "charges": self.charges, "obligations": self.obligations,
                "cases": self.cases, "rolled": self.rolled,
                "amounts": {k: str(v) for k, v in self.amounts.items()}}


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCRUAL_LOCK])


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


def balances_refresh_derived(*, on: date, case_range: CaseRange = None, case_ids: Sequence[int] | None = None) -> None:
    """total, months in arrears and delinquent_since (45 CFR 303.6(b)) from the bucket figures."""
    where, params = _range_sql("case_id", case_range)
    if case_ids is not None and len(case_ids) > CHUNK:
        case_ids = None  # many cases: one statement over the range is cheaper than id lists
    if case_ids is not None:
        if not case_ids:
            return
        for start in range(0, len(case_ids), CHUNK):
            chunk = list(case_ids[start:start + CHUNK])
            _refresh_derived_sql(on, f" AND case_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        return
    _refresh_derived_sql(on, where, params)


def _refresh_derived_sql(on: date, where: str, params: list) -> None:
    total = "(unassigned_arrears + assigned_arrears)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_t(CaseBalance)} SET total_arrears = {total},"
            f" months_in_arrears = CASE WHEN monthly_obligation > 0"
            f"   THEN ROUND({_least(f'{total} / monthly_obligation', '999999.99')}, 2) ELSE 0 END,"
            f" delinquent_since = CASE WHEN monthly_obligation > 0 AND {total} >= monthly_obligation"
            f"   THEN COALESCE(delinquent_since, %s) ELSE NULL END,"
            f" updated_at = %s WHERE 1 = 1{where}",
            [on, timezone.now(), *params],
        )


def balances_refresh_obligation(*, on: date, case_range: CaseRange = None) -> None:
    """monthly_obligation = active current obligations expressed monthly (only rows that change)."""
    from ..models import SupportOrder

    factor = ("CASE o.frequency WHEN 'weekly' THEN 52.0 / 12 WHEN 'biweekly' THEN 26.0 / 12"
              " WHEN 'semimonthly' THEN 2 ELSE 1 END")
    kinds = ", ".join(f"'{k}'" for k in CURRENT_KINDS)
    b = _t(CaseBalance)
    where, params = _range_sql("b2.case_id", case_range)
    # The orders' sums are limited to the same range: for a block of new cases (generate_office),
    # summing every order of the office each month cost seconds per call at 100k cases.
    order_where, order_params = _range_sql("so.case_id", case_range)
    # One join and a GROUP BY (no correlated subquery per balance row).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {b} SET monthly_obligation = x.total FROM ("
            f" SELECT b2.case_id, COALESCE(m.total, 0) AS total FROM {b} b2 LEFT JOIN ("
            f"  SELECT so.case_id, SUM(ROUND(o.amount * {factor}, 2)) AS total FROM {_t(Obligation)} o"
            f"  JOIN {_t(SupportOrder)} so ON so.id = o.order_id"
            f"  WHERE so.status = '{OrderStatus.ACTIVE}' AND o.kind IN ({kinds})"
            f"  AND o.start_on <= %s AND (o.end_on IS NULL OR o.end_on >= %s){order_where} GROUP BY so.case_id"
            f" ) m ON m.case_id = b2.case_id WHERE 1 = 1{where}"
            f") x WHERE {b}.case_id = x.case_id AND {b}.monthly_obligation <> x.total",
            [on, on, *order_params, *params],
        )


def balances_roll(*, to_month: date, case_range: CaseRange = None, refresh_derived: bool = True) -> int:
    """Month end: current support left unpaid becomes arrears — assigned to the state when the
    family receives assistance (42 USC 608(a)(3)), else owed to the family. Two adjustment
    entries per case with an unpaid balance; every behind balance moves to ``to_month``.
    ``refresh_derived=False`` leaves the derived columns to the caller (the ledger backfill)."""
    to_month = month_start(to_month)
    b, c, e = _t(CaseBalance), _t(Case), _t(LedgerEntry)
    where, params = _range_sql("b.case_id", case_range)
    behind = f"(b.current_month IS NULL OR b.current_month < %s){where}"
    unpaid = "(b.current_due_month - b.current_paid_month)"
    arrears_bucket = (f"CASE WHEN c.assistance_status = '{AssistanceStatus.CURRENT}'"
                      f" THEN '{Bucket.ARREARS_ASSIGNED}' ELSE '{Bucket.ARREARS_UNASSIGNED}' END")
    now = timezone.now()
    description = "Unpaid current support becomes arrears"
    with connection.cursor() as cursor:
        for bucket_sql, sign in ((f"'{Bucket.CURRENT}'", "-"), (arrears_bucket, "")):
            cursor.execute(
                f"INSERT INTO {e} (case_id, entry_type, obligation_kind, bucket, amount, posted_on, description,"
                f" created_at) SELECT b.case_id, '{EntryType.ADJUSTMENT}', '', {bucket_sql}, {sign}{unpaid}, %s, %s, %s"
                f" FROM {b} b JOIN {c} c ON c.id = b.case_id WHERE {behind} AND {unpaid} > 0",
                [to_month, description, now, to_month, *params],
            )
        where_plain, params_plain = _range_sql("case_id", case_range)
        status = f"(SELECT c.assistance_status FROM {c} c WHERE c.id = {b}.case_id)"
        gap = "(current_due_month - current_paid_month)"
        cursor.execute(
            f"UPDATE {b} SET"
            f" assigned_arrears = assigned_arrears + CASE WHEN {gap} > 0 AND {status} = '{AssistanceStatus.CURRENT}'"
            f"   THEN {gap} ELSE 0 END,"
            f" unassigned_arrears = unassigned_arrears + CASE WHEN {gap} > 0 AND {status} <> '{AssistanceStatus.CURRENT}'"
            f"   THEN {gap} ELSE 0 END,"
            f" current_due_month = 0, current_paid_month = 0, current_month = %s"
            f" WHERE (current_month IS NULL OR current_month < %s){where_plain}",
            [to_month, to_month, *params_plain],
        )
        rolled = cursor.rowcount
    if rolled and refresh_derived:
        balances_refresh_derived(on=to_month, case_range=case_range)
    return rolled


def _rows(rows: list[tuple], columns: tuple[tuple[str, str], ...]) -> list[tuple[str, list]]:
    """``(WITH-clause, params)`` per chunk that makes ``rows`` a relation ``v(columns)``: a
    ``VALUES`` list on SQLite, ``unnest`` of one array per column on PostgreSQL (one statement
    for tens of thousands of rows instead of one per two thousand)."""
    names = ", ".join(name for name, _ in columns)
    out = []
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"CAST(%s AS {pg_type}[])" for _, pg_type in columns)
        for start in range(0, len(rows), PG_CHUNK):
            chunk = rows[start:start + PG_CHUNK]
            out.append((f"WITH v({names}) AS (SELECT * FROM unnest({arrays}))", [list(col) for col in zip(*chunk, strict=True)]))
        return out
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        out.append((f"WITH v({names}) AS (VALUES {values})", [x for row in chunk for x in row]))
    return out


def balances_apply_deltas(deltas: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]]) -> None:
    """Add per-case (current due, current paid, unassigned, assigned) deltas, set-based."""
    items = [(case_id, *values) for case_id, values in deltas.items() if any(values)]
    b = _t(CaseBalance)
    columns = (("case_id", "bigint"), ("due", "numeric"), ("paid", "numeric"), ("ua", "numeric"), ("aa", "numeric"))
    with connection.cursor() as cursor:
        for with_clause, params in _rows(items, columns):
            cursor.execute(
                f"{with_clause} UPDATE {b} SET current_due_month = {b}.current_due_month + v.due,"
                f" current_paid_month = {b}.current_paid_month + v.paid,"
                f" unassigned_arrears = {b}.unassigned_arrears + v.ua,"
                f" assigned_arrears = {b}.assigned_arrears + v.aa"
                f" FROM v WHERE {b}.case_id = v.case_id",
                params,
            )


def _obligations_due(*, through: date, case_range: CaseRange):
    rows = Obligation.objects.filter(
        order__case__status=CaseStatus.OPEN, start_on__lte=through,
    ).filter(
        Q(accrued_through__isnull=True) | Q(accrued_through__lt=through),
    ).filter(
        # A superseded or terminated order accrues only up to the end date its obligations carry.
        Q(order__status=OrderStatus.ACTIVE) | Q(end_on__isnull=False),
    ).filter(
        Q(end_on__isnull=True) | Q(accrued_through__isnull=True) | Q(end_on__gt=F("accrued_through")),
    )
    if case_range is not None:
        rows = rows.filter(order__case__gte=case_range[0], order__case__lte=case_range[1])
    return rows.values_list(
        "id", "order__case_id", "kind", "amount", "frequency", "start_on", "end_on", "accrued_through",
        "order__case__assistance_status", "order__case__balance__current_month",
    ).order_by("id").iterator(chunk_size=10000)


def _insert_charges(rows: list[tuple]) -> list[tuple[int, str, Decimal]]:
    """Insert (case, obligation, kind, bucket, amount, due date) charges; returns (case id, bucket,
    amount) of the rows actually inserted (a charge already there is skipped, never doubled)."""
    e = _t(LedgerEntry)
    columns = (("case_id", "bigint"), ("obligation_id", "bigint"), ("kind", "text"), ("bucket", "text"),
               ("amount", "numeric"), ("due_on", "date"))
    inserted = []
    now = timezone.now()
    with connection.cursor() as cursor:
        for with_clause, params in _rows(rows, columns):
            cursor.execute(
                f"{with_clause} INSERT INTO {e} (case_id, entry_type, obligation_id, obligation_kind, bucket, amount,"
                f" due_on, posted_on, description, created_at)"
                f" SELECT case_id, '{EntryType.CHARGE}', obligation_id, kind, bucket, amount, due_on, due_on, '', %s"
                " FROM v WHERE true ON CONFLICT DO NOTHING RETURNING case_id, bucket, amount",
                [*params, now],
            )
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

    ``refresh_derived=False`` (only the ledger backfill, which replays months in one transaction
    and refreshes once at the end) skips the two refreshes of total / months in arrears /
    delinquent_since; the bucket figures move exactly as always."""
    result = AccrualResult(through=through)
    with transaction.atomic():
        _lock()
        balances_ensure(case_range=case_range, on=through)
        balances_refresh_obligation(on=through, case_range=case_range)
        result.rolled = balances_roll(to_month=month_start(through), case_range=case_range,
                                      refresh_derived=refresh_derived)
        charges: list[tuple] = []
        accrued: list[tuple[int, date]] = []
        for (ob_id, case_id, kind, amount, frequency, start_on, end_on, after, assistance,
             current_month) in _obligations_due(through=through, case_range=case_range):
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
                    bucket = Bucket.ARREARS_ASSIGNED if assistance == AssistanceStatus.CURRENT else Bucket.ARREARS_UNASSIGNED
                charges.append((case_id, ob_id, kind, bucket, amount, due_on))
        inserted = _insert_charges(charges)
        _set_accrued_through(accrued)
        deltas: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for case_id, bucket, amount in inserted:
            amount = Decimal(amount).quantize(Decimal("0.01"))
            slot = {Bucket.CURRENT: 0, Bucket.ARREARS_UNASSIGNED: 2, Bucket.ARREARS_ASSIGNED: 3}.get(bucket)
            if slot is not None:
                deltas[case_id][slot] += amount
            totals[bucket or "memo"] += amount
        balances_apply_deltas({k: tuple(v) for k, v in deltas.items()})
        if refresh_derived:
            balances_refresh_derived(on=through, case_ids=list(deltas))
        result.charges = len(inserted)
        result.obligations = len(accrued)
        result.cases = len(deltas)
        result.amounts = dict(totals)
    return result


def ledger_run_accrual(*, through: date, case_range: CaseRange = None) -> LedgerRun:
    """The daily job: a run row (started, finished, counts, error) around ``charges_accrue`` and
    one domain event with the figures (bulk inserts bypass per-row history)."""
    run = LedgerRun.objects.create(kind=LedgerRunKind.ACCRUAL, run_on=through)
    try:
        result = charges_accrue(through=through, case_range=case_range)
    except Exception as exc:
        LedgerRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
        raise
    run.counts = result.as_dict()
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    event_record(verb="charges accrued", subject=run, actor_label="accrual",
                 summary=f"{result.charges} charges for {result.cases} cases through {through}", data=run.counts)
    return run


def ledger_run_disbursements(*, on: date) -> LedgerRun:
    """The daily disbursement sweep with its run row and event."""
    from django.conf import settings

    from .ledger import disbursements_sweep

    run = LedgerRun.objects.create(kind=LedgerRunKind.DISBURSEMENT, run_on=on)
    try:
        counts = disbursements_sweep(on=on, mark_sent=getattr(settings, "CASEWORKS_DISBURSE_DIRECTLY", False))
    except Exception as exc:
        LedgerRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
        raise
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    event_record(verb="disbursements swept", subject=run, actor_label="disbursement sweep",
                 summary=f"{counts['sent']} sent, {counts['flagged_late']} newly late", data=counts)
    return run

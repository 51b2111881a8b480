"""The nightly enforcement sweep: set-based, fanned out in chunks of case ids, idempotent.

For each chunk ``[low, high)`` of case ids, in one transaction:
1. release open actions of cases that are paid up (or closed);
2. move actions on whose dates have passed (notice period over → contest window; contest window
   over → active, sent to the partner);
3. write the chunk's figures (each case's NCP and the NCP's arrears across the NCP's open cases)
   into a temporary table with one statement (``_figures_fill``);
4. propose an action for every case that meets a rule in effect and has no open action for that
   remedy — one query per rule, then one insert that ignores conflicts. The partial unique
   index "one open action per case and remedy" makes a second run, or a redelivered chunk, a no-op.
Each effect of these bulk writes is recorded as a domain event, all the chunk's in one statement.
No statement runs once per case; docs/enforcement.md has the design and the measured figures.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseBalance, Employment, SupportOrder
from core.db import foreign_keys_check_now, insert_from_sql, rows_insert
from core.legal import legal_parameter
from core.models import DomainEvent
from core.money import money
from core.services import events_bulk_record

from ..choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    BankMatchStatus,
    ChunkStatus,
    ReleaseReason,
    Remedy,
    SweepStatus,
)
from ..legal_floors import rule_under_law
from ..models import BankMatch, EnforcementAction, RemedyRule, SweepChunk, SweepRun

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5000
# 45 CFR 303.6(c)(2): action within 30 calendar days, or 60 when service of process is needed: the
# dated rows ``us.enforcement.action_days`` and ``us.enforcement.action_days_service``.
ACTION_TIMEFRAME_KEY = "us.enforcement.action_days"
ACTION_TIMEFRAME_SERVICE_KEY = "us.enforcement.action_days_service"
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


@dataclass
class ChunkCounts:
    cases_examined: int = 0
    proposed: int = 0
    advanced: int = 0
    released: int = 0


# --- starting and finishing a run -------------------------------------------------------------


@transaction.atomic
def sweep_start(
    *, as_of: date, chunk_size: int = DEFAULT_CHUNK_SIZE, triggered_by: str = "", by: User | None = None
) -> SweepRun:
    """Create the run row and its chunks (case id ranges covering every case)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    run = SweepRun.objects.create(
        as_of=as_of,
        started_at=timezone.now(),
        triggered_by=triggered_by[:100],
        started_by=by if getattr(by, "pk", None) else None,
        chunk_size=chunk_size,
    )
    bounds = Case.objects.aggregate(low=Min("id"), high=Max("id"))
    chunks = []
    if bounds["low"] is not None:
        low = bounds["low"]
        while low <= bounds["high"]:
            chunks.append(SweepChunk(run=run, low=low, high=low + chunk_size))
            low += chunk_size
    SweepChunk.objects.bulk_create(chunks)
    run.chunk_count = len(chunks)
    run.save(update_fields=["chunk_count"])
    if not chunks:
        _finish_if_complete(run.pk)
        run.refresh_from_db()
    return run


def _finish_if_complete(run_id: int) -> None:
    now = timezone.now()
    SweepRun.objects.filter(pk=run_id, finished_at__isnull=True, chunks_done__gte=F("chunk_count")).update(
        finished_at=now,
        status=CaseWhen(When(errors__gt=0, then=Value(SweepStatus.FAILED)), default=Value(SweepStatus.FINISHED)),
    )


def sweep_chunk_process(*, chunk_id: int, worker: str = "") -> SweepChunk:
    """Process one chunk once (a redelivered or repeated chunk that is done is skipped)."""
    try:
        with transaction.atomic():
            chunk = SweepChunk.objects.select_for_update(of=("self",)).select_related("run").get(pk=chunk_id)
            if chunk.status != ChunkStatus.PENDING:
                return chunk
            counts = _sweep_range(run=chunk.run, low=chunk.low, high=chunk.high)
            SweepChunk.objects.filter(pk=chunk.pk).update(
                status=ChunkStatus.DONE,
                worker=worker[:200],
                finished_at=timezone.now(),
                cases_examined=counts.cases_examined,
                proposed=counts.proposed,
                advanced=counts.advanced,
                released=counts.released,
            )
            foreign_keys_check_now()  # before the run row shared by every worker is locked
            SweepRun.objects.filter(pk=chunk.run_id).update(
                chunks_done=F("chunks_done") + 1,
                cases_examined=F("cases_examined") + counts.cases_examined,
                proposed=F("proposed") + counts.proposed,
                advanced=F("advanced") + counts.advanced,
                released=F("released") + counts.released,
            )
    except Exception as exc:  # noqa: BLE001 — a failed chunk is recorded on the run, the others go on
        logger.exception("sweep chunk %s failed", chunk_id)
        with transaction.atomic():
            claimed = SweepChunk.objects.filter(pk=chunk_id, status=ChunkStatus.PENDING).update(
                status=ChunkStatus.FAILED,
                worker=worker[:200],
                finished_at=timezone.now(),
                error="".join(traceback.format_exception_only(exc))[:2000],
            )
            if claimed:
                chunk = SweepChunk.objects.get(pk=chunk_id)
                SweepRun.objects.filter(pk=chunk.run_id).update(
                    chunks_done=F("chunks_done") + 1, errors=F("errors") + 1
                )
                run = SweepRun.objects.get(pk=chunk.run_id)
                run.error_detail = (run.error_detail + f"[{chunk.low}, {chunk.high}): {exc}\n")[-4000:]
                run.save(update_fields=["error_detail"])
    chunk = SweepChunk.objects.get(pk=chunk_id)
    _finish_if_complete(chunk.run_id)
    return chunk


def sweep_run_inline(
    *, as_of: date, chunk_size: int = DEFAULT_CHUNK_SIZE, triggered_by: str = "command", by: User | None = None
) -> SweepRun:
    """The whole sweep in this process (``manage.py run_sweep``, tests, the demo)."""
    run = sweep_start(as_of=as_of, chunk_size=chunk_size, triggered_by=triggered_by, by=by)
    for chunk_id in run.chunks.order_by("low").values_list("id", flat=True):
        sweep_chunk_process(chunk_id=chunk_id, worker="inline")
    run.refresh_from_db()
    return run


# --- one chunk ----------------------------------------------------------------------------------


def _sweep_range(*, run: SweepRun, low: int, high: int) -> ChunkCounts:
    as_of = run.as_of
    counts = ChunkCounts()
    balances = CaseBalance.objects.filter(case_id__gte=low, case_id__lt=high, case__status="open")
    counts.cases_examined = balances.count()
    events: list[EventRow] = []
    counts.released = _release(run=run, low=low, high=high, events=events)
    counts.advanced = _advance(run=run, low=low, high=high, events=events)
    _delinquency_identify(low=low, high=high, as_of=as_of)
    _figures_fill(low=low, high=high)
    for office_rule in RemedyRule.objects.in_effect(as_of).filter(enabled=True).order_by("jurisdiction", "remedy"):
        # The stricter of the office's thresholds and the law's in force on the run date.
        rule = rule_under_law(office_rule, on=as_of)
        counts.proposed += _propose(run=run, rule=rule, balances=balances, low=low, high=high, events=events)
    _events_write(run=run, events=events)
    return counts


class EventRow(NamedTuple):
    """One domain event about an action, written with the chunk's others in one statement."""

    verb: str
    action_id: int
    case_id: int
    summary: str
    data: dict


def _event(*, verb: str, action_id: int, case_id: int, summary: str, data: dict) -> EventRow:
    return EventRow(verb, action_id, case_id, summary[:500], data)


def _events_write(*, run: SweepRun, events: list[EventRow]) -> None:
    """The chunk's events in one statement (tuples: at sweep volume they are what is cheap)."""
    if not events:
        return
    events_bulk_record(
        fields=("verb", "subject_id", "case_id", "summary", "data"),
        rows=[(e.verb, e.action_id, e.case_id, e.summary, e.data) for e in events],
        values={"subject_type": _action_type(), "actor_label": f"enforcement sweep {run.pk}"},
    )


def _action_type() -> ContentType:
    return ContentType.objects.get_for_model(EnforcementAction)


def _locked_ids(qs) -> list[tuple[int, int, str]]:
    return list(qs.select_for_update(of=("self",)).order_by("pk").values_list("pk", "case_id", "remedy"))


def _release(*, run: SweepRun, low: int, high: int, events: list[EventRow]) -> int:
    """Release open actions (not contested: a person decides those) of paid-up or closed cases."""
    in_range = EnforcementAction.objects.filter(
        case_id__gte=low, case_id__lt=high, status__in=OPEN_ACTION_STATUSES
    ).exclude(status=ActionStatus.CONTESTED)
    paid_up = Q(case__balance__total_arrears__lte=0) & (
        Q(rule__release_when_paid=True) | Q(case__balance__monthly_obligation__lte=0)
    )
    released = 0
    for reason, condition in ((ReleaseReason.CASE_CLOSED, ~Q(case__status="open")), (ReleaseReason.PAID_UP, paid_up)):
        rows = _locked_ids(in_range.filter(condition))
        if not rows:
            continue
        EnforcementAction.objects.filter(pk__in=[r[0] for r in rows]).update(
            status=ActionStatus.RELEASED,
            release_reason=reason,
            ended_on=run.as_of,
            next_step_on=None,
            updated_at=timezone.now(),
        )
        for pk, case_id, remedy in rows:
            events.append(
                _event(
                    verb="enforcement.action_released",
                    action_id=pk,
                    case_id=case_id,
                    summary=f"{remedy} released: {reason.label}",
                    data={"reason": reason.value},
                )
            )
        released += len(rows)
    return released


def _advance(*, run: SweepRun, low: int, high: int, events: list[EventRow]) -> int:
    """Notice period over → contest window; contest window over → active (sent to the partner)."""
    as_of = run.as_of
    in_range = EnforcementAction.objects.filter(case_id__gte=low, case_id__lt=high)
    advanced = 0
    rows = _locked_ids(in_range.filter(status=ActionStatus.NOTICED, contest_opens_on__lte=as_of))
    if rows:
        EnforcementAction.objects.filter(pk__in=[r[0] for r in rows]).update(
            status=ActionStatus.CONTEST_WINDOW, next_step_on=F("contest_ends_on"), updated_at=timezone.now()
        )
        for pk, case_id, remedy in rows:
            events.append(
                _event(
                    verb="enforcement.action_contest_window_opened",
                    action_id=pk,
                    case_id=case_id,
                    summary=f"{remedy}: notice period over, contest window open",
                    data={},
                )
            )
        advanced += len(rows)
    rows = _locked_ids(in_range.filter(status=ActionStatus.CONTEST_WINDOW, contest_ends_on__lte=as_of))
    if rows:
        EnforcementAction.objects.filter(pk__in=[r[0] for r in rows]).update(
            status=ActionStatus.ACTIVE, activated_on=as_of, next_step_on=None, updated_at=timezone.now()
        )
        # A levy reaches the account(s) it was proposed on, as action_activate does one by one.
        levies = [pk for pk, _, remedy in rows if remedy == Remedy.BANK_LEVY]
        if levies:
            BankMatch.objects.filter(action_id__in=levies, status=BankMatchStatus.OPEN).update(
                status=BankMatchStatus.LEVIED
            )
        for pk, case_id, remedy in rows:
            events.append(
                _event(
                    verb="enforcement.action_activated",
                    action_id=pk,
                    case_id=case_id,
                    summary=f"{remedy}: contest window over, sent to the partner",
                    data={},
                )
            )
        advanced += len(rows)
    return advanced


def _delinquency_identify(*, low: int, high: int, as_of: date) -> int:
    """Record the day the system first identified each delinquency of the chunk (one UPDATE): the
    start of the action timeframe (45 CFR 303.6(c)(2)); a case no longer delinquent forgets it, so
    a later delinquency starts its own timeframe."""
    cases = Case.objects.filter(pk__gte=low, pk__lt=high, status="open")
    delinquent = Q(balance__delinquent_since__isnull=False, balance__delinquent_since__lte=as_of)
    marked = cases.filter(delinquent, delinquency_identified_on__isnull=True).update(delinquency_identified_on=as_of)
    cases.filter(~delinquent, delinquency_identified_on__isnull=False).update(delinquency_identified_on=None)
    return marked


FIGURES_TABLE = "enforcement_sweep_figures"  # temporary, one per connection, refilled for each chunk


def _figures_fill(*, low: int, high: int) -> None:
    """Write the chunk's per-case figures into a temporary table: in one statement, each open case's
    NCP and that NCP's arrears added across the NCP's open cases of the case's jurisdiction
    (PIQ-01-06). The totals are one GROUP BY over the chunk's NCPs, not a subquery per balance row.

    The NCP of a case is its first NCP participant (lowest id), read by a lookup on the (case, role)
    index (a join on the participant's id hashed every participant of the office per chunk).
    PostgreSQL drops the table at commit; SQLite keeps it for the connection, so it is emptied first.
    """
    vendor = connection.vendor
    on_commit = " ON COMMIT DROP" if vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {FIGURES_TABLE} (case_id bigint PRIMARY KEY, "
            f"ncp_person_id bigint NULL, ncp_total numeric(14, 2) NULL, ncp_assigned numeric(14, 2) NULL, "
            f"ncp_unassigned numeric(14, 2) NULL){on_commit}"
        )
        cursor.execute(f"DELETE FROM {FIGURES_TABLE}")  # noqa: S608 — constant table name
        cursor.execute(
            """
            WITH chunk_ncp AS (
                SELECT c.id AS case_id, c.jurisdiction,
                       (SELECT p.person_id FROM cases_caseparticipant p
                         WHERE p.case_id = c.id AND p.role = %(ncp)s ORDER BY p.id LIMIT 1) AS person_id
                  FROM cases_case c
                 WHERE c.id >= %(low)s AND c.id < %(high)s AND c.status = %(open)s
            ),
            totals AS (
                SELECT p.person_id, c.jurisdiction, SUM(b.total_arrears) AS total,
                       SUM(b.assigned_arrears) AS assigned, SUM(b.unassigned_arrears) AS unassigned
                  FROM cases_caseparticipant p
                  JOIN cases_case c ON c.id = p.case_id
                  JOIN cases_casebalance b ON b.case_id = p.case_id
                 WHERE p.role = %(ncp)s AND c.status = %(open)s
                   AND p.person_id IN (SELECT person_id FROM chunk_ncp WHERE person_id IS NOT NULL)
                 GROUP BY p.person_id, c.jurisdiction
            )
            INSERT INTO enforcement_sweep_figures (case_id, ncp_person_id, ncp_total, ncp_assigned, ncp_unassigned)
            SELECT chunk_ncp.case_id, chunk_ncp.person_id, totals.total, totals.assigned, totals.unassigned
              FROM chunk_ncp
              LEFT JOIN totals ON totals.person_id = chunk_ncp.person_id
                              AND totals.jurisdiction = chunk_ncp.jurisdiction
            """,
            {"low": low, "high": high, "ncp": "ncp", "open": "open"},
        )
        if vendor == "postgresql":
            cursor.execute(f"ANALYZE {FIGURES_TABLE}")  # a temporary table has no statistics otherwise


def _figure(column: str, output_field=MONEY_FIELD) -> RawSQL:
    """One column of this chunk's figures row for the balance row (a primary-key lookup)."""
    return RawSQL(  # noqa: S611 — constant names only
        f"SELECT f.{column} FROM {FIGURES_TABLE} f WHERE f.case_id = {CaseBalance._meta.db_table}.case_id",  # noqa: S608
        [],
        output_field=output_field,
    )


def _ncp_sum(field: str, figure: str, aggregate: bool):
    """The case's own figure, or the NCP's figure added across the NCP's open cases (PIQ-01-06)."""
    if not aggregate:
        return F(field)
    return Coalesce(_figure(figure), F(field), output_field=MONEY_FIELD)


def qualifying_balances(*, rule: RemedyRule, as_of: date, balances):
    """The CaseBalance rows (annotated with the compared figures) that meet ``rule`` on ``as_of``.

    ``balances`` are rows of the chunk whose figures ``_figures_fill`` has just written.
    """
    qs = balances.filter(case__jurisdiction=rule.jurisdiction)
    qs = qs.annotate(ncp_person_id=_figure("ncp_person_id", BigIntegerField()))
    agg = rule.aggregate_by_ncp
    qs = qs.annotate(
        cmp_total=_ncp_sum("total_arrears", "ncp_total", agg),
        cmp_assigned=_ncp_sum("assigned_arrears", "ncp_assigned", agg),
        cmp_unassigned=_ncp_sum("unassigned_arrears", "ncp_unassigned", agg),
    )
    arrears_based = (
        any(
            v is not None
            for v in (
                rule.arrears_min,
                rule.assigned_arrears_min,
                rule.unassigned_arrears_min,
                rule.months_min,
                rule.days_past_due_min,
            )
        )
        or rule.requires_delinquency
    )
    if arrears_based:
        qs = qs.filter(total_arrears__gt=0)
    if rule.requires_delinquency:
        qs = qs.filter(delinquent_since__isnull=False, delinquent_since__lte=as_of)
    if rule.arrears_min is not None:
        qs = qs.filter(**{f"cmp_total__{rule.arrears_comparison}": rule.arrears_min})
    category = Q(pk__in=[])
    if rule.assigned_arrears_min is not None:
        category |= Q(assigned_arrears__gt=0, cmp_assigned__gte=rule.assigned_arrears_min)
    if rule.unassigned_arrears_min is not None:
        category |= Q(unassigned_arrears__gt=0, cmp_unassigned__gte=rule.unassigned_arrears_min)
    if rule.assigned_arrears_min is not None or rule.unassigned_arrears_min is not None:
        qs = qs.filter(category)
    if rule.months_min is not None:
        qs = qs.filter(**{f"months_in_arrears__{rule.months_comparison}": rule.months_min})
    if rule.days_past_due_min is not None:
        # days past due = as_of - delinquent_since; "more than N" means delinquent before as_of - N.
        cutoff = as_of - timedelta(days=rule.days_past_due_min)
        lookup = "lt" if rule.days_comparison == "gt" else "lte"
        qs = qs.filter(**{"delinquent_since__isnull": False, f"delinquent_since__{lookup}": cutoff})
    if rule.requires_employer:
        qs = qs.filter(
            Exists(SupportOrder.objects.filter(case_id=OuterRef("case_id"), status="active")),
            Exists(
                Employment.objects.filter(person_id=OuterRef("ncp_person_id"), started_on__lte=as_of).filter(
                    Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
                )
            ),
        )
    if rule.requires_bank_match:
        qs = qs.filter(
            Exists(BankMatch.objects.filter(person_id=OuterRef("ncp_person_id"), status=BankMatchStatus.OPEN))
        )
    return qs


# What a rule's query gives for each proposal (``_propose_sql`` in SQL, ``_propose`` in Python).
PROPOSAL_SOURCE = (
    "case_id",
    "total_arrears",
    "assigned_arrears",
    "unassigned_arrears",
    "months_in_arrears",
    "delinquent_since",
    "case__delinquency_identified_on",
    "case__ncp_located_on",
    "cmp_total",
    "cmp_assigned",
    "cmp_unassigned",
    "ncp_person_id",
)
ACTION_VARYING = (
    "case",
    "total_arrears",
    "assigned_arrears",
    "unassigned_arrears",
    "months_in_arrears",
    "delinquent_since",
    "figures",
    "timeframe_start_on",
    "timeframe_due_on",
)


def action_timeframe_days(rule: RemedyRule, on: date) -> int:
    """Days to take the action: 30, or 60 when service of process is needed (45 CFR 303.6(c)(2)),
    the legal rows in force on ``on``."""
    key = ACTION_TIMEFRAME_SERVICE_KEY if rule.service_of_process else ACTION_TIMEFRAME_KEY
    return int(legal_parameter(key, jurisdiction="US", on=on))


def _propose_sql(*, run: SweepRun, rule: RemedyRule, qs) -> int:
    """PostgreSQL: the proposals and their events in one statement (``INSERT ... SELECT`` of the
    actions, whose ``RETURNING`` rows feed the events' insert), the figures, dates and texts
    computed by the database (the same values the Python branch below writes on SQLite:
    tests/enforcement run both). Nothing per row comes back to Python."""
    as_of = run.as_of
    days = action_timeframe_days(rule, as_of)
    inner, inner_params = qs.values_list(*PROPOSAL_SOURCE).query.sql_with_params()
    ncp = (
        (
            "|| jsonb_build_object('ncp_person_id', r.ncp_id, 'ncp_total_arrears', ROUND(r.cmp_total, 2)::text,"
            " 'ncp_assigned_arrears', ROUND(r.cmp_assigned, 2)::text,"
            " 'ncp_unassigned_arrears', ROUND(r.cmp_unassigned, 2)::text)"
        )
        if rule.aggregate_by_ncp
        else ""
    )
    # The timeframe starts when the system first identified the delinquency or the NCP was located,
    # whichever is later (45 CFR 303.6(c)(2)). A delinquency never identified before is identified
    # by this run: as_of, never the day it began years earlier (``_delinquency_identify`` records it).
    # The ORM's own compiled query and constant text; every value is a parameter.
    select = (
        "SELECT r.case_id, r.total, r.assigned, r.unassigned, r.months, r.delinquent_since,"  # noqa: S608
        " jsonb_build_object('as_of', %s::text, 'rule_version', %s::int, 'thresholds', %s::text,"
        f"  'days_past_due', %s::date - r.delinquent_since) {ncp},"
        " t.start, t.start + %s::int"
        f" FROM ({inner}) AS r(case_id, total, assigned, unassigned, months, delinquent_since, identified_on,"
        "  located_on, cmp_total, cmp_assigned, cmp_unassigned, ncp_id)"
        " CROSS JOIN LATERAL (SELECT GREATEST(COALESCE(r.identified_on, %s::date), r.located_on) AS start) t"
    )
    params = [as_of.isoformat(), rule.version, rule.threshold_text(), as_of, days, *inner_params, as_of]
    actions, action_params = insert_from_sql(
        EnforcementAction,
        ACTION_VARYING,
        "q",
        ignore_conflicts=True,
        returning=("id", "case", "total_arrears", "months_in_arrears"),
        values={
            "remedy": rule.remedy,
            "rule": rule,
            "status": ActionStatus.PROPOSED,
            "sweep_run": run,
            "proposed_on": as_of,
            "partner": rule.partner,
        },
    )
    # The events are made from the RETURNING rows of the same statement (not read back).
    event_rows = (
        "SELECT 'enforcement.action_proposed', a.id, a.case_id,"
        " LEFT(%s || ' proposed: arrears $' || to_char(a.total_arrears, 'FM999,999,999,990.00') || ', '"
        "  || a.months_in_arrears::text || ' months (' || %s || ')', 500),"
        " jsonb_build_object('rule_id', %s::int, 'remedy', %s::text, 'total_arrears', a.total_arrears::text,"
        "  'months', a.months_in_arrears::text)"
        " FROM a ORDER BY a.id"
    )
    event_params = [rule.get_remedy_display(), rule.citation, rule.pk, rule.remedy]
    events, event_constants = insert_from_sql(
        DomainEvent,
        ("verb", "subject_id", "case_id", "summary", "data"),
        "e",
        values={"subject_type": _action_type(), "actor_label": f"enforcement sweep {run.pk}"},
    )
    columns = ", ".join(f"c{i}" for i in range(len(ACTION_VARYING)))
    with connection.cursor() as cursor:
        cursor.execute(  # the ORM's compiled query and constant text; every value is a parameter
            f"WITH q({columns}) AS ({select}), a AS ({actions}), e(c0, c1, c2, c3, c4) AS ({event_rows}),"  # noqa: S608
            f" written AS ({events}) SELECT COUNT(*) FROM a",
            [*params, *action_params, *event_params, *event_constants],
        )
        return cursor.fetchone()[0]


def _propose(*, run: SweepRun, rule: RemedyRule, balances, low: int, high: int, events: list[EventRow]) -> int:
    as_of = run.as_of
    # The chunk's own range inside the subqueries bounds them whatever plan PostgreSQL picks: while
    # the first sweep fills the table its statistics are stale, and an anti-join that scans every
    # open action of the remedy (not the case's) would make each chunk cost grow with the office.
    chunk_actions = EnforcementAction.objects.filter(case_id__gte=low, case_id__lt=high, remedy=rule.remedy)
    qs = qualifying_balances(rule=rule, as_of=as_of, balances=balances).filter(
        ~Exists(chunk_actions.filter(case_id=OuterRef("case_id"), status__in=OPEN_ACTION_STATUSES)),
        # An action that ended after the balance last changed is not proposed again until it changes.
        ~Exists(
            chunk_actions.filter(
                case_id=OuterRef("case_id"),
                status__in=[ActionStatus.RELEASED, ActionStatus.CLOSED],
                updated_at__gte=OuterRef("updated_at"),
            )
        ),
    )
    if connection.vendor == "postgresql":
        return _propose_sql(run=run, rule=rule, qs=qs)
    rows = list(qs.values_list(*PROPOSAL_SOURCE))
    if not rows:
        return 0
    days = action_timeframe_days(rule, as_of)
    thresholds = rule.threshold_text()
    as_of_text = as_of.isoformat()
    actions = []
    for (
        case_id,
        total,
        assigned,
        unassigned,
        months,
        delinquent_since,
        identified_on,
        located_on,
        cmp_total,
        cmp_assigned,
        cmp_unassigned,
        ncp_id,
    ) in rows:
        start = max(d for d in (identified_on or as_of, located_on) if d is not None)
        figures = {
            "as_of": as_of_text,
            "rule_version": rule.version,
            "thresholds": thresholds,
            "days_past_due": (as_of - delinquent_since).days if delinquent_since else None,
        }
        if rule.aggregate_by_ncp:
            figures.update(
                ncp_person_id=ncp_id,
                ncp_total_arrears=str(money(cmp_total)),
                ncp_assigned_arrears=str(money(cmp_assigned)),
                ncp_unassigned_arrears=str(money(cmp_unassigned)),
            )
        actions.append(
            (
                case_id,
                total,
                assigned,
                unassigned,
                months,
                delinquent_since,
                figures,
                start,
                start + timedelta(days=days),
            )
        )
    # One statement; the partial unique index skips a case that got an open action meanwhile.
    created = rows_insert(
        EnforcementAction,
        ACTION_VARYING,
        actions,
        ignore_conflicts=True,
        values={
            "remedy": rule.remedy,
            "rule": rule,
            "status": ActionStatus.PROPOSED,
            "sweep_run": run,
            "proposed_on": as_of,
            "partner": rule.partner,
        },
        returning=("id", "case", "total_arrears", "months_in_arrears"),
    )
    remedy = rule.get_remedy_display()
    for pk, case_id, total, months in created:
        # RETURNING skips the field converters: SQLite gives 6 for 6.00.
        total, months = money(total), Decimal(months).quantize(Decimal("0.01"))
        events.append(
            _event(
                verb="enforcement.action_proposed",
                action_id=pk,
                case_id=case_id,
                summary=f"{remedy} proposed: arrears ${total:,.2f}, {months} months ({rule.citation})",
                data={"rule_id": rule.pk, "remedy": rule.remedy, "total_arrears": str(total), "months": str(months)},
            )
        )
    return len(created)

"""The nightly enforcement sweep: set-based, fanned out in chunks of case ids, idempotent.

For each chunk ``[low, high)`` of case ids, in one transaction, after one unlocked read of the
chunk (``_chunk_survey``: its open cases by jurisdiction, and whether 1-3 have anything to do; on a
repeat night they are skipped, locked reads and all):
1. release open actions of cases that are paid up (or closed);
2. move actions on whose dates have passed (notice period over → contest window; contest window
   over → active, sent to the partner);
3. record the day each delinquency was first identified (the action timeframe's start);
4. propose an action for every case that meets a rule in effect and has no open action for that
   remedy: on PostgreSQL every rule of the chunk in one statement (``_propose_chunk_sql``), with
   the NCP's figures computed only for the cases still in question; on SQLite the chunk's figures
   in a temporary table (``_figures_fill``), then one query and one insert per rule. Inserts
   ignore conflicts: the partial unique index "one open action per case and remedy" makes a second
   run, or a redelivered chunk, a no-op.
Each effect of these bulk writes is recorded as a domain event, in the same statement as the
proposals or all the chunk's others in one statement. No statement runs once per case;
docs/enforcement.md has the design and the measured figures.
"""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

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
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseBalance, Employment, SupportOrder
from core.db import foreign_keys_check_now, insert_from_sql, rows_insert
from core.legal import legal_parameter, legal_parameters_read_once
from core.models import DomainEvent
from core.money import money
from core.services import acting_user, events_bulk_record

from ..choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    BankMatchStatus,
    ChunkStatus,
    Comparison,
    LicenceClass,
    ReleaseReason,
    Remedy,
    SweepStatus,
)
from ..legal_floors import rule_under_law
from ..models import BankMatch, EnforcementAction, RemedyRule, SweepChunk, SweepRun
from .licence_income import awaiting_check_q, check_in_force, covers_commercial

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5000
# 45 CFR 303.6(c)(2): action within 30 calendar days, or 60 when service of process is needed: the
# dated rows ``us.enforcement.action_days`` and ``us.enforcement.action_days_service``.
ACTION_TIMEFRAME_KEY = "us.enforcement.action_days"
ACTION_TIMEFRAME_SERVICE_KEY = "us.enforcement.action_days_service"
MONEY_FIELD: DecimalField[Any, Decimal] = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


@dataclass
class ChunkCounts:
    """What a chunk did: its row's figures, added to its run's (the fields of both models)."""

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
        started_by=acting_user(by),
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
                **asdict(counts),
            )
            foreign_keys_check_now()  # before the run row shared by every worker is locked
            SweepRun.objects.filter(pk=chunk.run_id).update(
                chunks_done=F("chunks_done") + 1, **{name: F(name) + n for name, n in asdict(counts).items()}
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
    # The chunk's open cases with a balance, by jurisdiction: the count examined, and only the rules
    # of those jurisdictions are applied (a rule finds only cases of its own, and an office under
    # one profile ran the other's rules on every chunk for nothing).
    per_jurisdiction, moves_pending = _chunk_survey(low=low, high=high, as_of=as_of)
    counts.cases_examined = sum(per_jurisdiction.values())
    events: list[EventRow] = []
    # The locked reads and updates only when the survey's unlocked read finds them something to do:
    # on a repeat night almost no chunk has any. Skipping them then is what they would have done (a
    # row committed after that read is one a locked read now would not see either).
    if moves_pending:
        counts.released = _release(run=run, low=low, high=high, events=events)
        counts.advanced = _advance(run=run, low=low, high=high, events=events)
        _delinquency_identify(low=low, high=high, as_of=as_of)
    office_rules = RemedyRule.objects.in_effect(as_of).filter(enabled=True, jurisdiction__in=list(per_jurisdiction))
    with legal_parameters_read_once():  # each legal key read once for the chunk's rules, not per rule
        # The stricter of the office's thresholds and the law's in force on the run date.
        rules = [rule_under_law(rule, on=as_of) for rule in office_rules.order_by("jurisdiction", "remedy")]
        if connection.vendor == "postgresql":
            counts.proposed = _propose_chunk_sql(run=run, rules=rules, low=low, high=high)
        else:
            counts.proposed = _propose_rule_by_rule(run=run, rules=rules, low=low, high=high, events=events)
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


def _transition(
    qs, *, events: list[EventRow], verb: str, summary: str, data: dict | None = None, **changes
) -> list[tuple[int, int, str]]:
    """Move the actions of ``qs`` (locked, in pk order) with one UPDATE of ``changes`` and queue one
    event each: ``summary`` follows the remedy's name. Returns the (pk, case_id, remedy) rows moved."""
    return _move(_locked_ids(qs), events=events, verb=verb, summary=summary, data=data, **changes)


def _move(
    rows: list[tuple[int, int, str]], *, events: list[EventRow], verb: str, summary: str, data: dict | None, **changes
) -> list[tuple[int, int, str]]:
    """``_transition`` of actions already locked: the (pk, case_id, remedy) ``rows``."""
    if rows:
        EnforcementAction.objects.filter(pk__in=[r[0] for r in rows]).update(**changes, updated_at=timezone.now())
        events.extend(
            _event(verb=verb, action_id=pk, case_id=case_id, summary=f"{remedy}{summary}", data=data or {})
            for pk, case_id, remedy in rows
        )
    return rows


RELEASED_VERB = "enforcement.action_released"


def release_due_q() -> tuple[Q, Q]:
    """The release rule, as conditions on an action: (its case is closed, its case is paid up).

    Paid up: total arrears at or below zero, and the rule releases its actions when paid
    (``release_when_paid``) or no current support is due (no monthly obligation: an income
    withholding paid up ends with nothing left to withhold). The sweep applies it to a chunk
    (``_release``), a person's step to one action (``release_due``) before it is sent to the partner."""
    closed = ~Q(case__status="open")
    paid_up = Q(case__balance__total_arrears__lte=0) & (
        Q(rule__release_when_paid=True) | Q(case__balance__monthly_obligation__lte=0)
    )
    return closed, paid_up


def _release_reason(case_status: str) -> ReleaseReason:
    """The reason of a release under the rule: an action of a closed case is released as "case
    closed" whatever its balance, else as "paid up"."""
    return ReleaseReason.CASE_CLOSED if case_status != "open" else ReleaseReason.PAID_UP


def release_due(action: EnforcementAction) -> ReleaseReason | None:
    """The release rule (``release_due_q``, the sweep's) for one action, read now in one query: the
    reason it is to be released, or ``None`` when it is not."""
    closed, paid_up = release_due_q()
    status = (
        EnforcementAction.objects.filter(closed | paid_up, pk=action.pk).values_list("case__status", flat=True).first()
    )
    return None if status is None else _release_reason(status)


def release_event(reason: ReleaseReason) -> dict[str, Any]:
    """The event a release under the rule records, the sweep's and a person's step's alike: its
    verb, its summary after the remedy (``_move``), its data."""
    return {"verb": RELEASED_VERB, "summary": f" released: {reason.label}", "data": {"reason": reason.value}}


def bank_matches_release(action_ids: list[int]) -> int:
    """The bank accounts of released or closed levies (``action_ids``: actions of any remedy) are
    released too (docs/partner-files.md "FIDM"): a person's release (``action_end``), the rule's
    (the sweep's ``_release``, a person's step under it) alike."""
    return (
        BankMatch.objects.filter(action_id__in=action_ids, action__remedy=Remedy.BANK_LEVY)
        .exclude(status=BankMatchStatus.RELEASED)
        .update(status=BankMatchStatus.RELEASED)
    )


def release_changes(*, reason: ReleaseReason, on: date) -> dict[str, Any]:
    """What a release under the rule changes on the action."""
    return {"status": ActionStatus.RELEASED, "release_reason": reason, "ended_on": on, "next_step_on": None}


def _release(*, run: SweepRun, low: int, high: int, events: list[EventRow]) -> int:
    """Release open actions (not contested: a person decides those) of paid-up or closed cases
    (``release_due_q``).

    Both kinds are read and locked by one query (each was a pass over the chunk's open actions); an
    action of a closed case is released as "case closed" whatever its balance (as when the closed
    cases' actions were released first)."""
    in_range = EnforcementAction.objects.filter(
        case_id__gte=low, case_id__lt=high, status__in=OPEN_ACTION_STATUSES
    ).exclude(status=ActionStatus.CONTESTED)
    closed, paid_up = release_due_q()
    # Only the actions of the chunk's closed or paid-up cases are joined to their case, balance and
    # rule. The candidate cases stay a subquery: as a list of ids, with the statistics a first sweep
    # leaves, PostgreSQL read every open action of the office by the status index instead.
    cases = Case.objects.filter(pk__gte=low, pk__lt=high).filter(~Q(status="open") | Q(balance__total_arrears__lte=0))
    rows = list(
        in_range.filter(closed | paid_up, case_id__in=cases.values("pk"))
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "case_id", "remedy", "case__status")
    )
    released = 0
    for reason in (ReleaseReason.CASE_CLOSED, ReleaseReason.PAID_UP):
        released += len(
            _move(
                [(pk, case_id, remedy) for pk, case_id, remedy, status in rows if _release_reason(status) == reason],
                events=events,
                **release_event(reason),
                **release_changes(reason=reason, on=run.as_of),
            )
        )
    bank_matches_release([pk for pk, _, remedy, _ in rows if remedy == Remedy.BANK_LEVY])
    return released


def _advance(*, run: SweepRun, low: int, high: int, events: list[EventRow]) -> int:
    """Notice period over → contest window; contest window over (the day after ``contest_ends_on``,
    the last day the notice gives to contest) → active (sent to the partner)."""
    as_of = run.as_of
    in_range = EnforcementAction.objects.filter(case_id__gte=low, case_id__lt=high)
    opened = _transition(
        in_range.filter(status=ActionStatus.NOTICED, contest_opens_on__lte=as_of),
        events=events,
        verb="enforcement.action_contest_window_opened",
        summary=": notice period over, contest window open",
        status=ActionStatus.CONTEST_WINDOW,
        next_step_on=F("contest_ends_on"),
    )
    activated = _transition(
        # The window is over only after its last day, the date the letter prints (``can_contest``).
        # A CA licence action waits for its household income check (Fam. Code 17520.5): one more
        # condition of this query, no query per action.
        in_range.filter(status=ActionStatus.CONTEST_WINDOW, contest_ends_on__lt=as_of).exclude(awaiting_check_q(as_of)),
        events=events,
        verb="enforcement.action_activated",
        summary=": contest window over, sent to the partner",
        status=ActionStatus.ACTIVE,
        activated_on=as_of,
        next_step_on=None,
    )
    # A levy reaches the account(s) it was proposed on, as action_activate does one by one.
    levies = [pk for pk, _, remedy in activated if remedy == Remedy.BANK_LEVY]
    if levies:
        BankMatch.objects.filter(action_id__in=levies, status=BankMatchStatus.OPEN).update(
            status=BankMatchStatus.LEVIED
        )
    return len(opened) + len(activated)


def _chunk_survey(*, low: int, high: int, as_of: date) -> tuple[dict[str, int], bool]:
    """In one unlocked read of the chunk: its open cases with a balance by jurisdiction, and whether
    ``_release``, ``_advance`` or ``_delinquency_identify`` has anything to do.

    One pass over the chunk's cases joined to their balances, with the chunk's range on both (a
    range is not carried across a join: with it on one side PostgreSQL read the other table whole
    for each chunk), counts the cases and finds a delinquency to record or to forget, or a closed
    or paid-up case, whose open actions (not contested) are then looked for by a scalar subquery
    per such case, which the planner cannot turn into a join: as a join, with the statistics a
    first sweep leaves (the actions table filled since its last ANALYZE), PostgreSQL went from
    every open action of the chunk to its case and balance instead (0.2 s a chunk). An action due
    to move on is one test of the chunk's open actions, stopping at the first."""
    statuses = [s for s in OPEN_ACTION_STATUSES if s != ActionStatus.CONTESTED]
    marks = ", ".join(["%s"] * len(statuses))
    # A CA licence action waiting for its household income check (Fam. Code 17520.5) is not due:
    # ``_advance`` leaves it (``awaiting_check_q``), so it does not wake its chunk every night.
    if check_in_force(as_of):
        # A commercial licence at or below the line waits while the section covers commercial
        # licences on ``as_of`` (17520.5(a)(2); the line is rounded down, the income in cents).
        commercial = covers_commercial(as_of)
        held = "AND NOT (k.licence_class = %s AND k.household_income <= k.line)" if commercial else ""
        waiting = f"""a.remedy = %s AND a.rule_id IN (SELECT r.id FROM enforcement_remedyrule r
                                                         WHERE r.remedy = %s AND r.jurisdiction = %s)
                     AND NOT EXISTS (SELECT 1 FROM enforcement_licenceincomecheck k
                                      WHERE k.action_id = a.id AND NOT k.exempt {held})"""  # noqa: S608 — constant text
        waiting_params: list = [Remedy.LICENSE_SUSPENSION, Remedy.LICENSE_SUSPENSION, "CA"]
        if commercial:
            waiting_params.append(LicenceClass.COMMERCIAL)
    else:
        waiting, waiting_params = "1 = 0", []
    sql = f"""
        SELECT c.jurisdiction,
               SUM(CASE WHEN c.status = 'open' AND b.case_id IS NOT NULL THEN 1 ELSE 0 END),
               MAX(CASE WHEN c.status = 'open' AND c.delinquency_identified_on IS NULL
                             AND b.delinquent_since <= %s THEN 1
                        WHEN c.status = 'open' AND c.delinquency_identified_on IS NOT NULL
                             AND (b.delinquent_since IS NULL OR b.delinquent_since > %s) THEN 1
                        WHEN c.status <> 'open' OR b.total_arrears <= 0 THEN
                             (SELECT 1 FROM enforcement_enforcementaction a
                                JOIN enforcement_remedyrule r ON r.id = a.rule_id
                               WHERE a.case_id = c.id AND a.status IN ({marks})
                                 AND (c.status <> 'open' OR r.release_when_paid OR b.monthly_obligation <= 0)
                               LIMIT 1)
                        ELSE 0 END),
               EXISTS (SELECT 1 FROM enforcement_enforcementaction a
                        WHERE a.case_id >= %s AND a.case_id < %s
                          AND ((a.status = %s AND a.contest_opens_on <= %s)
                               OR (a.status = %s AND a.contest_ends_on < %s
                                   AND NOT ({waiting}))))
          FROM cases_case c
          LEFT JOIN cases_casebalance b ON b.case_id = c.id AND b.case_id >= %s AND b.case_id < %s
         WHERE c.id >= %s AND c.id < %s
         GROUP BY c.jurisdiction
    """  # noqa: S608 — constant text; every value is a parameter
    chunk = [low, high]
    params = [
        as_of, as_of, *statuses,
        *chunk, ActionStatus.NOTICED, as_of, ActionStatus.CONTEST_WINDOW, as_of, *waiting_params,
        *chunk, *chunk,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    examined = {jurisdiction: int(n) for jurisdiction, n, _, _ in rows if n}
    return examined, any(moves or due for _, _, moves, due in rows)


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


def arrears_based(rule: RemedyRule) -> bool:
    """A rule with any threshold, or delinquency, needs arrears (a rule with none — income
    withholding — applies to a case whatever its balance)."""
    thresholds = (
        rule.arrears_min,
        rule.assigned_arrears_min,
        rule.unassigned_arrears_min,
        rule.months_min,
        rule.days_past_due_min,
    )
    return any(v is not None for v in thresholds) or rule.requires_delinquency


def months_of_support(months: Decimal) -> Round:
    """``months`` months of the balance's monthly obligation, in dollars: what a rule's threshold in
    months of support compares the total arrears with. NY DRL 244-b(a) (and FCA 458-a) asks for
    "support arrears equivalent to or greater than the amount of support due pursuant to such
    judgment or order for a period of four months": an amount of money, so $3,995 owed on $1,000 a
    month is not four months of support, although ``months_in_arrears`` (a figure to read, cut to
    two places) once read it as 4.00; CA Fam. Code 17520's "more than" four months is
    ``total > 4 x monthly``. A rule in months is never met without a monthly obligation (the
    callers ask ``monthly_obligation > 0``). ``_OWN_CONDITIONS`` says the same in SQL.

    The product of two figures in hundredths has four places: ``ROUND(…, 4)`` changes nothing on
    PostgreSQL's numeric, and on SQLite brings the floating-point product back to it (4.5 × $400.22
    came out over $1,800.99 and refused arrears of exactly that)."""
    return Round(F("monthly_obligation") * Value(months, output_field=MONEY_FIELD), 4, output_field=MONEY_FIELD)


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
    if arrears_based(rule):
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
        # In money, and only with a monthly obligation to count months by (``months_of_support``).
        qs = qs.filter(
            monthly_obligation__gt=0,
            **{f"total_arrears__{rule.months_comparison}": months_of_support(rule.months_min)},
        )
    if rule.days_past_due_min is not None:
        # days past due = as_of - delinquent_since; "more than N" means delinquent before as_of - N.
        cutoff = as_of - timedelta(days=rule.days_past_due_min)
        lookup = "lt" if rule.days_comparison == "gt" else "lte"
        qs = qs.filter(**{"delinquent_since__isnull": False, f"delinquent_since__{lookup}": cutoff})
    if rule.requires_employer:
        qs = qs.filter(
            Exists(SupportOrder.objects.filter(case_id=OuterRef("case_id"), status="active")),
            Exists(
                # A job awaiting confirmation (typed at the desk for an FVI person) is no employer yet.
                Employment.objects.withholding()
                .filter(person_id=OuterRef("ncp_person_id"), started_on__lte=as_of)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
            ),
        )
    if rule.requires_bank_match:
        qs = qs.filter(
            Exists(BankMatch.objects.filter(person_id=OuterRef("ncp_person_id"), status=BankMatchStatus.OPEN))
        )
    return qs


# The case's arrears an action records when it is proposed, as they stood (``CaseBalance``
# columns of the same names on ``EnforcementAction``): the sweep and the importers that propose
# (FIDM levies, new-hire withholding) copy the same figures.
ARREARS_FIGURES = ("total_arrears", "assigned_arrears", "unassigned_arrears", "months_in_arrears", "delinquent_since")

# What a rule's query gives for each proposal (``_propose``).
PROPOSAL_SOURCE = (
    "case_id",
    *ARREARS_FIGURES,
    "case__delinquency_identified_on",
    "case__ncp_located_on",
    "cmp_total",
    "cmp_assigned",
    "cmp_unassigned",
    "ncp_person_id",
)
# Where a proposal's row gives each column: read by name, so a column added to ``PROPOSAL_SOURCE``
# shifts nothing. The row's head (the case and ``ARREARS_FIGURES``) goes into the action as read.
PROPOSAL_AT = {name: i for i, name in enumerate(PROPOSAL_SOURCE)}
CASE_AND_ARREARS = slice(0, 1 + len(ARREARS_FIGURES))
ACTION_VARYING = (
    "case",
    *ARREARS_FIGURES,
    "figures",
    "timeframe_start_on",
    "timeframe_due_on",
)


# What the insert of a rule's proposals returns for their events.
PROPOSED_RETURNING = ("id", "case", "total_arrears", "months_in_arrears")


def _proposed_values(*, run: SweepRun, rule: RemedyRule) -> dict:
    """The columns every action ``rule`` proposes in ``run`` shares."""
    return {
        "remedy": rule.remedy,
        "rule": rule,
        "status": ActionStatus.PROPOSED,
        "sweep_run": run,
        "proposed_on": run.as_of,
        "partner": rule.partner,
    }


def action_timeframe_days(rule: RemedyRule, on: date) -> int:
    """Days to take the action: 30, or 60 when service of process is needed (45 CFR 303.6(c)(2)),
    the legal rows in force on ``on``."""
    key = ACTION_TIMEFRAME_SERVICE_KEY if rule.service_of_process else ACTION_TIMEFRAME_KEY
    return int(legal_parameter(key, jurisdiction="US", on=on))


# The rules of a chunk as one relation of the proposal statement (``_propose_chunk_sql``): one row
# per rule version in effect, its thresholds made the law's floor (``rule_under_law``), with what
# the proposals and their events write. (name, PostgreSQL type)
RULE_COLUMNS = (
    ("ord", "int"),
    ("rule_id", "bigint"),
    ("remedy", "text"),
    ("jurisdiction", "text"),
    ("version", "int"),
    ("partner", "text"),
    ("arrears_based", "boolean"),
    ("requires_delinquency", "boolean"),
    ("arrears_min", "numeric"),
    ("arrears_gt", "boolean"),
    ("assigned_min", "numeric"),
    ("unassigned_min", "numeric"),
    ("aggregate", "boolean"),
    ("months_min", "numeric"),
    ("months_gt", "boolean"),
    ("days_min", "int"),
    ("days_gt", "boolean"),
    ("requires_employer", "boolean"),
    ("requires_bank_match", "boolean"),
    ("action_days", "int"),
    ("thresholds", "text"),
    ("remedy_label", "text"),
    ("citation", "text"),
)


def _rule_row(ord_: int, rule: RemedyRule, as_of: date) -> tuple:
    more_than = Comparison.MORE_THAN
    return (
        ord_,
        rule.pk,
        rule.remedy,
        rule.jurisdiction,
        rule.version,
        rule.partner,
        arrears_based(rule),
        rule.requires_delinquency,
        rule.arrears_min,
        rule.arrears_comparison == more_than,
        rule.assigned_arrears_min,
        rule.unassigned_arrears_min,
        rule.aggregate_by_ncp,
        rule.months_min,
        rule.months_comparison == more_than,
        rule.days_past_due_min,
        rule.days_comparison == more_than,
        rule.requires_employer,
        rule.requires_bank_match,
        action_timeframe_days(rule, as_of),
        rule.threshold_text(),
        rule.get_remedy_display(),
        rule.citation,
    )


# The conditions of ``qualifying_balances`` over the relation ``rule`` instead of one rule, in two
# halves. ``OWN``: what the case's own balance decides (every condition, except that a rule adding
# the NCP's cases only asks its own category to be in arrears); ``NCP``: what needs the NCP (the
# NCP's added arrears, a current employer, a bank match). Together they are the whole rule:
# tests/enforcement/test_sweep.py compares them with ``qualifying_balances`` rule by rule.
# ``%(as_of)s`` is the run date. Months of support are money (``months_of_support``), exact in numeric.
_OWN_CONDITIONS = """
    (NOT r.arrears_based OR b.total_arrears > 0)
    AND (NOT r.requires_delinquency OR b.delinquent_since <= %(as_of)s)
    AND (r.arrears_min IS NULL OR r.aggregate
         OR CASE WHEN r.arrears_gt THEN b.total_arrears > r.arrears_min ELSE b.total_arrears >= r.arrears_min END)
    AND ((r.assigned_min IS NULL AND r.unassigned_min IS NULL)
         OR (r.assigned_min IS NOT NULL AND b.assigned_arrears > 0
             AND (r.aggregate OR b.assigned_arrears >= r.assigned_min))
         OR (r.unassigned_min IS NOT NULL AND b.unassigned_arrears > 0
             AND (r.aggregate OR b.unassigned_arrears >= r.unassigned_min)))
    AND (r.months_min IS NULL
         OR (b.monthly_obligation > 0
             AND CASE WHEN r.months_gt THEN b.total_arrears > r.months_min * b.monthly_obligation
                      ELSE b.total_arrears >= r.months_min * b.monthly_obligation END))
    AND (r.days_min IS NULL
         OR CASE WHEN r.days_gt THEN b.delinquent_since < %(as_of)s::date - r.days_min
                 ELSE b.delinquent_since <= %(as_of)s::date - r.days_min END)
    AND (NOT r.requires_employer
         OR EXISTS (SELECT 1 FROM cases_supportorder o WHERE o.case_id = b.case_id AND o.status = 'active'
                    AND o.case_id >= %(low)s AND o.case_id < %(high)s))
"""
_NCP_CONDITIONS = """
    (NOT q.aggregate
     OR ((q.arrears_min IS NULL
          OR CASE WHEN q.arrears_gt THEN q.cmp_total > q.arrears_min ELSE q.cmp_total >= q.arrears_min END)
         AND ((q.assigned_min IS NULL AND q.unassigned_min IS NULL)
              OR (q.assigned_min IS NOT NULL AND q.assigned_arrears > 0 AND q.cmp_assigned >= q.assigned_min)
              OR (q.unassigned_min IS NOT NULL AND q.unassigned_arrears > 0 AND q.cmp_unassigned >= q.unassigned_min))))
    AND (NOT q.requires_employer OR q.ncp_employed)
    AND (NOT q.requires_bank_match OR q.ncp_matched)
"""

# What the chunk's insert of actions returns for their events.
CHUNK_PROPOSED_RETURNING = ("id", "case", "rule", "remedy", "total_arrears", "months_in_arrears")


def _positional(sql: str, named: dict) -> tuple[str, list]:
    """``sql`` with each ``%(name)s`` made ``%s``, and the values in their order: the inserts' own
    constants (``insert_from_sql``) are positional, and one statement takes one style."""
    params: list = []

    def placeholder(match: re.Match) -> str:
        params.append(named[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", placeholder, sql), params


def _propose_chunk_sql(*, run: SweepRun, rules: list[RemedyRule], low: int, high: int) -> int:
    """PostgreSQL: every rule's proposals of the chunk and their events in one statement.

    The rules are a relation (``RULE_COLUMNS``) joined to the chunk's open balances by
    jurisdiction, so the chunk is read once for all of them (it was read once per rule). Each
    (case, rule) pair first meets the conditions of the case's own balance and the anti-join "no
    open action for the remedy, none ended since the balance last changed": a ``NOT IN`` over the
    chunk's actions, which PostgreSQL runs as a hashed subplan (one scan of the chunk's actions on
    the (case, remedy, status) index, one hash probe per pair) whatever its estimates, as long as
    they fit in ``work_mem`` × ``hash_mem_multiplier`` (8 MB by default: some 100,000 actions; a
    chunk of 5,000 cases has about 15,000). A
    ``NOT EXISTS`` is planned as a join, and with the statistics a first sweep leaves (the table
    filled since its last ANALYZE, the chunk's actions estimated at a handful) PostgreSQL joined
    every pair to every action of the chunk: 8.7 s a chunk of a repeat sweep at 20,000 cases.
    Only the pairs left (on a repeat night: few) get their NCP (the first NCP participant), the
    NCP's employer and bank match, and, for rules adding the NCP's cases, the NCP's arrears across
    the NCP's open cases of the jurisdiction (PIQ-01-06). The proposals are inserted ``ON CONFLICT
    DO NOTHING`` against the one-open-action index (a redelivered chunk or a parallel worker adds
    nothing), and their ``RETURNING`` rows feed the events' insert. The figures JSON, the timeframe
    dates and the texts are the database's (``_propose`` writes the same in Python on SQLite);
    nothing per row comes back to Python."""
    if not rules:
        return 0
    as_of = run.as_of
    row_sql = "(" + ", ".join(f"%s::{kind}" for _, kind in RULE_COLUMNS) + ")"
    rule_params = [v for i, rule in enumerate(rules) for v in _rule_row(i, rule, as_of)]
    open_statuses = ", ".join(f"'{s}'" for s in OPEN_ACTION_STATUSES)
    ended_statuses = ", ".join(f"'{s}'" for s in (ActionStatus.RELEASED, ActionStatus.CLOSED))
    named = {"as_of": as_of, "as_of_text": as_of.isoformat(), "low": low, "high": high}
    candidates, candidate_params = _positional(
        f"""
        SELECT r.ord, r.rule_id, r.remedy, r.partner, r.version, r.thresholds, r.action_days, r.aggregate,
               r.arrears_min, r.arrears_gt, r.assigned_min, r.unassigned_min, r.requires_employer,
               r.requires_bank_match, b.case_id, c.jurisdiction, b.total_arrears, b.assigned_arrears,
               b.unassigned_arrears, b.months_in_arrears, b.delinquent_since, c.delinquency_identified_on,
               c.ncp_located_on
          FROM cases_casebalance b
          JOIN cases_case c ON c.id = b.case_id
          JOIN rule r ON r.jurisdiction = c.jurisdiction
         WHERE b.case_id >= %(low)s AND b.case_id < %(high)s AND c.id >= %(low)s AND c.id < %(high)s
           AND c.status = 'open'
           AND (b.case_id, r.remedy) NOT IN (
               SELECT a.case_id, a.remedy::text FROM enforcement_enforcementaction a
                WHERE a.case_id >= %(low)s AND a.case_id < %(high)s AND a.status IN ({open_statuses})
               UNION ALL
               SELECT a.case_id, a.remedy::text FROM enforcement_enforcementaction a
                 JOIN cases_casebalance ab ON ab.case_id = a.case_id
                WHERE a.case_id >= %(low)s AND a.case_id < %(high)s AND a.status IN ({ended_statuses})
                  AND a.updated_at >= ab.updated_at)
           AND {_OWN_CONDITIONS}
        """,  # noqa: S608 — constant text; every value is a parameter
        named,
    )
    # The NCP's employer: a current job that drives withholding (``cases.models.people.WITHHOLDING_JOBS_Q``,
    # said in SQL here: ``NOT m.awaits_confirmation`` and not ``recorded_twice``), as
    # ``qualifying_balances`` asks on SQLite.
    # Each pair left gets its NCP and, for a rule adding the NCP's cases, the NCP's totals by a
    # LATERAL lookup on the indexes (the participant's (case, role) and (person, role), the case's
    # and the balance's keys): linear in the pairs. As CTEs joined to the pairs, a first sweep's
    # estimates (the pairs planned as one row) made both joins nested loops over CTE scans, every
    # pair against every NCP and every NCP's totals: 26 s a chunk at 1,000,000 cases, 25 million
    # rows compared and thrown away (issue 17.2, session 12).
    figured, figured_params = _positional(
        """
        SELECT x.*, n.person_id AS ncp_id, n.employed AS ncp_employed, n.matched AS ncp_matched,
               CASE WHEN x.aggregate THEN COALESCE(t.total, x.total_arrears) ELSE x.total_arrears END AS cmp_total,
               CASE WHEN x.aggregate THEN COALESCE(t.assigned, x.assigned_arrears) ELSE x.assigned_arrears END
                   AS cmp_assigned,
               CASE WHEN x.aggregate THEN COALESCE(t.unassigned, x.unassigned_arrears) ELSE x.unassigned_arrears END
                   AS cmp_unassigned
          FROM cand x
          LEFT JOIN LATERAL (
              SELECT p.person_id,
                     EXISTS (SELECT 1 FROM cases_employment m
                              WHERE m.person_id = p.person_id AND m.started_on <= %(as_of)s
                                AND (m.ended_on IS NULL OR m.ended_on >= %(as_of)s)
                                AND NOT m.awaits_confirmation
                                AND m.ended_reason <> 'recorded_twice') AS employed,
                     EXISTS (SELECT 1 FROM enforcement_bankmatch k WHERE k.person_id = p.person_id AND k.status = 'open')
                         AS matched
                FROM cases_caseparticipant p
               WHERE p.case_id = x.case_id AND p.role = 'ncp'
                 AND (x.aggregate OR x.requires_employer OR x.requires_bank_match)
               ORDER BY p.id LIMIT 1) n ON true
          LEFT JOIN LATERAL (
              SELECT SUM(b.total_arrears) AS total, SUM(b.assigned_arrears) AS assigned,
                     SUM(b.unassigned_arrears) AS unassigned
                FROM cases_caseparticipant p
                JOIN cases_case c ON c.id = p.case_id
                JOIN cases_casebalance b ON b.case_id = p.case_id
               WHERE x.aggregate AND p.person_id = n.person_id AND p.role = 'ncp'
                 AND c.status = 'open' AND c.jurisdiction = x.jurisdiction) t ON true
        """,
        named,
    )
    # The timeframe starts when the system first identified the delinquency or the NCP was located,
    # whichever is later (45 CFR 303.6(c)(2)). A delinquency never identified before is identified
    # by this run: as_of, never the day it began years earlier (``_delinquency_identify`` records it).
    proposals, proposal_params = _positional(
        f"""
        SELECT q.case_id, q.total_arrears, q.assigned_arrears, q.unassigned_arrears, q.months_in_arrears,
               q.delinquent_since,
               jsonb_build_object('as_of', %(as_of_text)s::text, 'rule_version', q.version,
                                  'thresholds', q.thresholds, 'days_past_due', %(as_of)s::date - q.delinquent_since)
               || CASE WHEN q.aggregate THEN jsonb_build_object(
                      'ncp_person_id', q.ncp_id, 'ncp_total_arrears', ROUND(q.cmp_total, 2)::text,
                      'ncp_assigned_arrears', ROUND(q.cmp_assigned, 2)::text,
                      'ncp_unassigned_arrears', ROUND(q.cmp_unassigned, 2)::text)
                  ELSE '{{}}'::jsonb END,
               s.start, s.start + q.action_days, q.remedy, q.rule_id, q.partner
          FROM figured q
          CROSS JOIN LATERAL (SELECT GREATEST(COALESCE(q.delinquency_identified_on, %(as_of)s::date),
                                              q.ncp_located_on) AS start) s
         WHERE {_NCP_CONDITIONS}
         ORDER BY q.ord, q.case_id
        """,  # noqa: S608 — constant text; every value is a parameter
        named,
    )
    actions, action_constants = insert_from_sql(
        EnforcementAction,
        (*ACTION_VARYING, "remedy", "rule", "partner"),
        "p",
        ignore_conflicts=True,
        returning=CHUNK_PROPOSED_RETURNING,
        values={"status": ActionStatus.PROPOSED, "sweep_run": run, "proposed_on": as_of},
    )
    # The events are made from the RETURNING rows of the same statement (not read back).
    event_rows = (
        "SELECT 'enforcement.action_proposed', a.id, a.case_id,"
        " LEFT(r.remedy_label || ' proposed: arrears $' || to_char(a.total_arrears, 'FM999,999,999,990.00')"
        "  || ', ' || a.months_in_arrears::text || ' months (' || r.citation || ')', 500),"
        " jsonb_build_object('rule_id', a.rule_id, 'remedy', a.remedy, 'total_arrears', a.total_arrears::text,"
        "  'months', a.months_in_arrears::text)"
        " FROM a JOIN rule r ON r.rule_id = a.rule_id ORDER BY a.id"
    )
    events, event_constants = insert_from_sql(
        DomainEvent,
        ("verb", "subject_id", "case_id", "summary", "data"),
        "e",
        values={"subject_type": _action_type(), "actor_label": f"enforcement sweep {run.pk}"},
    )
    rule_names = ", ".join(name for name, _ in RULE_COLUMNS)
    columns = ", ".join(f"c{i}" for i in range(len(ACTION_VARYING) + 3))
    sql = (
        f"WITH rule({rule_names}) AS (VALUES {', '.join([row_sql] * len(rules))}),"  # noqa: S608
        f" cand AS MATERIALIZED ({candidates}), figured AS ({figured}), p({columns}) AS ({proposals}), a AS ({actions}),"
        f" e(c0, c1, c2, c3, c4) AS ({event_rows}), written AS ({events}) SELECT COUNT(*) FROM a"
    )
    params = [
        *rule_params,
        *candidate_params,
        *figured_params,
        *proposal_params,
        *action_constants,
        *event_constants,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # constant text and the ORM's own names; every value is a parameter
        return cursor.fetchone()[0]


def _propose_rule_by_rule(
    *, run: SweepRun, rules: list[RemedyRule], low: int, high: int, events: list[EventRow]
) -> int:
    """SQLite (and the reference the one-statement path is tested against): the chunk's figures
    written once (``_figures_fill``), then each rule's query (``qualifying_balances``, the query
    the notice check runs) and one insert of its proposals; their events are queued in ``events``."""
    _figures_fill(low=low, high=high)
    balances = CaseBalance.objects.filter(case_id__gte=low, case_id__lt=high, case__status="open")
    return sum(_propose(run=run, rule=rule, balances=balances, low=low, high=high, events=events) for rule in rules)


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
    rows = list(qs.values_list(*PROPOSAL_SOURCE))
    if not rows:
        return 0
    days = action_timeframe_days(rule, as_of)
    thresholds = rule.threshold_text()
    as_of_text = as_of.isoformat()
    actions = []
    for row in rows:
        # The case and its arrears figures (``ARREARS_FIGURES``) go into the action as read (``ACTION_VARYING``).
        case_and_arrears = row[CASE_AND_ARREARS]
        identified_on = row[PROPOSAL_AT["case__delinquency_identified_on"]]
        located_on = row[PROPOSAL_AT["case__ncp_located_on"]]
        delinquent_since = row[PROPOSAL_AT["delinquent_since"]]
        start = max(d for d in (identified_on or as_of, located_on) if d is not None)
        figures = {
            "as_of": as_of_text,
            "rule_version": rule.version,
            "thresholds": thresholds,
            "days_past_due": (as_of - delinquent_since).days if delinquent_since else None,
        }
        if rule.aggregate_by_ncp:
            figures.update(
                ncp_person_id=row[PROPOSAL_AT["ncp_person_id"]],
                ncp_total_arrears=str(money(row[PROPOSAL_AT["cmp_total"]])),
                ncp_assigned_arrears=str(money(row[PROPOSAL_AT["cmp_assigned"]])),
                ncp_unassigned_arrears=str(money(row[PROPOSAL_AT["cmp_unassigned"]])),
            )
        actions.append((*case_and_arrears, figures, start, start + timedelta(days=days)))
    # One statement; the partial unique index skips a case that got an open action meanwhile.
    created = rows_insert(
        EnforcementAction,
        ACTION_VARYING,
        actions,
        ignore_conflicts=True,
        values=_proposed_values(run=run, rule=rule),
        returning=PROPOSED_RETURNING,
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

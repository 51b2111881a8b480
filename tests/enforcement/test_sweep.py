"""The sweep: idempotent, chunk-size independent, releases paid-up cases, moves actions on."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction

from cases.models import Case, CaseBalance
from core.models import DomainEvent
from enforcement.choices import ActionStatus, ChunkStatus, ReleaseReason, Remedy, SweepStatus
from enforcement.models import EnforcementAction, RemedyRule, SweepChunk, SweepRun
from enforcement.services import sweep as sweep_service
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_chunk_process, sweep_run_inline, sweep_start
from enforcement.tasks import nightly_sweep_task
from tests.conftest import needs_postgres
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(EnforcementAction.objects.values_list("case__case_number", "remedy", "status", "total_arrears"))


@pytest.fixture
def office():
    return [
        delinquent_case(unassigned="3000.00"),  # passport, tax offset, licence (6 months), credit bureau
        delinquent_case(assigned="200.00"),
        delinquent_case(jurisdiction="CA", unassigned="2600.00", days_past_due=90),
        delinquent_case(unassigned="100.00"),  # below every threshold
    ]


def test_sweep_twice_proposes_nothing_new(office):
    first = sweep_run_inline(as_of=AS_OF)
    before = snapshot()
    second = sweep_run_inline(as_of=AS_OF)
    assert first.proposed == len(before) > 0
    assert second.proposed == 0 and second.released == 0
    assert snapshot() == before
    assert DomainEvent.objects.filter(verb="enforcement.action_proposed").count() == len(before)


def test_a_repeat_sweep_with_nothing_due_neither_locks_nor_updates_actions_or_cases(office):
    """A chunk with nothing to release, move on or identify is told so by one unlocked read, and
    skips the locked reads and updates that would find nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sweep_run_inline(as_of=AS_OF)
    with CaptureQueriesContext(connection) as queries:
        second = sweep_run_inline(as_of=AS_OF)
    statements = [" ".join(q["sql"].split()) for q in queries.captured_queries]
    touching = [
        sql
        for sql in statements
        if ("FOR UPDATE" in sql or sql.startswith("UPDATE"))
        and ('"enforcement_enforcementaction"' in sql or '"cases_case"' in sql)
    ]
    assert second.proposed == second.released == second.advanced == 0
    assert touching == []


def test_chunk_size_does_not_change_the_actions(office, django_db_blocker):
    sweep_run_inline(as_of=AS_OF, chunk_size=1)
    small_chunks = snapshot()
    EnforcementAction.objects.all().delete()
    run = sweep_run_inline(as_of=AS_OF, chunk_size=10_000)
    assert run.chunk_count == 1
    assert snapshot() == small_chunks


def test_a_chunk_applies_only_the_rules_of_its_cases_jurisdictions(office, monkeypatch):
    # given one case per chunk: three in New York, one in California
    applied = []
    under_law = sweep_service.rule_under_law

    def recorded(rule, *, on):
        applied.append(rule.jurisdiction)
        return under_law(rule, on=on)

    monkeypatch.setattr(sweep_service, "rule_under_law", recorded)
    # when
    sweep_run_inline(as_of=AS_OF, chunk_size=1)
    # then each chunk applied every rule of its own profile and none of the other's
    rules = RemedyRule.objects.in_effect(AS_OF).filter(enabled=True)
    ny, ca = rules.filter(jurisdiction="NY").count(), rules.filter(jurisdiction="CA").count()
    assert ny and ca
    assert sorted(applied) == sorted(["NY"] * 3 * ny + ["CA"] * ca)


def test_run_records_counts_and_finishes(office):
    run = sweep_run_inline(as_of=AS_OF, chunk_size=2)
    assert run.status == SweepStatus.FINISHED and run.finished_at is not None
    assert run.cases_examined == 4
    assert run.chunks_done == run.chunk_count == SweepChunk.objects.filter(run=run).count()
    assert run.proposed == EnforcementAction.objects.count()


def test_a_chunk_processed_twice_is_skipped(office):
    run = sweep_start(as_of=AS_OF, chunk_size=100)
    chunk = run.chunks.get()
    sweep_chunk_process(chunk_id=chunk.pk)
    count = EnforcementAction.objects.count()
    again = sweep_chunk_process(chunk_id=chunk.pk)  # a redelivered task
    assert again.status == ChunkStatus.DONE
    assert EnforcementAction.objects.count() == count
    run.refresh_from_db()
    assert run.chunks_done == 1 and run.proposed == count


def test_the_database_refuses_a_second_open_action(office):
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.first()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        EnforcementAction.objects.create(
            case=action.case,
            remedy=action.remedy,
            rule=action.rule,
            proposed_on=AS_OF,
            total_arrears=1,
            timeframe_start_on=AS_OF,
            timeframe_due_on=AS_OF,
        )


def test_paid_up_case_gets_its_actions_released(office):
    sweep_run_inline(as_of=AS_OF)
    case = office[0]
    CaseBalance.objects.filter(case=case).update(
        total_arrears=0, unassigned_arrears=0, months_in_arrears=0, delinquent_since=None
    )
    run = sweep_run_inline(as_of=AS_OF + timedelta(days=1))
    actions = EnforcementAction.objects.filter(case=case)
    assert run.released == actions.count() > 0
    assert set(actions.values_list("status", "release_reason")) == {(ActionStatus.RELEASED, ReleaseReason.PAID_UP)}
    assert DomainEvent.objects.filter(verb="enforcement.action_released", case_id=case.pk).count() == run.released


def test_closed_case_gets_its_actions_released(office):
    sweep_run_inline(as_of=AS_OF)
    Case.objects.filter(pk=office[1].pk).update(status="closed", closure_reason="other", closed_on=AS_OF)
    sweep_run_inline(as_of=AS_OF)
    assert set(EnforcementAction.objects.filter(case=office[1]).values_list("release_reason", flat=True)) == {
        ReleaseReason.CASE_CLOSED
    }


def test_a_released_action_is_proposed_again_only_after_the_balance_changes(office):
    sweep_run_inline(as_of=AS_OF)
    case = office[0]
    CaseBalance.objects.filter(case=case).update(total_arrears=0, unassigned_arrears=0)
    sweep_run_inline(as_of=AS_OF)
    balance = CaseBalance.objects.get(case=case)
    # arrears back, but the row still reads as of before the release: not proposed yet
    CaseBalance.objects.filter(case=case).update(
        total_arrears=3000, unassigned_arrears=3000, updated_at=balance.updated_at
    )
    assert sweep_run_inline(as_of=AS_OF).proposed == 0
    balance.total_arrears = balance.unassigned_arrears = Decimal("3000.00")
    balance.save()  # a new charge: updated_at moves
    assert sweep_run_inline(as_of=AS_OF).proposed > 0


def test_sweep_moves_noticed_actions_through_the_contest_window_to_active(office, make_user):
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=office[0], remedy=Remedy.CREDIT_BUREAU)  # NY: 10 days notice
    action = action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    assert action.contest_opens_on == AS_OF + timedelta(days=10)
    sweep_run_inline(as_of=AS_OF + timedelta(days=9))
    action.refresh_from_db()
    assert action.status == ActionStatus.NOTICED
    # a contest window of 0 days: its one day is the notice period's last, when a contest is still taken
    run = sweep_run_inline(as_of=AS_OF + timedelta(days=10))
    action.refresh_from_db()
    assert action.status == ActionStatus.CONTEST_WINDOW and action.contest_ends_on == AS_OF + timedelta(days=10)
    assert run.advanced == 1
    run = sweep_run_inline(as_of=AS_OF + timedelta(days=11))  # the window is over only after its last day
    action.refresh_from_db()
    assert action.status == ActionStatus.ACTIVE and action.activated_on == AS_OF + timedelta(days=11)
    assert run.advanced == 1


def test_on_the_last_day_of_a_contest_window_the_survey_finds_nothing_to_move(office, make_user):
    """The chunk's unlocked survey (SQL) and the locked date step (ORM) agree on when a window is
    over: on its last day neither moves the action, so nothing is locked or updated."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=office[0], remedy=Remedy.PASSPORT_DENIAL)
    action = action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    sweep_run_inline(as_of=AS_OF)  # notice period of 0 days: the window opens
    action.refresh_from_db()
    assert action.status == ActionStatus.CONTEST_WINDOW
    with CaptureQueriesContext(connection) as queries:
        run = sweep_run_inline(as_of=action.contest_ends_on)
    touching = [
        q["sql"]
        for q in queries.captured_queries
        if ("FOR UPDATE" in q["sql"] or q["sql"].lstrip().startswith("UPDATE"))
        and '"enforcement_enforcementaction"' in q["sql"]
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.CONTEST_WINDOW and run.advanced == 0
    assert touching == []


def test_run_sweep_command_prints_counts(office, capsys):
    call_command("run_sweep", "--as-of", AS_OF.isoformat(), "--chunk-size", "2")
    out = capsys.readouterr().out
    assert f"proposed={EnforcementAction.objects.count()}" in out and "cases_examined=4" in out


def test_nightly_task_fans_out_chunks(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = nightly_sweep_task.delay(as_of=AS_OF.isoformat(), chunk_size=1).get()
    from enforcement.models import SweepRun

    run = SweepRun.objects.get(pk=run_id)
    assert run.status == SweepStatus.FINISHED and run.chunk_count > 1
    assert run.proposed == EnforcementAction.objects.count() > 0


def test_a_failing_chunk_is_recorded_and_the_others_finish(office, monkeypatch):
    from enforcement.services import sweep as sweep_module

    real = sweep_module._sweep_range

    def flaky(*, run, low, high):
        if low <= office[1].pk < high:
            raise RuntimeError("boom")
        return real(run=run, low=low, high=high)

    monkeypatch.setattr(sweep_module, "_sweep_range", flaky)
    run = sweep_run_inline(as_of=AS_OF, chunk_size=1)
    assert run.status == SweepStatus.FAILED and run.errors == 1 and "boom" in run.error_detail
    assert run.chunks_done == run.chunk_count
    assert not EnforcementAction.objects.filter(case=office[1]).exists()
    assert EnforcementAction.objects.filter(case=office[0]).exists()


def test_a_proposal_records_its_figures_dates_and_event(db):
    """Every figure of a proposal, pinned: PostgreSQL computes them in SQL and SQLite in Python,
    and both must write exactly this."""
    case = delinquent_case(unassigned="3000.00", days_past_due=90)
    Case.objects.filter(pk=case.pk).update(
        delinquency_identified_on=AS_OF - timedelta(days=10), ncp_located_on=AS_OF - timedelta(days=20)
    )
    run = sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.select_related("rule").get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    rule = action.rule
    assert (action.status, action.proposed_on, action.sweep_run_id, action.partner) == (
        ActionStatus.PROPOSED,
        AS_OF,
        run.pk,
        rule.partner,
    )
    assert (action.total_arrears, action.unassigned_arrears, action.months_in_arrears) == (
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("6.00"),
    )
    balance = CaseBalance.objects.get(case=case)
    assert (action.assigned_arrears, action.delinquent_since) == (Decimal("0.00"), balance.delinquent_since)
    assert action.delinquent_since == AS_OF - timedelta(days=90)
    # The later of identified (10 days ago) and located (20 days ago); 30 days (45 CFR 303.6(c)(2)).
    assert action.timeframe_start_on == AS_OF - timedelta(days=10)
    assert action.timeframe_due_on == AS_OF - timedelta(days=10) + timedelta(
        days=30 if not rule.service_of_process else 60
    )
    expected = {
        "as_of": AS_OF.isoformat(),
        "rule_version": rule.version,
        "thresholds": rule.threshold_text(),
        "days_past_due": 90,
    }
    if rule.aggregate_by_ncp:
        expected |= {
            "ncp_person_id": case.participants.get(role="ncp").person_id,
            "ncp_total_arrears": "3000.00",
            "ncp_assigned_arrears": "0.00",
            "ncp_unassigned_arrears": "3000.00",
        }
    assert action.figures == expected
    event = DomainEvent.objects.get(verb="enforcement.action_proposed", subject_id=action.pk)
    assert event.case_id == case.pk and event.actor_label == f"enforcement sweep {run.pk}"
    assert event.summary == (f"{rule.get_remedy_display()} proposed: arrears $3,000.00, 6.00 months ({rule.citation})")
    assert event.data == {"rule_id": rule.pk, "remedy": rule.remedy, "total_arrears": "3000.00", "months": "6.00"}


def test_a_case_neither_identified_nor_located_starts_its_timeframe_on_the_day_it_is_proposed(db):
    case = delinquent_case(unassigned="3000.00", days_past_due=None, months="0.50")
    Case.objects.filter(pk=case.pk).update(delinquency_identified_on=None, ncp_located_on=None)
    CaseBalance.objects.filter(case=case).update(delinquent_since=None)
    sweep_run_inline(as_of=AS_OF)
    starts = set(EnforcementAction.objects.filter(case=case).values_list("timeframe_start_on", flat=True))
    assert starts == {AS_OF}  # some rule proposed (arrears alone), and each timeframe starts today


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_chunk_in_progress_leaves_the_run_row_unlocked_for_the_other_workers(office, monkeypatch):
    """Chunks of one run go in parallel: a chunk's transaction locks its own row, not the run's
    (a FOR UPDATE over the chunk joined to its run serialized every worker behind one row)."""
    from enforcement.services import sweep as sweep_module

    real, seen = sweep_module._sweep_range, []

    def other_worker_locks_the_run(run_id):
        try:
            with transaction.atomic():
                SweepRun.objects.select_for_update(nowait=True).get(pk=run_id)
            seen.append("locked")
        except DatabaseError:
            seen.append("blocked")
        finally:
            connections.close_all()

    def observed(*, run, low, high):
        thread = threading.Thread(target=other_worker_locks_the_run, args=(run.pk,))
        thread.start()
        thread.join()
        return real(run=run, low=low, high=high)

    monkeypatch.setattr(sweep_module, "_sweep_range", observed)
    run = sweep_start(as_of=AS_OF, chunk_size=10**6)
    chunk = sweep_chunk_process(chunk_id=run.chunks.get().pk)

    assert seen == ["locked"]
    assert chunk.status == ChunkStatus.DONE and chunk.proposed > 0


def varied_office():
    """Cases on both sides of every seeded rule's thresholds, in both profiles, with NCPs shared
    across cases (and profiles, and a closed case), employers current and past, bank matches, actions
    open and ended, and a rule revised and one disabled: what the sweep decides, case by case."""
    from datetime import date

    from cases.models import CaseParticipant
    from enforcement.models import BankMatch
    from enforcement.services.rules import rule_revise
    from tests.cases.factories import EmploymentFactory

    cases = []
    for assigned, unassigned in [
        ("0.00", "0.00"),
        ("149.99", "0.00"),
        ("150.00", "0.00"),
        ("0.00", "499.99"),
        ("0.00", "500.00"),
        ("100.00", "2400.00"),
        ("0.00", "2500.01"),
        ("150.00", "3000.00"),
    ]:
        cases.append(delinquent_case(assigned=assigned, unassigned=unassigned))
    # Months of support, in money (NY DRL 244-b): around four months of $500 and of $433.33 (a
    # weekly $100), and arrears with no monthly obligation to count months by.
    for monthly, arrears in [
        ("500.00", "250.00"),
        ("500.00", "1997.50"),  # 3.995 months, which read 4.00 rounded
        ("500.00", "2000.00"),
        ("500.00", "2000.01"),
        ("433.33", "1733.31"),
        ("433.33", "1733.32"),
        ("0.00", "6000.00"),
    ]:
        cases.append(delinquent_case(monthly=monthly, unassigned=arrears))
    for days, arrears in [
        (None, "100.00"),
        (30, "100.01"),
        (31, "100.00"),
        (60, "100.01"),
        (61, "100.01"),
        (90, "99.99"),
    ]:
        cases.append(delinquent_case(jurisdiction="CA", unassigned=arrears, days_past_due=days))
    for days, monthly, assigned in [
        (31, "40.00", "160.00"),
        (31, "40.00", "160.01"),  # 4.00025 months, which read 4.00 rounded: not "more than 4"
        (30, "40.00", "200.00"),
        (31, "433.33", "1733.32"),
        (31, "433.33", "1733.33"),
        (200, "0.00", "160.00"),
    ]:
        cases.append(delinquent_case(jurisdiction="CA", monthly=monthly, assigned=assigned, days_past_due=days))
    # One NCP's cases added up per category (PIQ-01-06): the NY cases, not the CA nor the closed one.
    shared = delinquent_case(unassigned="300.00")
    cases += [
        shared,
        delinquent_case(unassigned="250.00", assigned="100.00", ncp=shared.ncp),
        delinquent_case(jurisdiction="CA", unassigned="400.00", ncp=shared.ncp),
        delinquent_case(unassigned="900.00", ncp=shared.ncp, case_number="NY-CLOSED-1"),
    ]
    Case.objects.filter(case_number="NY-CLOSED-1").update(status="closed", closure_reason="other", closed_on=AS_OF)
    credit = delinquent_case(assigned="140.00")
    cases += [credit, delinquent_case(assigned="-50.00", ncp=credit.ncp)]
    # Employers, bank matches, no NCP at all.
    employed = delinquent_case(unassigned="800.00")
    EmploymentFactory(person=employed.ncp, started_on=date(2025, 1, 1))
    left = delinquent_case(unassigned="800.00")
    EmploymentFactory(person=left.ncp, started_on=date(2025, 1, 1), ended_on=date(2026, 10, 1))
    matched = delinquent_case(unassigned="1200.00")
    BankMatch.objects.create(person=matched.ncp, institution="First Bank", account_last4="1234", matched_on=AS_OF)
    no_ncp = delinquent_case(unassigned="3000.00")
    CaseParticipant.objects.filter(case=no_ncp, role="ncp").delete()
    employed_ca = delinquent_case(jurisdiction="CA", unassigned="800.00", days_past_due=90)
    EmploymentFactory(person=employed_ca.ncp, started_on=date(2025, 1, 1))
    matched_ca = delinquent_case(jurisdiction="CA", unassigned="1200.00", days_past_due=90)
    BankMatch.objects.create(person=matched_ca.ncp, institution="First Bank", account_last4="9876", matched_on=AS_OF)
    cases += [employed, left, matched, no_ncp, employed_ca, matched_ca]
    # Dates the timeframe starts from.
    dated = delinquent_case(unassigned="3000.00", days_past_due=90)
    Case.objects.filter(pk=dated.pk).update(
        delinquency_identified_on=AS_OF - timedelta(days=10), ncp_located_on=AS_OF - timedelta(days=20)
    )
    cases.append(dated)
    # Actions already there: one open, one ended after the balance changed, one ended before.
    is_open, ended_after, ended_before = (delinquent_case(unassigned="3000.00") for _ in range(3))
    _action_on(is_open, Remedy.PASSPORT_DENIAL, ActionStatus.NOTICED)
    _action_on(ended_after, Remedy.PASSPORT_DENIAL, ActionStatus.RELEASED)
    _action_on(ended_before, Remedy.PASSPORT_DENIAL, ActionStatus.CLOSED)
    CaseBalance.objects.filter(case=ended_before).update(total_arrears=Decimal("3000.00"))  # updated_at moves
    cases += [is_open, ended_after, ended_before]
    # A revised rule (a bank levy threshold) and a disabled one.
    levy = RemedyRule.objects.get(remedy=Remedy.BANK_LEVY, jurisdiction="NY")
    rule_revise(rule=levy, effective_from=date(2026, 1, 1), reason="State threshold", arrears_min=Decimal("1000.00"))
    bureau = RemedyRule.objects.get(remedy=Remedy.CREDIT_BUREAU, jurisdiction="CA")
    rule_revise(rule=bureau, effective_from=date(2026, 1, 1), reason="Paused", enabled=False)
    return cases


def _action_on(case, remedy, status):
    rule = RemedyRule.objects.in_effect(AS_OF).get(remedy=remedy, jurisdiction=case.jurisdiction)
    ended = status in (ActionStatus.RELEASED, ActionStatus.CLOSED)
    return EnforcementAction.objects.create(
        case=case,
        remedy=remedy,
        rule=rule,
        status=status,
        proposed_on=AS_OF - timedelta(days=40),
        total_arrears=Decimal("3000.00"),
        timeframe_start_on=AS_OF - timedelta(days=40),
        timeframe_due_on=AS_OF - timedelta(days=10),
        ended_on=AS_OF - timedelta(days=5) if ended else None,
    )


def proposals(run):
    """Everything a run's proposals wrote, independent of the ids they were given."""
    actions = EnforcementAction.objects.filter(sweep_run=run)
    fields = (
        "case_id",
        "remedy",
        "rule_id",
        "status",
        "partner",
        "proposed_on",
        "total_arrears",
        "assigned_arrears",
        "unassigned_arrears",
        "months_in_arrears",
        "delinquent_since",
        "timeframe_start_on",
        "timeframe_due_on",
    )
    rows = {(a["case_id"], a["remedy"]): a for a in actions.values("id", "figures", *fields)}
    events = DomainEvent.objects.filter(
        verb="enforcement.action_proposed", subject_id__in=[a["id"] for a in rows.values()]
    )
    by_id = {e.subject_id: (e.case_id, e.actor_label, e.summary, e.data) for e in events}
    return sorted(
        (tuple(a[f] for f in fields), sorted(a["figures"].items()), by_id.get(a["id"])) for a in rows.values()
    )


class _Rollback(Exception):
    pass


@needs_postgres()
def test_the_one_statement_proposes_what_each_rules_query_proposes(monkeypatch):
    """PostgreSQL proposes every rule of a chunk in one statement; each rule's own query
    (``qualifying_balances``, the query the notice check runs, and SQLite's sweep) is the reference:
    the same actions, figures, dates and events, for every seeded rule."""
    varied_office()

    # given what the rules' queries propose, one rule at a time (rolled back)
    def rule_by_rule(*, run, rules, low, high):
        events = []
        proposed = sweep_service._propose_rule_by_rule(run=run, rules=rules, low=low, high=high, events=events)
        sweep_service._events_write(run=run, events=events)
        return proposed

    try:
        with transaction.atomic(), monkeypatch.context() as patch:
            patch.setattr(sweep_service, "_propose_chunk_sql", rule_by_rule)
            reference_run = sweep_run_inline(as_of=AS_OF, chunk_size=7)
            reference = proposals(reference_run)
            raise _Rollback
    except _Rollback:
        pass
    # when the sweep proposes in one statement per chunk
    run = sweep_run_inline(as_of=AS_OF, chunk_size=7)
    # then
    ours = proposals(run)
    label = f"enforcement sweep {run.pk}"
    assert [(a, f, (e[0], e[2], e[3])) for a, f, e in ours] == [(a, f, (e[0], e[2], e[3])) for a, f, e in reference]
    assert {e[1] for _, _, e in ours} == {label}
    assert (run.proposed, run.errors) == (reference_run.proposed, 0) == (len(ours), 0)
    remedies = {a[1] for a, _, _ in ours}
    rules = RemedyRule.objects.in_effect(AS_OF).filter(enabled=True)
    assert remedies == set(rules.values_list("remedy", flat=True))  # every rule in effect proposed something


def test_the_one_action_release_rule_agrees_with_the_sweep():
    # given: actions of cases closed or open, paid up or owing, with and without a monthly
    # obligation, under rules released when paid (credit bureau, offsets...) and not (passport here)
    cases = {
        (closed, total, monthly): delinquent_case(unassigned="3000.00")
        for closed in (False, True)
        for total in ("0.00", "3000.00")
        for monthly in ("0.00", "500.00")
    }
    sweep_run_inline(as_of=AS_OF)
    RemedyRule.objects.filter(jurisdiction="NY", remedy=Remedy.PASSPORT_DENIAL).update(release_when_paid=False)
    for (closed, total, monthly), case in cases.items():
        CaseBalance.objects.filter(case=case).update(
            total_arrears=Decimal(total), unassigned_arrears=Decimal(total), monthly_obligation=Decimal(monthly)
        )
        if closed:
            Case.objects.filter(pk=case.pk).update(status="closed", closure_reason="other", closed_on=AS_OF)
    actions = list(EnforcementAction.objects.filter(case__in=cases.values()).select_related("rule"))
    # when: the rule read for each action, then the sweep
    expected = {a.pk: sweep_service.release_due(a) for a in actions}
    sweep_run_inline(as_of=AS_OF + timedelta(days=1))
    # then: the sweep released exactly those, for the same reason
    released = {
        pk: (ReleaseReason(reason) if status == ActionStatus.RELEASED else None)
        for pk, status, reason in EnforcementAction.objects.filter(pk__in=expected).values_list(
            "pk", "status", "release_reason"
        )
    }
    assert released == expected
    assert set(expected.values()) == {None, ReleaseReason.PAID_UP, ReleaseReason.CASE_CLOSED}
    # a passport denial (not released when paid) of a paid-up case with current support due is kept
    kept = EnforcementAction.objects.get(case=cases[(False, "0.00", "500.00")], remedy=Remedy.PASSPORT_DENIAL)
    assert expected[kept.pk] is None
    # and released when no current support is due
    freed = EnforcementAction.objects.get(case=cases[(False, "0.00", "0.00")], remedy=Remedy.PASSPORT_DENIAL)
    assert expected[freed.pk] == ReleaseReason.PAID_UP

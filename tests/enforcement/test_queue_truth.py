"""Queues and figures that agree (issue 14.4): the act-by date counts from the day the system
first identified the delinquency (45 CFR 303.6(c)(2)), and the dashboard's timeframe compliance
is the quality timeframes page's figure (one population, one formula)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.models import Case, CaseBalance
from enforcement.action_selectors import timeframe_compliance
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction, RemedyRule
from enforcement.services.sweep import sweep_run_inline
from quality.choices import Timeframe
from quality.timeframes import compliance
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def test_first_sweep_counts_from_today_not_from_a_delinquency_years_old():
    # given: delinquent since 2019, never identified by the system
    case = delinquent_case(unassigned="3000.00", days_past_due=7 * 365)
    Case.objects.filter(pk=case.pk).update(delinquency_identified_on=None, ncp_located_on=None)
    # when: the first sweep
    sweep_run_inline(as_of=AS_OF)
    # then: identified today, act by today + 30; nothing overdue right after the sweep
    case.refresh_from_db()
    assert case.delinquency_identified_on == AS_OF
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    assert (action.timeframe_start_on, action.timeframe_due_on) == (AS_OF, AS_OF + timedelta(days=30))
    assert not EnforcementAction.objects.timeframe_overdue(AS_OF).exists()


def test_a_second_sweep_keeps_the_first_identification():
    case = delinquent_case(unassigned="3000.00", days_past_due=400)
    Case.objects.filter(pk=case.pk).update(delinquency_identified_on=None, ncp_located_on=None)
    sweep_run_inline(as_of=AS_OF)
    sweep_run_inline(as_of=AS_OF + timedelta(days=5))
    case.refresh_from_db()
    assert case.delinquency_identified_on == AS_OF


def test_a_case_no_longer_delinquent_forgets_its_identification():
    case = delinquent_case(unassigned="3000.00", days_past_due=40)
    sweep_run_inline(as_of=AS_OF)
    CaseBalance.objects.filter(case=case).update(delinquent_since=None)
    sweep_run_inline(as_of=AS_OF + timedelta(days=1))
    case.refresh_from_db()
    assert case.delinquency_identified_on is None


def _action(case, *, start, taken=None, status=ActionStatus.PROPOSED, days=30):
    rule = RemedyRule.objects.get(remedy="passport_denial", jurisdiction="NY")
    EnforcementAction.objects.filter(case=case, remedy=rule.remedy).update(status=ActionStatus.CLOSED)
    return EnforcementAction.objects.create(
        case=case,
        remedy=rule.remedy,
        rule=rule,
        proposed_on=start,
        total_arrears=3000,
        months_in_arrears=6,
        timeframe_start_on=start,
        timeframe_due_on=start + timedelta(days=days),
        taken_on=taken,
        status=status,
    )


def test_dashboard_and_quality_page_give_the_same_figure():
    start = AS_OF - timedelta(days=90)
    today = AS_OF
    c = [delinquent_case(unassigned="3000.00") for _ in range(5)]
    _action(c[0], start=start, taken=start + timedelta(days=30), status=ActionStatus.NOTICED)  # met (day 30)
    _action(c[1], start=start, taken=start + timedelta(days=31), status=ActionStatus.NOTICED)  # late
    _action(c[2], start=start)  # overdue, open
    _action(c[3], start=start, status=ActionStatus.RELEASED)  # paid before it was taken: not judged
    _action(c[4], start=today - timedelta(days=5))  # not yet due: not judged
    dashboard = timeframe_compliance(actions=EnforcementAction.objects.all(), today=today)
    results, _, _ = compliance(start=start - timedelta(days=1), end=today, today=today)
    quality = next(r for r in results if r.code == Timeframe.ENFORCEMENT)
    assert (dashboard["measured"], dashboard["met"]) == (quality.total, quality.met) == (3, 1)
    assert dashboard["rate"] == 33.3

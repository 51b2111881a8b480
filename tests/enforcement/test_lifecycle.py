"""Action life cycle: notice → contest window → active; a contested action stops until decided."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, CaseBalance
from core.models import DomainEvent
from enforcement.choices import ActionStatus, ContestDecision, ReleaseReason, Remedy
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter, notice_pdf
from enforcement.services.actions import (
    action_activate,
    action_contest,
    action_contest_decide,
    action_end,
    action_notice_issue,
)
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport_action():
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    return EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)


def test_action_records_why_it_fired(passport_action):
    a = passport_action
    assert a.rule.citation == "42 USC 652(k)" and a.rule.version == 1
    assert str(a.total_arrears) == "3000.00" and str(a.months_in_arrears) == "6.00"
    assert a.figures["as_of"] == AS_OF.isoformat() and "2,500.00" in a.figures["thresholds"]
    assert a.timeframe_due_on == a.timeframe_start_on + timedelta(days=30)  # 45 CFR 303.6(c)(2)


def test_notice_sets_the_windows_and_takes_the_action(passport_action, make_user):
    a = action_notice_issue(action=passport_action, by=make_user("enforcement_specialist"), on=AS_OF)
    assert a.status == ActionStatus.NOTICED and a.taken_on == AS_OF
    assert a.contest_opens_on == AS_OF  # passport: no notice period
    assert a.contest_ends_on == AS_OF + timedelta(days=a.rule.contest_days)
    assert a.timeframe_met() is True
    with pytest.raises(ValidationError):
        action_notice_issue(action=a, by=None, on=AS_OF)  # only once


def test_notice_letter_carries_the_figures_and_dates(passport_action, make_user):
    a = action_notice_issue(action=passport_action, by=make_user("enforcement_specialist"), on=AS_OF)
    letter = notice_letter(a)
    assert ("Total arrears on November 23, 2026 (the date of this notice)", "$3,000.00") in letter.figures
    assert ("Total arrears when the rule applied on November 23, 2026", "$3,000.00") in letter.figures
    texts = [text for _heading, text in letter.sections]
    assert any("42 USC 652(k)" in p for p in texts) and letter.citation == a.rule.citation
    assert any(f"{a.contest_ends_on:%B} {a.contest_ends_on.day}, {a.contest_ends_on.year}" in p for p in texts)
    assert notice_pdf(a).startswith(b"%PDF")


def test_contested_action_stops_until_a_person_decides(passport_action, make_user):
    specialist, coordinator = make_user("enforcement_specialist"), make_user("coordinator")
    a = action_notice_issue(action=passport_action, by=specialist, on=AS_OF)
    a = action_contest(action=a, reason="Paid in cash last month", by=specialist, on=AS_OF + timedelta(days=3))
    assert a.status == ActionStatus.CONTESTED
    # every later sweep leaves it alone, even long after the window
    for days in (31, 60, 400):
        sweep_run_inline(as_of=AS_OF + timedelta(days=days))
        a.refresh_from_db()
        assert a.status == ActionStatus.CONTESTED and a.activated_on is None
    with pytest.raises(ValidationError):
        action_activate(action=a, by=specialist, on=AS_OF + timedelta(days=60))
    a = action_contest_decide(
        action=a, decision=ContestDecision.UPHELD, note="No receipt", by=coordinator, on=AS_OF + timedelta(days=61)
    )
    assert a.status == ActionStatus.ACTIVE and a.activated_on == AS_OF + timedelta(days=61)
    assert DomainEvent.objects.filter(verb="enforcement.contest_decided", subject_id=a.pk).exists()


def test_sustained_contest_releases_the_action(passport_action, make_user):
    a = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    a = action_contest(action=a, reason="Wrong person", by=None, on=AS_OF)
    a = action_contest_decide(action=a, decision=ContestDecision.SUSTAINED, note="", by=make_user("coordinator"))
    assert a.status == ActionStatus.RELEASED and a.release_reason == ReleaseReason.CONTEST_SUSTAINED


def test_contest_only_within_the_window(passport_action):
    with pytest.raises(ValidationError):
        action_contest(action=passport_action, reason="x", by=None, on=AS_OF)  # no notice yet
    a = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    with pytest.raises(ValidationError):
        action_contest(action=a, reason="late", by=None, on=a.contest_ends_on + timedelta(days=1))
    with pytest.raises(ValidationError):
        action_contest(action=a, reason="   ", by=None, on=AS_OF)


def test_activation_waits_for_the_end_of_the_contest_window(passport_action):
    a = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    with pytest.raises(ValidationError):
        action_activate(action=a, by=None, on=a.contest_ends_on - timedelta(days=1))
    with pytest.raises(ValidationError):  # the last day of the window is still the NCP's
        action_activate(action=a, by=None, on=a.contest_ends_on)
    a = action_activate(action=a, by=None, on=a.contest_ends_on + timedelta(days=1))
    assert a.status == ActionStatus.ACTIVE and a.partner.startswith("U.S. Department of State")


def test_the_last_day_printed_on_the_notice_is_a_day_to_contest(passport_action):
    """The letter says "You may contest this action until <contest_ends_on>": the nightly sweep of
    that day leaves the window open and a contest recorded that day is accepted."""
    # given a notice whose window ends on contest_ends_on
    a = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    last_day = a.contest_ends_on
    # when the 02:30 sweep runs on the last day
    sweep_run_inline(as_of=last_day)
    a.refresh_from_db()
    # then the window is still open and the NCP's contest that day is recorded
    assert a.status == ActionStatus.CONTEST_WINDOW and a.activated_on is None
    a = action_contest(action=a, reason="Not my debt", by=None, on=last_day)
    assert a.status == ActionStatus.CONTESTED and a.contested_on == last_day


def test_the_sweep_activates_the_day_after_the_contest_window_ends(passport_action):
    a = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    sweep_run_inline(as_of=a.contest_ends_on)
    a.refresh_from_db()
    assert a.status == ActionStatus.CONTEST_WINDOW
    day_after = a.contest_ends_on + timedelta(days=1)
    sweep_run_inline(as_of=day_after)
    a.refresh_from_db()
    assert a.status == ActionStatus.ACTIVE and a.activated_on == day_after


def test_release_and_close(passport_action):
    a = action_end(action=passport_action, by=None, release=True, reason=ReleaseReason.WITHDRAWN, note="error")
    assert a.status == ActionStatus.RELEASED
    with pytest.raises(ValidationError):
        action_end(action=a, by=None, release=False)
    # a new one may be proposed after the balance changes
    a.case.balance.save()
    assert sweep_run_inline(as_of=AS_OF).proposed >= 1


def test_overdue_when_not_taken_within_30_days(passport_action):
    late = passport_action.timeframe_due_on + timedelta(days=1)
    assert passport_action.is_overdue(late) and not passport_action.is_overdue(passport_action.timeframe_due_on)
    assert EnforcementAction.objects.timeframe_overdue(late).filter(pk=passport_action.pk).exists()
    a = action_notice_issue(action=passport_action, by=None, on=late)
    assert a.timeframe_met() is False and not a.is_overdue(late)


# RTMONEY (red team): an action whose arrears were paid in full after its notice was sent to the
# partner anyway when a person activated it, or upheld a contest, before the night's sweep
# released it. Copied from /work/rt/money/test_activate_paid_up.py.


def _noticed_then_paid():
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    assert action.rule.release_when_paid
    action = action_notice_issue(action=action, by=None, on=AS_OF)
    # the NCP pays everything during the contest window
    CaseBalance.objects.filter(case=case).update(
        unassigned_arrears=Decimal("0"), total_arrears=Decimal("0"), months_in_arrears=0, delinquent_since=None
    )
    return action


def _released_paid_up_by(action, user) -> None:
    """Released as the sweep releases a paid-up action: its reason, its day, the sweep's event."""
    assert (action.status, action.release_reason, action.next_step_on) == (
        ActionStatus.RELEASED,
        ReleaseReason.PAID_UP,
        None,
    )
    assert action.activated_on is None
    action.refresh_from_db()
    assert action.status == ActionStatus.RELEASED
    event = DomainEvent.objects.get(verb="enforcement.action_released", subject_id=action.pk)
    assert (event.actor, event.case_id, event.data) == (user, action.case_id, {"reason": "paid_up"})
    assert event.summary == "passport_denial released: Paid up"  # the sweep's text
    assert not DomainEvent.objects.filter(verb="enforcement.action_activated", subject_id=action.pk).exists()


def test_manual_activation_of_a_paid_up_action_is_refused(make_user):
    action = _noticed_then_paid()
    day_after = action.contest_ends_on + timedelta(days=1)
    specialist = make_user("enforcement_specialist")
    action = action_activate(action=action, by=specialist, on=day_after)
    _released_paid_up_by(action, specialist)
    assert action.ended_on == day_after


def test_upheld_contest_of_a_paid_up_action_is_not_sent(make_user):
    action = _noticed_then_paid()
    action = action_contest(action=action, reason="I paid", by=None, on=AS_OF)
    coordinator = make_user("coordinator")
    action = action_contest_decide(action=action, decision=ContestDecision.UPHELD, note="", by=coordinator, on=AS_OF)
    _released_paid_up_by(action, coordinator)
    # the decision is recorded, then the release
    assert (action.contest_decision, action.contest_decided_by) == (ContestDecision.UPHELD, coordinator)
    verbs = DomainEvent.objects.filter(
        subject_id=action.pk, verb__in=["enforcement.contest_decided", "enforcement.action_released"]
    )
    assert list(verbs.order_by("id").values_list("verb", flat=True)) == [
        "enforcement.contest_decided",
        "enforcement.action_released",
    ]


def test_activating_an_action_of_a_closed_case_releases_it_as_case_closed(passport_action):
    action = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    Case.objects.filter(pk=action.case_id).update(status="closed", closure_reason="other", closed_on=AS_OF)
    action = action_activate(action=action, by=None, on=action.contest_ends_on + timedelta(days=1))
    assert (action.status, action.release_reason) == (ActionStatus.RELEASED, ReleaseReason.CASE_CLOSED)
    assert DomainEvent.objects.get(verb="enforcement.action_released", subject_id=action.pk).data == {
        "reason": "case_closed"
    }


def test_an_action_still_owed_is_activated(passport_action):
    action = action_notice_issue(action=passport_action, by=None, on=AS_OF)
    action = action_activate(action=action, by=None, on=action.contest_ends_on + timedelta(days=1))
    assert action.status == ActionStatus.ACTIVE

"""Issuing a notice (issue 11.9): arrears as of the notice date, the rule checked again, one service
for the page, its confirmation step, the API and bulk issue; notice pages never fail on JSON figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.models import Case, CaseBalance
from core.models import DomainEvent
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter, notice_pdf
from enforcement.services.actions import (
    RuleNoLongerMet,
    action_activate,
    action_contest,
    action_notice_issue,
    actions_notice_issue_bulk,
)
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
LATER = AS_OF + timedelta(days=10)


@pytest.fixture
def passport():
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    return EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)


def _pay_down(case, total: str, months: str):
    CaseBalance.objects.filter(case=case).update(
        total_arrears=Decimal(total), unassigned_arrears=Decimal(total), months_in_arrears=Decimal(months)
    )


def test_notice_after_payments_states_arrears_on_its_date_and_the_fired_figures(passport, make_user):
    # given: $3,000 fired the passport rule (> $2,500); $200 paid since
    _pay_down(passport.case, "2800.00", "5.60")
    # when
    action = action_notice_issue(action=passport, by=make_user("enforcement_specialist"), on=LATER)
    # then: the notice states $2,800 on its date; the $3,000 that fired it stays, labelled
    assert (action.notice_total_arrears, action.notice_months_in_arrears) == (Decimal("2800.00"), Decimal("5.60"))
    assert action.total_arrears == Decimal("3000.00")
    figures = dict(notice_letter(action).figures)
    assert figures["Total arrears on December 3, 2026 (the date of this notice)"] == "$2,800.00"
    assert figures["Total arrears when the rule applied on November 23, 2026"] == "$3,000.00"
    event = DomainEvent.objects.get(verb="enforcement.notice_issued", subject_id=action.pk)
    assert event.data["total_arrears"] == "2800.00" and event.data["rule_version"] == action.rule.version


def test_notice_refused_when_the_case_no_longer_meets_the_rule(passport, make_user):
    _pay_down(passport.case, "2500.00", "5.00")  # the rule is "more than $2,500": exactly $2,500 no longer meets it
    with pytest.raises(RuleNoLongerMet) as refused:
        action_notice_issue(action=passport, by=make_user("enforcement_specialist"), on=LATER)
    assert "$2,500.00" in refused.value.reason and "more than" in refused.value.reason
    passport.refresh_from_db()
    assert passport.status == ActionStatus.PROPOSED and passport.notice_issued_on is None  # nothing changed
    assert not DomainEvent.objects.filter(verb="enforcement.notice_issued").exists()


def test_notice_just_over_the_threshold_is_issued(passport):
    _pay_down(passport.case, "2500.01", "5.00")
    assert action_notice_issue(action=passport, by=None, on=LATER).notice_total_arrears == Decimal("2500.01")


def test_notice_refused_for_a_closed_case(passport):
    Case.objects.filter(pk=passport.case_id).update(status="closed", closed_on=LATER, closure_reason="other")
    with pytest.raises(RuleNoLongerMet, match="not open"):
        action_notice_issue(action=passport, by=None, on=LATER)


def test_notice_refused_when_no_longer_delinquent(passport):
    credit = EnforcementAction.objects.get(case=passport.case, remedy=Remedy.CREDIT_BUREAU)  # needs delinquency
    CaseBalance.objects.filter(case=passport.case).update(delinquent_since=None)
    with pytest.raises(RuleNoLongerMet, match="no longer delinquent"):
        action_notice_issue(action=credit, by=None, on=LATER)


def test_database_refuses_an_issued_notice_without_its_figures(passport):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnforcementAction.objects.filter(pk=passport.pk).update(notice_issued_on=LATER)


def test_bulk_issue_goes_through_the_same_service(passport, make_user):
    paid = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    other = EnforcementAction.objects.get(case=paid, remedy=Remedy.PASSPORT_DENIAL)
    _pay_down(paid, "100.00", "0.20")
    result = actions_notice_issue_bulk(actions=[passport, other], by=make_user("enforcement_specialist"), on=LATER)
    assert [a.pk for a in result.issued] == [passport.pk]
    assert [a.pk for a, _ in result.refused] == [other.pk] and "$100.00" in result.refused[0][1]
    other.refresh_from_db()
    assert other.status == ActionStatus.PROPOSED


def test_notice_pages_read_json_figures_as_decimals(client_as):
    # given: an aggregate rule (federal tax offset) stores the NCP's figures as JSON strings
    case = delinquent_case(assigned="600.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.FEDERAL_TAX_OFFSET)
    assert action.figures["ncp_assigned_arrears"] == "600.00"
    action_notice_issue(action=action, by=None, on=LATER)
    client = client_as("enforcement_specialist")
    # then: the page, the letter and the PDF answer (today they failed with "Unknown format code 'f'")
    for name in ("enforcement:action_detail", "enforcement:action_notice", "enforcement:action_notice_pdf"):
        assert client.get(reverse(name, args=[action.pk])).status_code == 200
    letter = client.get(reverse("enforcement:action_notice", args=[action.pk]))
    assert b"Assigned arrears on all your cases when the rule applied on November 23, 2026" in letter.content
    assert b"$600.00" in letter.content


def test_confirmation_page_asks_first_and_shows_refusal(passport, client_as):
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:action_issue_notice", args=[passport.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="rule-still-met"' in page.content
    _pay_down(passport.case, "100.00", "0.20")
    page = client.get(url)
    assert b'data-testid="rule-not-met"' in page.content and b"Yes, issue the notice" not in page.content
    client.post(url, {"confirmed": "yes"})
    passport.refresh_from_db()
    assert passport.status == ActionStatus.PROPOSED  # the POST is refused too, with the reason shown
    _pay_down(passport.case, "3000.00", "6.00")
    assert client.post(url).status_code == 200  # unconfirmed: asks, changes nothing
    passport.refresh_from_db()
    assert passport.status == ActionStatus.PROPOSED


def test_confirmation_page_refused_to_a_caseworker(passport, client_as):
    assert (
        client_as("caseworker").get(reverse("enforcement:action_issue_notice", args=[passport.pk])).status_code == 403
    )


def test_api_issues_the_notice(passport, api_client_with):
    api = api_client_with("enforcement:write", agency="State Office")
    response = api.post(f"/api/v1/enforcement-actions/{passport.pk}/issue-notice/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "noticed" and response.json()["notice_total_arrears"] == "3000.00"
    again = api.post(f"/api/v1/enforcement-actions/{passport.pk}/issue-notice/")
    assert again.status_code == 409 and again.json()["code"] == "not_proposed"


def test_api_answers_409_rule_no_longer_met(passport, api_client_with):
    _pay_down(passport.case, "100.00", "0.20")
    api = api_client_with("enforcement:write", agency="State Office")
    response = api.post(f"/api/v1/enforcement-actions/{passport.pk}/issue-notice/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "rule_no_longer_met" and "$100.00" in body["detail"]
    passport.refresh_from_db()
    assert passport.status == ActionStatus.PROPOSED


def test_api_issue_needs_the_write_scope(passport, api_client_with):
    api = api_client_with("enforcement:read", agency="Reader")
    assert api.post(f"/api/v1/enforcement-actions/{passport.pk}/issue-notice/").status_code == 403


def test_pdf_of_an_issued_notice(passport):
    action = action_notice_issue(action=passport, by=None, on=LATER)
    assert notice_pdf(action).startswith(b"%PDF")


RELEASE = "If you pay the arrears in full the action will be released."


def _texts(letter) -> list[str]:
    return [text for _heading, text in letter.sections]


def test_a_remedy_released_when_paid_says_so_on_its_letter(passport):
    action = action_notice_issue(action=passport, by=None, on=AS_OF)
    assert action.rule.release_when_paid is True
    assert RELEASE in _texts(notice_letter(action))


def test_the_withholding_letter_promises_no_release_on_paying_the_arrears():
    """The seeded income withholding rule is not released when the arrears are paid (the sweep
    keeps it while there is current support): its letter says what happens instead."""
    from tests.enforcement.iwo_factories import active_withholding_action

    action = active_withholding_action(status="contest_window")
    assert action.rule.release_when_paid is False
    texts = _texts(notice_letter(action, language="en"))
    assert RELEASE not in texts
    assert any("does not end the income withholding" in t and "current support" in t for t in texts)
    spanish = _texts(notice_letter(action, language="es"))
    assert "Si paga la totalidad de los atrasos, la medida se levantará." not in spanish
    assert any("no pone fin a la retención de ingresos" in t for t in spanish)


def test_a_letter_without_a_contest_period_offers_no_contest(client_as):
    """CA transfer to state collection (Fam. Code 17500(c)): no notice and no contest days, so the
    letter does not print "You may contest this action until <its own date>"."""
    case = delinquent_case(jurisdiction="CA", unassigned="2600.00", days_past_due=90)
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.STATE_COLLECTION)
    action = action_notice_issue(action=action, by=None, on=AS_OF)
    assert action.contest_ends_on == action.notice_issued_on
    letter = notice_letter(action, language="en")
    assert not any(heading == "Your right to contest" for heading, _text in letter.sections)
    assert not any("You may contest" in t for t in _texts(letter))
    # and the system agrees: no contest to record, and it may be sent on the notice date
    assert action.can_contest(AS_OF) is False and action.contest_over(AS_OF) is True
    page = client_as("coordinator").get(reverse("enforcement:action_detail", args=[action.pk])).content.decode()
    assert "none (the rule gives no period to contest)" in page  # not "Nov 23 to Nov 23"
    issued = DomainEvent.objects.get(verb="enforcement.notice_issued", subject_id=action.pk)
    assert issued.summary.endswith("no period to contest") and "contest by" not in issued.summary
    with pytest.raises(ValidationError):
        action_contest(action=action, reason="x", by=None, on=AS_OF)
    action = action_activate(action=action, by=None, on=AS_OF)
    assert action.status == ActionStatus.ACTIVE


def test_a_credit_balance_prints_its_sign_before_the_dollar(passport):
    action = action_notice_issue(action=passport, by=None, on=AS_OF)
    action.notice_total_arrears = Decimal("-150.00")
    figures = dict(notice_letter(action, language="en").figures)
    assert figures["Total arrears on November 23, 2026 (the date of this notice)"] == "-$150.00"


def test_a_notice_issued_after_a_revision_states_and_times_the_version_it_was_checked_against():
    # given the passport rule at "more than $2,900" (v2) fires on a $3,000 case
    from enforcement.services.rules import rule_revise
    from tests.enforcement.test_rule_revise import rule_of

    rule_revise(
        rule=rule_of(Remedy.PASSPORT_DENIAL),
        effective_from=AS_OF - timedelta(days=60),
        reason="Office",
        arrears_min=Decimal("2900.00"),
    )
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    fired_by = action.rule
    # and v3 lowers it to $2,600 with a 45-day contest period from tomorrow; the NCP pays down to $2,700
    v3 = rule_revise(
        rule=rule_of(Remedy.PASSPORT_DENIAL),
        effective_from=AS_OF + timedelta(days=1),
        reason="Office",
        arrears_min=Decimal("2600.00"),
        contest_days=45,
    )
    _pay_down(case, "2700.00", "5.40")
    # when the notice is issued ten days later (checked against v3: met)
    action = action_notice_issue(action=action, by=None, on=LATER)
    # then the action records v3, whose periods set the window and whose rule the letter states
    action.refresh_from_db()
    assert (action.rule, action.notice_rule) == (fired_by, v3)
    # (45 days end on Sunday 17 January 2027, the next day is Martin Luther King Jr. Day: rolled)
    assert action.contest_ends_on == date(2027, 1, 19) and LATER + timedelta(days=45) == date(2027, 1, 17)
    text = " ".join(_texts(notice_letter(action)))
    assert "$2,600.00" in text and "2,900" not in text


def test_a_notice_with_no_revision_records_the_rule_that_fired_it(passport):
    action = action_notice_issue(action=passport, by=None, on=LATER)
    action.refresh_from_db()
    assert action.notice_rule == action.rule

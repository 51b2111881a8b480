"""A California licence action and the obligor's household income (Fam. Code 17520.5): not sent to
the DMV until the income check is recorded; at or below 70% of the county's HCD median, closed as
exempt; above, sent. New York actions and the days before 2025 are untouched."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import DomainEvent, LegalParameter
from enforcement.choices import ActionStatus, ContestDecision, LicenceClass, Remedy
from enforcement.models import EnforcementAction, LicenceIncomeCheck
from enforcement.services.actions import (
    action_activate,
    action_contest,
    action_contest_decide,
    action_notice_issue,
)
from enforcement.services.licence_income import action_income_check_record, median_key
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db

D = Decimal
MEDIAN = D("100000.00")  # a test figure: the real ones are an administrator's rows from HCD


def _median(county: str = "Fresno", value: Decimal = MEDIAN, on: date = date(2025, 5, 1)) -> LegalParameter:
    return LegalParameter.objects.create(
        key=median_key(county),
        jurisdiction="CA",
        effective_on=on,
        value=value,
        citation="25 CCR 6932; HCD State Income Limits (test figure)",
    )


def _licence_action(jurisdiction: str = "CA", county: str = "Albany") -> EnforcementAction:
    case = delinquent_case(
        jurisdiction=jurisdiction, unassigned="2500.00", months="5.00", days_past_due=60, county=county
    )
    sweep_run_inline(as_of=AS_OF)
    return EnforcementAction.objects.get(case=case, remedy=Remedy.LICENSE_SUSPENSION)


@pytest.fixture
def noticed():
    """A CA licence action whose notice was issued: sendable the day after ``contest_ends_on``."""
    return action_notice_issue(action=_licence_action(), by=None, on=AS_OF)


def _record(action, *, income: str, county: str = "Fresno", licence=LicenceClass.NONCOMMERCIAL, by=None, on=None):
    return action_income_check_record(
        action=action,
        household_income=D(income),
        income_source="2025 tax return",
        county=county,
        licence_class=licence,
        by=by,
        on=on or AS_OF + timedelta(days=10),
    )


def test_the_percent_and_the_2027_rows_are_seeded_with_the_citation():
    pct = LegalParameter.objects.get(key="ca.remedy.license_suspension.low_income_pct", jurisdiction="CA")
    assert (pct.value, pct.effective_on, pct.confirm) == (D(70), date(2025, 1, 1), False)
    assert pct.citation.startswith("Fam. Code 17520.5")
    covers = LegalParameter.objects.filter(key="ca.remedy.license_suspension.low_income_covers_commercial")
    assert [(r.effective_on, r.value) for r in covers.order_by("effective_on")] == [
        (date(2025, 1, 1), D(1)),
        (date(2027, 1, 1), D(0)),
    ]
    assert not LegalParameter.objects.filter(key__startswith="ca.hcd.median_income.").exists()  # none invented


def test_ca_licence_action_is_not_sent_until_the_income_check_is_recorded(noticed, make_user):
    after = noticed.contest_ends_on + timedelta(days=1)
    with pytest.raises(ValidationError, match="household income check"):
        action_activate(action=noticed, by=make_user("enforcement_specialist"), on=after)
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.NOTICED and noticed.activated_on is None


def test_income_above_the_line_lets_the_action_be_sent(noticed, make_user):
    _median()
    specialist = make_user("enforcement_specialist")
    check = _record(noticed, income="70000.01", by=specialist)
    assert check.exempt is False and check.line == D("70000.00") and check.percent == D(70)
    assert check.median_income == MEDIAN and check.median_key == "ca.hcd.median_income.fresno"
    event = DomainEvent.objects.get(verb="enforcement.income_check_recorded", subject_id=noticed.pk)
    assert "above" in event.summary and event.data["median_effective_on"] == "2025-05-01"
    a = action_activate(action=noticed, by=specialist, on=noticed.contest_ends_on + timedelta(days=1))
    assert a.status == ActionStatus.ACTIVE


def test_income_at_seventy_percent_closes_the_action_as_exempt(noticed, make_user):
    _median()
    check = _record(noticed, income="70000.00", by=make_user("enforcement_specialist"))  # "at or below"
    noticed.refresh_from_db()
    assert check.exempt is True
    assert noticed.status == ActionStatus.CLOSED and noticed.activated_on is None
    assert noticed.end_note.startswith("Exempt under Fam. Code 17520.5")
    assert DomainEvent.objects.filter(verb="enforcement.action_closed", subject_id=noticed.pk).exists()
    with pytest.raises(ValidationError):
        action_activate(action=noticed, by=None, on=noticed.contest_ends_on + timedelta(days=1))


def test_no_median_on_file_for_the_county_refuses_and_the_action_waits(noticed):
    _median(county="Fresno")
    with pytest.raises(ValidationError, match=r"No HCD median income for Kern County is on file") as refused:
        _record(noticed, income="1000.00", county="Kern County")
    assert "ca.hcd.median_income.kern" in str(refused.value)
    assert not LicenceIncomeCheck.objects.exists()
    with pytest.raises(ValidationError, match="household income check"):
        action_activate(action=noticed, by=None, on=noticed.contest_ends_on + timedelta(days=1))


def test_a_median_published_after_the_check_date_is_not_used(noticed):
    _median(on=AS_OF + timedelta(days=30))
    with pytest.raises(ValidationError, match="No HCD median income"):
        _record(noticed, income="1000.00", on=AS_OF + timedelta(days=10))


def test_from_2027_a_commercial_licence_is_not_covered(noticed):
    _median()
    on = date(2027, 1, 5)
    check = _record(noticed, income="10000.00", licence=LicenceClass.COMMERCIAL, on=on)
    assert check.exempt is False  # 17520.5(a)(2): noncommercial licences only from January 1, 2027
    assert "noncommercial licences only" in DomainEvent.objects.get(verb="enforcement.income_check_recorded").summary


def _sendable_from_december_2026(action: EnforcementAction) -> EnforcementAction:
    EnforcementAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.CONTEST_WINDOW, contest_opens_on=date(2026, 11, 24), contest_ends_on=date(2026, 11, 30)
    )
    action.refresh_from_db()
    return action


def test_before_2027_a_commercial_licence_is_covered_on_the_send_date_not_the_check_date(noticed):
    # 17520.5(a)(2): "Commencing January 1, 2027, this subdivision shall apply only with respect to
    # noncommercial driver's licenses." Coverage is judged on the day the action would be sent.
    _median()
    _sendable_from_december_2026(noticed)
    check = _record(noticed, income="10000.00", licence=LicenceClass.COMMERCIAL, on=date(2026, 12, 1))
    noticed.refresh_from_db()
    assert check.exempt is False and check.at_or_below is True
    assert noticed.status == ActionStatus.CONTEST_WINDOW  # not closed: it waits
    assert (
        "not sent to the DMV until Jan 1, 2027"
        in DomainEvent.objects.get(verb="enforcement.income_check_recorded").summary
    )
    with pytest.raises(ValidationError, match=r"commercial licence.*January 1, 2027"):
        action_activate(action=noticed, by=None, on=date(2026, 12, 31))
    assert action_activate(action=noticed, by=None, on=date(2027, 1, 1)).status == ActionStatus.ACTIVE


def test_commercial_licence_checked_in_2026_but_sent_in_2027_is_not_closed(noticed):
    _median()
    assert noticed.contest_ends_on >= date(2027, 1, 1), noticed.contest_ends_on  # sendable only in 2027
    check = _record(noticed, income="10000.00", licence=LicenceClass.COMMERCIAL, on=date(2026, 12, 3))
    noticed.refresh_from_db()
    assert not check.exempt and noticed.status != ActionStatus.CLOSED, (check.exempt, noticed.status)
    a = action_activate(action=noticed, by=None, on=noticed.contest_ends_on + timedelta(days=1))
    assert a.status == ActionStatus.ACTIVE


def test_the_sweep_sends_a_commercial_licence_at_or_below_the_line_only_from_2027(noticed):
    from enforcement.services.sweep import _chunk_survey

    _median()
    _sendable_from_december_2026(noticed)
    _record(noticed, income="10000.00", licence=LicenceClass.COMMERCIAL, on=date(2026, 12, 1))
    sweep_run_inline(as_of=date(2026, 12, 31))
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.CONTEST_WINDOW and noticed.activated_on is None
    _, moves = _chunk_survey(low=0, high=noticed.case_id + 1, as_of=date(2026, 12, 31))
    assert moves is False  # it waits for 2027, not for a person
    _, moves = _chunk_survey(low=0, high=noticed.case_id + 1, as_of=date(2027, 1, 1))
    assert moves is True
    sweep_run_inline(as_of=date(2027, 1, 1))
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.ACTIVE and noticed.activated_on == date(2027, 1, 1)


def test_a_commercial_licence_above_the_line_is_sent_before_2027(noticed):
    _median()
    _sendable_from_december_2026(noticed)
    _record(noticed, income="70000.01", licence=LicenceClass.COMMERCIAL, on=date(2026, 12, 1))
    assert action_activate(action=noticed, by=None, on=date(2026, 12, 31)).status == ActionStatus.ACTIVE


def test_the_line_is_rounded_down_so_an_income_above_it_never_equals_it(noticed):
    _median(value=D("100000.05"))  # 70 % = 70000.035
    check = _record(noticed, income="70000.04")
    summary = DomainEvent.objects.get(verb="enforcement.income_check_recorded").summary
    assert check.exempt is False and check.line == D("70000.03") and "$70,000.03" in summary and "above" in summary


def test_an_income_at_the_rounded_down_line_is_at_or_below(noticed):
    _median(value=D("100000.05"))  # 70 % = 70000.035
    check = _record(noticed, income="70000.03")
    assert check.exempt is True and check.line == D("70000.03")


def test_before_2025_the_action_is_sent_without_a_check(noticed):
    # 17520.5(c): "This section shall become operative on January 1, 2025."
    EnforcementAction.objects.filter(pk=noticed.pk).update(
        status=ActionStatus.CONTEST_WINDOW, contest_ends_on=date(2024, 6, 1), notice_issued_on=date(2024, 1, 2)
    )
    noticed.refresh_from_db()
    with pytest.raises(ValidationError, match="household income check"):
        action_activate(action=noticed, by=None, on=date(2025, 1, 1))
    assert action_activate(action=noticed, by=None, on=date(2024, 12, 31)).status == ActionStatus.ACTIVE


def test_the_check_is_refused_before_2025(noticed):
    _median(on=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="not operative"):
        _record(noticed, income="1000.00", on=date(2024, 12, 31))


def test_the_sweep_does_not_send_an_unchecked_ca_licence_action(noticed):
    sweep_run_inline(as_of=noticed.contest_ends_on + timedelta(days=1))
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.CONTEST_WINDOW and noticed.activated_on is None
    _median()
    _record(noticed, income="90000.00", on=noticed.contest_ends_on + timedelta(days=1))
    sweep_run_inline(as_of=noticed.contest_ends_on + timedelta(days=2))
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.ACTIVE


def test_an_upheld_contest_does_not_send_an_unchecked_ca_licence_action(noticed, make_user):
    a = action_contest(action=noticed, reason="Cannot pay", by=None, on=AS_OF + timedelta(days=1))
    with pytest.raises(ValidationError, match="household income check"):
        action_contest_decide(
            action=a, decision=ContestDecision.UPHELD, note="", by=make_user("coordinator"), on=AS_OF + timedelta(2)
        )
    a.refresh_from_db()
    assert a.status == ActionStatus.CONTESTED


def test_ny_licence_action_is_unaffected():
    a = action_notice_issue(action=_licence_action(jurisdiction="NY"), by=None, on=AS_OF)
    with pytest.raises(ValidationError, match="California"):
        _record(a, income="1000.00")
    sweep_run_inline(as_of=a.contest_ends_on + timedelta(days=1))
    a.refresh_from_db()
    assert a.status == ActionStatus.ACTIVE


# --- the page -----------------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel("2026-12-07T17:00:00Z", tick=False):
        yield


def test_the_action_page_records_the_check(frozen, noticed, client_as):
    _median(county="Albany")
    client = client_as("enforcement_specialist")
    page = client.get(noticed.get_absolute_url())
    assert page.context["can_check_income"] is True and b"Record income check" in page.content
    response = client.post(
        reverse("enforcement:action_income_check", args=[noticed.pk]),
        {
            "household_income": "$50,000",
            "income_source": "EDD wage record",
            "county": "Albany",
            "licence_class": "noncommercial",
        },
        follow=True,
    )
    assert response.status_code == 200 and b"exempt under Fam. Code 17520.5" in response.content
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.CLOSED and noticed.income_check.income_source == "EDD wage record"


def test_the_page_says_a_commercial_licence_at_or_below_the_line_waits_for_2027(frozen, noticed, client_as):
    _median(county="Albany")
    response = client_as("enforcement_specialist").post(
        reverse("enforcement:action_income_check", args=[noticed.pk]),
        {"household_income": "50000", "income_source": "EDD", "county": "Albany", "licence_class": "commercial"},
        follow=True,
    )
    assert b"at or below the county line on a commercial licence" in response.content
    assert b"Not sent to the DMV until Jan 1, 2027" in response.content  # the waiting message
    noticed.refresh_from_db()
    assert noticed.status == ActionStatus.NOTICED


def test_the_page_says_why_the_action_waits_when_no_median_is_on_file(frozen, noticed, client_as):
    client = client_as("enforcement_specialist")
    response = client.post(
        reverse("enforcement:action_income_check", args=[noticed.pk]),
        {"household_income": "50000", "income_source": "EDD", "county": "Albany", "licence_class": "noncommercial"},
        follow=True,
    )
    assert b"No HCD median income for Albany" in response.content
    assert b"household income check" in response.content  # the waiting message on the page
    assert not LicenceIncomeCheck.objects.exists()


def test_a_user_without_the_work_permission_cannot_record_the_check(frozen, noticed, client_as):
    _median(county="Albany")
    response = client_as("caseworker").post(
        reverse("enforcement:action_income_check", args=[noticed.pk]),
        {"household_income": "50000", "income_source": "EDD", "county": "Albany", "licence_class": "noncommercial"},
    )
    assert response.status_code == 403
    assert not LicenceIncomeCheck.objects.exists()


def test_a_waiting_ca_licence_action_does_not_wake_its_chunk_every_night(noticed):
    from enforcement.services.sweep import _chunk_survey

    night = noticed.contest_ends_on + timedelta(days=1)
    sweep_run_inline(as_of=night)
    _, moves = _chunk_survey(low=0, high=noticed.case_id + 1, as_of=night + timedelta(days=1))
    assert moves is False  # nothing to move: the action waits for a person to record the check
    _median()
    _record(noticed, income="90000.00", on=night)
    _, moves = _chunk_survey(low=0, high=noticed.case_id + 1, as_of=night + timedelta(days=1))
    assert moves is True


def test_an_actions_steps_cannot_be_skipped_in_admin(rf, role_user):
    """Admin shows an action with its history but changes nothing: a status set there would send a
    licence without its 17520.5 check (or skip a notice, a contest)."""
    from django.contrib import admin

    request = rf.get("/")
    request.user = role_user("administrator")
    action_admin = admin.site._registry[EnforcementAction]
    assert not action_admin.has_change_permission(request)
    assert not action_admin.has_add_permission(request)
    assert not action_admin.has_delete_permission(request)

"""Remedy thresholds on the LegalParameter table: the law's rows by date, an office that may be
stricter but never looser, and the sweep comparing with the stricter of the two (issue 11.1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.legal import LegalParameterMissing, legal_parameter
from core.models import LegalParameter
from enforcement.choices import Remedy
from enforcement.legal_floors import floor_values, rule_under_law
from enforcement.models import EnforcementAction, RemedyRule
from enforcement.services.rules import rule_revise
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db

FIRST = date(1999, 10, 1)  # the first day of the federal tables
DRA = date(2006, 10, 1)  # Deficit Reduction Act of 2005 s. 7303: passport $5,000 -> $2,500


@pytest.mark.parametrize(
    ("key", "jurisdiction", "value"),
    [
        ("us.remedy.offset.assigned_min", "US", D(150)),  # 45 CFR 303.72(a)(1)
        ("us.remedy.offset.unassigned_min", "US", D(500)),  # 45 CFR 303.72(a)(2)
        ("us.remedy.passport.min", "US", D(5000)),  # 42 USC 652(k)(1) as enacted (PRWORA)
        ("us.enforcement.action_days", "US", D(30)),  # 45 CFR 303.6(c)(2)
        ("us.enforcement.action_days_service", "US", D(60)),
        ("ny.remedy.credit_bureau.notice_days", "NY", D(10)),
        ("ny.remedy.license_suspension.months_min", "NY", D(4)),
        ("ca.remedy.license_suspension.days_past_due", "CA", D(30)),
        ("ca.remedy.license_suspension.months_min", "CA", D(4)),
        ("ca.remedy.state_collection.days_past_due", "CA", D(60)),
        ("ca.remedy.state_collection.arrears_min", "CA", D(100)),
    ],
)
def test_each_remedy_row_starts_on_its_first_day_and_not_before(key, jurisdiction, value):
    assert legal_parameter(key, jurisdiction=jurisdiction, on=FIRST) == value
    with pytest.raises(LegalParameterMissing, match="starts on 1999-10-01"):
        legal_parameter(key, jurisdiction=jurisdiction, on=FIRST - timedelta(days=1))


def test_federal_remedy_rows_carry_citation_and_note():
    rows = {r.key: r for r in LegalParameter.objects.filter(key__startswith="us.remedy.", effective_on=FIRST)}
    assert rows["us.remedy.offset.assigned_min"].citation == "45 CFR 303.72(a)(1)"
    assert rows["us.remedy.offset.unassigned_min"].citation == "45 CFR 303.72(a)(2)"
    assert rows["us.remedy.passport.min"].citation.startswith("42 USC 652(k)")
    assert all(r.note for r in rows.values())


@pytest.mark.parametrize(
    ("on", "value"),
    [
        (DRA - timedelta(days=1), D(5000)),
        (DRA, D(2500)),
        (DRA + timedelta(days=1), D(2500)),
        (AS_OF, D(2500)),
    ],
)
def test_passport_threshold_by_date(on, value):
    # 42 USC 652(k)(1): "$5,000" struck and "$2,500" inserted by DRA 2005 s. 7303, from 2006-10-01
    assert legal_parameter("us.remedy.passport.min", jurisdiction="US", on=on) == value


def offset_rule() -> RemedyRule:
    return RemedyRule.objects.get(remedy=Remedy.FEDERAL_TAX_OFFSET, jurisdiction="NY")


@pytest.mark.parametrize(("assigned", "refused"), [("149.99", True), ("150.00", False), ("150.01", False)])
def test_an_office_threshold_below_the_law_is_refused(assigned, refused):
    rule = offset_rule()
    if refused:
        with pytest.raises(ValidationError) as exc:
            rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="Lower", assigned_arrears_min=D(assigned))
        assert "45 CFR 303.72(a)(1)" in str(exc.value.message_dict["assigned_arrears_min"])
        assert RemedyRule.objects.filter(remedy=Remedy.FEDERAL_TAX_OFFSET, jurisdiction="NY").count() == 1
    else:
        new = rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="Office", assigned_arrears_min=D(assigned))
        assert new.assigned_arrears_min == D(assigned)


def test_an_empty_threshold_takes_the_laws_value():
    new = rule_revise(
        rule=offset_rule(), effective_from=date(2026, 1, 1), reason="Default", unassigned_arrears_min=None
    )
    assert new.unassigned_arrears_min == D(500)


def test_a_rule_dated_before_the_law_is_refused():
    with pytest.raises(ValidationError) as exc:
        rule_revise(rule=offset_rule(), effective_from=FIRST - timedelta(days=1), reason="Too early")
    assert "effective_from" in exc.value.message_dict


@pytest.mark.parametrize(("comparison", "refused"), [("gte", True), ("gt", False)])
def test_passport_at_the_laws_value_must_be_more_than(comparison, refused):
    # 42 USC 652(k): "exceeding $2,500": at least $2,500 would act on exactly $2,500
    rule = RemedyRule.objects.get(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY")
    if refused:
        with pytest.raises(ValidationError) as exc:
            rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="x", arrears_comparison=comparison)
        assert "arrears_comparison" in exc.value.message_dict
    else:
        rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="x", arrears_comparison=comparison)


def proposed(case, remedy) -> bool:
    return EnforcementAction.objects.filter(case=case, remedy=remedy).exists()


@pytest.mark.parametrize(("unassigned", "expected"), [("599.99", False), ("600.00", True), ("600.01", True)])
def test_a_stricter_office_threshold_is_applied(unassigned, expected):
    rule_revise(
        rule=offset_rule(),
        effective_from=date(2026, 1, 1),
        reason="Office raises it",
        unassigned_arrears_min=D("600.00"),
    )
    case = delinquent_case(unassigned=unassigned)
    assert sweep_run_inline(as_of=AS_OF).errors == 0
    assert proposed(case, Remedy.FEDERAL_TAX_OFFSET) is expected


@pytest.mark.parametrize(
    ("monthly", "arrears", "expected"),
    [
        ("1000.00", "4499.99", False),  # 4.49999 months: stored 4.50 when it was rounded
        ("1000.00", "4500.00", True),
        ("400.22", "1800.98", False),
        ("400.22", "1800.99", True),  # exactly 4.5 x $400.22 (a float product on SQLite is over it)
        ("333.33", "1499.98", False),  # 4.5 x $333.33 = $1,499.985
        ("333.33", "1499.99", True),
    ],
)
def test_a_stricter_office_months_of_support_is_compared_in_money(monthly, arrears, expected):
    # given the office asks 4.5 months of support in NY where the law asks 4 (DRL 244-b)
    rule = RemedyRule.objects.get(remedy=Remedy.LICENSE_SUSPENSION, jurisdiction="NY")
    new = rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="Office raises it", months_min=D("4.5"))
    assert rule_under_law(new, on=AS_OF).months_min == D("4.5")
    # when a case owes just under / at least 4.5 months of support
    case = delinquent_case(monthly=monthly, unassigned=arrears)
    assert sweep_run_inline(as_of=AS_OF).errors == 0
    # then the office's stricter threshold is met only by the money it stands for
    assert proposed(case, Remedy.LICENSE_SUSPENSION) is expected


@pytest.mark.parametrize(("arrears", "expected"), [("2500.00", False), ("2500.01", True)])
def test_a_later_legal_row_stricter_than_the_office_wins(arrears, expected):
    # given a new legal row from 2026-01-01 raising the passport threshold above the office's $2,500
    LegalParameter.objects.create(
        key="us.remedy.passport.min",
        jurisdiction="US",
        effective_on=date(2026, 1, 1),
        value=D("2500.00"),
        citation="test",
        note="unchanged",
    )
    LegalParameter.objects.create(
        key="us.remedy.offset.unassigned_min",
        jurisdiction="US",
        effective_on=date(2026, 11, 23),
        value=D("700"),
        citation="test row",
    )
    case = delinquent_case(unassigned=arrears)
    low = delinquent_case(unassigned="650.00")
    assert sweep_run_inline(as_of=AS_OF).errors == 0
    assert proposed(case, Remedy.PASSPORT_DENIAL) is expected
    # the office's $500 is below the law's $700 in force on the run date: the law applies
    assert not proposed(low, Remedy.FEDERAL_TAX_OFFSET)


@pytest.mark.parametrize(
    ("on", "threshold", "comparison"),
    [
        (DRA - timedelta(days=1), D(5000), "gt"),
        (DRA, D(2500), "gt"),
    ],
)
def test_rule_under_law_takes_the_row_of_the_day(on, threshold, comparison):
    rule = RemedyRule.objects.get(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY")
    effective = rule_under_law(rule, on=on)
    assert (effective.arrears_min, effective.arrears_comparison) == (threshold, comparison)
    assert rule.arrears_min == D(2500)  # the office's row itself is untouched


def test_the_action_timeframe_is_read_from_the_legal_row():
    LegalParameter.objects.create(
        key="us.enforcement.action_days", jurisdiction="US", effective_on=AS_OF, value=D(25), citation="test row"
    )
    case = delinquent_case(unassigned="500.00")
    assert sweep_run_inline(as_of=AS_OF).errors == 0
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.CREDIT_BUREAU)
    assert action.timeframe_due_on - action.timeframe_start_on == timedelta(days=25)


def test_the_rules_page_shows_the_law_beside_the_office(client_as):
    rule_revise(
        rule=offset_rule(),
        effective_from=date(2026, 1, 1),
        reason="Office raises it",
        unassigned_arrears_min=D("600.00"),
    )
    response = client_as("coordinator").get(reverse("enforcement:rule_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "45 CFR 303.72(a)(2)" in text and "law at least $500.00" in text and "office at least $600.00" in text
    assert "stricter" in text
    current = RemedyRule.objects.in_effect(AS_OF).get(remedy=Remedy.FEDERAL_TAX_OFFSET, jurisdiction="NY")
    assert [f.stricter for f in floor_values(current, on=AS_OF)] == [False, True]

"""Each remedy at, just under and just over its threshold (DOMAIN.md remedy table)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Case, Employment
from enforcement.choices import Remedy
from enforcement.models import BankMatch, EnforcementAction, RemedyRule
from enforcement.services.rules import rule_revise
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import EmploymentFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def proposed(case, remedy) -> bool:
    return EnforcementAction.objects.filter(case=case, remedy=remedy).exists()


def sweep():
    run = sweep_run_inline(as_of=AS_OF)
    assert run.errors == 0, run.error_detail
    return run


@pytest.mark.parametrize("remedy", [Remedy.FEDERAL_TAX_OFFSET, Remedy.STATE_TAX_OFFSET])
@pytest.mark.parametrize(("assigned", "expected"), [("149.99", False), ("150.00", True), ("150.01", True)])
def test_tax_offset_assigned_threshold_150(remedy, assigned, expected):
    # 45 CFR 303.72: assigned arrears of at least $150
    case = delinquent_case(assigned=assigned)
    sweep()
    assert proposed(case, remedy) is expected


@pytest.mark.parametrize(("unassigned", "expected"), [("499.99", False), ("500.00", True), ("500.01", True)])
def test_federal_tax_offset_unassigned_threshold_500(unassigned, expected):
    case = delinquent_case(unassigned=unassigned)
    sweep()
    assert proposed(case, Remedy.FEDERAL_TAX_OFFSET) is expected


def test_tax_offset_adds_one_ncps_cases_per_category():
    first = delinquent_case(unassigned="300.00")
    second = delinquent_case(unassigned="200.00", ncp=first.ncp)
    alone = delinquent_case(unassigned="300.00")
    sweep()
    assert proposed(first, Remedy.FEDERAL_TAX_OFFSET) and proposed(second, Remedy.FEDERAL_TAX_OFFSET)
    assert not proposed(alone, Remedy.FEDERAL_TAX_OFFSET)
    action = EnforcementAction.objects.get(case=second, remedy=Remedy.FEDERAL_TAX_OFFSET)
    assert action.figures["ncp_unassigned_arrears"] == "500.00"


def test_tax_offset_adds_the_ncps_cases_of_other_chunks_only_open_and_same_jurisdiction():
    # given one NCP with cases that land in different chunks (chunk size 1)
    first = delinquent_case(unassigned="300.00")
    closed = delinquent_case(unassigned="900.00", ncp=first.ncp)  # closed: not added
    Case.objects.filter(pk=closed.pk).update(status="closed", closure_reason="other", closed_on=AS_OF)
    delinquent_case(jurisdiction="CA", unassigned="900.00", ncp=first.ncp)  # another profile: not added
    second = delinquent_case(unassigned="200.00", ncp=first.ncp)
    # when
    run = sweep_run_inline(as_of=AS_OF, chunk_size=1)
    # then
    assert run.errors == 0, run.error_detail
    for case in (first, second):
        action = EnforcementAction.objects.get(case=case, remedy=Remedy.FEDERAL_TAX_OFFSET)
        assert action.figures["ncp_unassigned_arrears"] == "500.00"
        assert action.figures["ncp_person_id"] == first.ncp.pk


def test_tax_offset_categories_are_not_mixed():
    # $100 assigned + $450 unassigned: neither category reaches its threshold.
    case = delinquent_case(assigned="100.00", unassigned="450.00")
    sweep()
    assert not proposed(case, Remedy.FEDERAL_TAX_OFFSET)


@pytest.mark.parametrize(("arrears", "expected"), [("2499.99", False), ("2500.00", False), ("2500.01", True)])
def test_passport_denial_more_than_2500(arrears, expected):
    # 42 USC 652(k): arrears exceeding $2,500
    case = delinquent_case(unassigned=arrears)
    sweep()
    assert proposed(case, Remedy.PASSPORT_DENIAL) is expected


@pytest.mark.parametrize(("months", "expected"), [("3.99", False), ("4.00", True), ("4.01", True)])
def test_ny_licence_suspension_at_least_four_months(months, expected):
    # NY DRL 244-b; FCA 458-a
    case = delinquent_case(unassigned=Decimal("500") * Decimal(months), months=months)
    sweep()
    assert proposed(case, Remedy.LICENSE_SUSPENSION) is expected


@pytest.mark.parametrize(
    ("months", "days", "expected"),
    [
        ("4.00", 120, False),
        ("4.01", 120, True),
        ("3.99", 120, False),
        ("5.00", 30, False),
        ("5.00", 31, True),
        ("5.00", 29, False),
    ],
)
def test_ca_licence_suspension_more_than_30_days_and_4_months(months, days, expected):
    # Fam. Code 17520 (values to confirm, configurable)
    case = delinquent_case(
        jurisdiction="CA", unassigned=Decimal("500") * Decimal(months), months=months, days_past_due=days
    )
    sweep()
    assert proposed(case, Remedy.LICENSE_SUSPENSION) is expected


# Months of support are counted in money: the arrears against the months' support they stand for
# (NY DRL 244-b: "support arrears equivalent to or greater than the amount of support due ... for a
# period of four months"), never against total / monthly rounded to two places, which reads $3,995
# owed on $1,000 a month as 4.00 months (issue: months in arrears). A weekly $100 order is $433.33 a
# month in the office's monthly figure (the one delinquency is counted by, 45 CFR 303.6(b)).
@pytest.mark.parametrize(
    ("monthly", "arrears", "expected"),
    [
        ("1000.00", "3995.00", False),  # 3.995 months: stored 4.00 when it was rounded
        ("1000.00", "3999.99", False),
        ("1000.00", "4000.00", True),  # exactly four months of support
        ("1000.00", "4000.01", True),
        ("433.33", "1733.31", False),  # one cent under 4 x $433.33 (3.99998 months)
        ("433.33", "1733.32", True),
    ],
)
def test_ny_licence_suspension_needs_four_months_of_support_owed_in_money(monthly, arrears, expected):
    case = delinquent_case(monthly=monthly, unassigned=arrears)
    sweep()
    assert proposed(case, Remedy.LICENSE_SUSPENSION) is expected


@pytest.mark.parametrize(
    ("monthly", "arrears", "expected"),
    [
        ("1000.00", "4000.00", False),
        ("1000.00", "4000.01", True),  # 4.00001 months: stored 4.00, "not more than 4", when it was rounded
        ("1000.00", "4004.99", True),
        ("433.33", "1733.32", False),
        ("433.33", "1733.33", True),
    ],
)
def test_ca_licence_suspension_needs_more_than_four_months_of_support_owed_in_money(monthly, arrears, expected):
    # Fam. Code 17520: more than 4 months (and more than 30 days delinquent)
    case = delinquent_case(jurisdiction="CA", monthly=monthly, unassigned=arrears, days_past_due=120)
    sweep()
    assert proposed(case, Remedy.LICENSE_SUSPENSION) is expected


@pytest.mark.parametrize("jurisdiction", ["NY", "CA"])
def test_no_licence_suspension_on_months_of_support_without_a_monthly_obligation(jurisdiction):
    # given arrears of $6,000 left by an order with no current support (nothing is due a month)
    case = delinquent_case(jurisdiction=jurisdiction, monthly="0.00", unassigned="6000.00", days_past_due=120)
    # when
    sweep()
    # then the arrears count for the remedies set in dollars, not for one set in months of support
    assert proposed(case, Remedy.PASSPORT_DENIAL)
    assert not proposed(case, Remedy.LICENSE_SUSPENSION)


@pytest.mark.parametrize(
    ("arrears", "days", "expected"),
    [
        ("100.00", 90, False),
        ("100.01", 90, True),
        ("99.99", 90, False),
        ("800.00", 60, False),
        ("800.00", 61, True),
        ("800.00", 59, False),
    ],
)
def test_ca_transfer_to_state_collection(arrears, days, expected):
    # Fam. Code 17500(c): more than 60 days past due and more than $100
    case = delinquent_case(jurisdiction="CA", unassigned=arrears, days_past_due=days)
    sweep()
    assert proposed(case, Remedy.STATE_COLLECTION) is expected


def test_state_collection_is_california_only():
    case = delinquent_case(jurisdiction="NY", unassigned="5000.00", days_past_due=200)
    sweep()
    assert not proposed(case, Remedy.STATE_COLLECTION)


@pytest.mark.parametrize(("delinquent", "expected"), [(False, False), (True, True)])
def test_credit_bureau_needs_delinquency(delinquent, expected):
    # 42 USC 666(a)(7): reported after notice; the case must be delinquent (45 CFR 303.6(b))
    case = delinquent_case(unassigned="400.00" if not delinquent else "500.00")
    sweep()
    assert proposed(case, Remedy.CREDIT_BUREAU) is expected


def test_bank_levy_needs_a_match_and_its_configurable_threshold():
    # 42 USC 666(a)(17): threshold set by the state as a dated rule version
    rule = RemedyRule.objects.get(remedy=Remedy.BANK_LEVY, jurisdiction="NY")
    rule_revise(rule=rule, effective_from=date(2026, 1, 1), reason="State threshold", arrears_min=Decimal("1000.00"))
    at = delinquent_case(unassigned="1000.00")
    under = delinquent_case(unassigned="999.99")
    over = delinquent_case(unassigned="1000.01")
    no_match = delinquent_case(unassigned="5000.00")
    for case in (at, under, over):
        BankMatch.objects.create(person=case.ncp, institution="First Bank", account_last4="1234", matched_on=AS_OF)
    sweep()
    assert proposed(at, Remedy.BANK_LEVY) and proposed(over, Remedy.BANK_LEVY)
    assert not proposed(under, Remedy.BANK_LEVY) and not proposed(no_match, Remedy.BANK_LEVY)
    assert EnforcementAction.objects.get(case=at, remedy=Remedy.BANK_LEVY).rule.version == 2


def test_income_withholding_needs_an_order_and_a_current_employer():
    employed = delinquent_case()
    EmploymentFactory(person=employed.ncp, started_on=date(2025, 1, 1))
    left = delinquent_case()
    EmploymentFactory(person=left.ncp, started_on=date(2025, 1, 1), ended_on=date(2026, 10, 1))
    unemployed = delinquent_case()
    sweep()
    assert proposed(employed, Remedy.INCOME_WITHHOLDING)
    assert not proposed(left, Remedy.INCOME_WITHHOLDING)
    assert not proposed(unemployed, Remedy.INCOME_WITHHOLDING)
    assert Employment.objects.count() == 2


def test_rule_version_in_effect_is_the_latest_on_or_before_the_day():
    rule = RemedyRule.objects.get(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY")
    rule_revise(rule=rule, effective_from=date(2027, 1, 1), reason="Future change", arrears_min=Decimal("5000.00"))
    case = delinquent_case(unassigned="3000.00")
    sweep()  # as of 2026-11-23: the seeded $2,500 version applies
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    assert action.rule == rule
    assert RemedyRule.objects.filter(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY").count() == 2

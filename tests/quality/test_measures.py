"""OCSE-157 lines on the hand-built office of conftest.py (FY 2026: 2025-10-01 – 2026-09-30).

Worked out by hand:
- line 1, open at 2026-09-30: A, C, D, E, G (B closed 2026-03-01; F opened 2026-10-05) = 5
- line 2, of those with an order: A, C (zero order), D (medical-only) = 3
- line 5a, children born out of wedlock in cases open at 2025-09-30: A's, B's, D's (C's child was
  born in wedlock; E opened in 2026; G has no child) = 3
- line 6, children born out of wedlock in cases open during the year with paternity established
  by the year end: A's, B's (case closed during the year still counts), E's (acknowledged
  2026-02-01) = 3 (D's is pending)
- line 24, current support due: A 500 (Oct) + 500 (Nov) + 500 (Dec) − 500 (Dec reversed) + D's
  medical 50 + 50 = 1,100.00 (A's September charge is FY 2025; A's spousal 200 is not current support)
- line 25, distributed as current support: A's October 500.00 (September's payment is FY 2025)
- line 28, cases with arrears due: A (owes 2,200 − 500 reversed − 1,000 paid = 700), B (paid
  arrears in the year), D (100 medical unpaid), E (1,000 judgment − 300 offset) = 4
- line 29, cases paying toward arrears: B, E (federal tax offset, assigned arrears) = 2
- collections in the year: 500 + 200 + 300 = 1,000.00 (held collection excluded); expenditures 400
"""

from decimal import Decimal as D

import pytest

from core.money import money
from quality.choices import MeasureName
from quality.measures import (
    COUNT_LINES,
    compute_lines,
    compute_lines_by,
    compute_lines_by_fields,
    drilldown_cases,
    line_specs,
    ocse157,
)

pytestmark = pytest.mark.django_db


def test_every_line_on_the_hand_built_office(office):
    lines = compute_lines(fiscal_year=2026)
    assert lines["1"] == 5
    assert lines["2"] == 3
    assert lines["5a"] == 3
    assert lines["6"] == 3
    assert lines["24"] == D("1100.00")
    assert lines["25"] == D("500.00")
    assert lines["28"] == 4
    assert lines["29"] == 2
    assert lines["collections"] == D("1000.00")


def test_the_five_measures_with_incentive_percentages(office):
    report = ocse157(fiscal_year=2026)
    by = {m.name: m for m in report.measures}
    assert (by["paternity"].value, by["paternity"].incentive_percentage) == (D("100.00"), 100)
    assert (by["orders"].value, by["orders"].incentive_percentage) == (D("60.00"), 70)
    assert (by["current_collections"].value, by["current_collections"].incentive_percentage) == (D("45.45"), 55)
    assert (by["arrears_collections"].value, by["arrears_collections"].incentive_percentage) == (D("50.00"), 60)
    assert (by["cost_effectiveness"].value, by["cost_effectiveness"].incentive_percentage) == (D("2.50"), 50)


def test_distance_to_next_tier(office):
    by = {m.name: m for m in ocse157(fiscal_year=2026).measures}
    assert by["orders"].next_tier.needed == 1  # 61% of 5 = 3.05 orders → one more
    assert by["current_collections"].next_tier.needed == D("6.00")  # 46% of 1,100 = 506
    assert by["paternity"].next_tier is None  # already at the top


def test_lines_by_county(office):
    by = compute_lines_by(fiscal_year=2026, case_field="county")
    assert by["Albany"]["1"] == 2  # A, G
    assert by["Queens"]["1"] == 3  # C, D, E
    assert by["Queens"]["2"] == 2
    assert by["Queens"]["24"] == D("100.00")
    assert by["Albany"]["29"] == 1 and by["Queens"]["29"] == 1


def test_lines_by_county_and_caseworker_at_once_are_the_lines_by_each(office):
    # when both fields are computed together (summed from one GROUP BY where lines add up)
    both = compute_lines_by_fields(fiscal_year=2026, case_fields=("county", "caseworker_id"))
    # then every line of every county and caseworker is its own GROUP BY's figure
    for field in ("county", "caseworker_id"):
        assert both[field]
        for key, spec in line_specs(2026).items():
            if key == "collections":
                continue
            group = f"{spec.case_prefix}{field}"
            direct = {row[group]: row["v"] for row in spec.rows.order_by().values(group).annotate(v=spec.aggregate)}
            assert {value: both[field][value][key] for value in direct} == {
                value: int(v) if key in COUNT_LINES else money(v) for value, v in direct.items()
            }


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1", {"NY-000001", "NY-000003", "NY-000004", "NY-000005", "NY-000007"}),
        ("2", {"NY-000001", "NY-000003", "NY-000004"}),
        ("no_order", {"NY-000005", "NY-000007"}),
        ("5a", {"NY-000001", "NY-000002", "NY-000004"}),
        ("6", {"NY-000001", "NY-000002", "NY-000005"}),
        ("no_paternity", {"NY-000004"}),
        ("24", {"NY-000001", "NY-000004"}),
        ("25", {"NY-000001"}),
        ("unpaid_current", {"NY-000001", "NY-000004"}),
        ("28", {"NY-000001", "NY-000002", "NY-000004", "NY-000005"}),
        ("29", {"NY-000002", "NY-000005"}),
        ("not_paying_arrears", {"NY-000001", "NY-000004"}),
    ],
)
def test_drilldown_lists_the_cases_behind_each_figure(office, key, expected):
    assert set(drilldown_cases(fiscal_year=2026, key=key).values_list("case_number", flat=True)) == expected


def test_lines_are_a_handful_of_set_based_queries(office, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # 2 rule tables + 9 aggregates + expenditures
        ocse157(fiscal_year=2026)


def test_preceding_year_is_computed_when_an_exception_could_apply(office):
    # FY 2027: nobody has paid toward arrears yet (0% < 40%), so the preceding year is computed
    # for the improvement exceptions (45 CFR 305.33); FY 2026 orders were 60.00%.
    by = {m.name: m for m in ocse157(fiscal_year=2027).measures}
    assert by["arrears_collections"].value == D("0.00")
    assert by["arrears_collections"].previous_value == D("50.00")
    assert by["arrears_collections"].incentive_percentage == 0  # fell, so no exception
    assert by["orders"].previous_value == D("60.00")
    assert by["cost_effectiveness"].value is None  # no FY 2027 expenditures recorded: no estimate


def test_no_cases_gives_no_values(db):
    report = ocse157(fiscal_year=2026)
    assert report.lines["1"] == 0
    assert all(m.value is None and m.incentive_percentage is None for m in report.measures)
    assert {m.name for m in report.measures} == set(MeasureName.values)


def test_line_28_reads_what_was_owed_at_the_year_end(db):
    """Line 28 counts what the case owed after 2026-09-30 (its bucket entries up to then), read as
    today's balance less the entries posted since: a case paid off after the year end still
    counts; debt charged only after it, a memo charge of a repayment schedule and excess returned
    to the family do not."""
    from datetime import date

    from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory

    from .factories import adjustment, balances_from_ledger, charge, pay

    opened = {"application_received_on": date(2024, 1, 2), "opened_on": date(2024, 1, 10), "participants": False}
    paid_later = CaseFactory(case_number="NY-000011", **opened)
    adjustment(paid_later, date(2026, 3, 1), "300.00")
    pay(paid_later, date(2026, 10, 10), "300.00", bucket="arrears_unassigned", kind="")
    owes_later = CaseFactory(case_number="NY-000012", **opened)
    monthly = ObligationFactory(order=SupportOrderFactory(case=owes_later))
    charge(owes_later, monthly, date(2026, 10, 1), "500.00")
    memo_only = CaseFactory(case_number="NY-000013", **opened)
    schedule = ObligationFactory(order=SupportOrderFactory(case=memo_only), kind="arrears_repayment")
    charge(memo_only, schedule, date(2026, 5, 1), "100.00", bucket="")
    excess = CaseFactory(case_number="NY-000014", **opened)
    adjustment(excess, date(2026, 2, 1), "50.00")
    pay(excess, date(2026, 2, 5), "50.00", bucket="arrears_unassigned", kind="")
    pay(excess, date(2026, 2, 5), "80.00", bucket="", kind="")  # returned to the family: owes nothing
    balances_from_ledger()

    lines = compute_lines(fiscal_year=2026)
    assert lines["28"] == 2  # paid_later (owed 300 at the year end) and excess (paid arrears in the year)
    assert lines["29"] == 1  # excess
    assert set(drilldown_cases(fiscal_year=2026, key="28").values_list("case_number", flat=True)) == {
        "NY-000011",
        "NY-000014",
    }
    assert lines["24"] == D("0.00")  # the October charge is FY 2027; the memo charge is not current support

"""Guideline calculators against the statutory example and hand-worked cases."""

from datetime import date
from decimal import Decimal as D

import pytest

from cases.guidelines import ca_guideline, ny_guideline
from cases.guidelines.tables import TableGap
from core.legal import legal_parameter

pytestmark = pytest.mark.django_db

# --- New York CSSA ---------------------------------------------------------------------------


def test_ny_two_children_below_the_cap():
    # 60,000 + 40,000 = 100,000 (< 183,000 cap) × 25% = 25,000; payor 60% → 15,000/yr, 1,250/month.
    r = ny_guideline(parent_incomes=(D("60000"), D("40000")), children=2, as_of=date(2025, 6, 1))
    assert (r.combined_income, r.capped_income, r.percentage) == (D("100000.00"), D("100000.00"), D("25.00"))
    assert r.basic_obligation_annual == D("25000.00")
    assert r.payor_share == D("0.6000")
    assert (r.payor_obligation_annual, r.payor_obligation_monthly) == (D("15000.00"), D("1250.00"))
    assert r.notes == []


def test_ny_income_above_the_cap_uses_the_cap_in_effect():
    # 2026-03-01 cap 193,000 × 17% = 32,810; payor 2/3 → 21,873.33/yr → 1,822.78/month.
    r = ny_guideline(parent_incomes=(D("200000"), D("100000")), children=1, as_of=date(2026, 6, 1))
    assert r.capped_income == D("193000.00") and r.cap_confirm
    assert r.basic_obligation_annual == D("32810.00")
    assert r.payor_obligation_annual == D("21873.33")
    assert r.payor_obligation_monthly == D("1822.78")
    assert any("exceeds" in n for n in r.notes)


@pytest.mark.parametrize(
    ("as_of", "cap"),
    [
        (date(2010, 1, 30), D("80000")),
        (date(2010, 1, 31), D("130000")),
        (date(2024, 2, 29), D("163000")),
        (date(2024, 3, 1), D("183000")),
        (date(2026, 2, 28), D("183000")),
        (date(2026, 3, 1), D("193000")),
    ],
)
def test_ny_cap_changes_exactly_on_its_effective_date(as_of, cap):
    # The cap table itself (the calculation also needs the poverty table, which starts 2024-03-01).
    assert legal_parameter("ny.cssa.income_cap", jurisdiction="NY", on=as_of) == cap
    if as_of >= date(2024, 3, 1):
        r = ny_guideline(parent_incomes=(D("500000"), D("0")), children=1, as_of=as_of)
        assert r.capped_income == cap


@pytest.mark.parametrize(
    ("children", "pct"), [(1, "17.00"), (2, "25.00"), (3, "29.00"), (4, "31.00"), (5, "35.00"), (7, "35.00")]
)
def test_ny_percentage_by_number_of_children(children, pct):
    r = ny_guideline(parent_incomes=(D("50000"), D("50000")), children=children, as_of=date(2025, 6, 1))
    assert r.percentage == D(pct)


def test_ny_below_the_self_support_reserve_pays_the_greater_of_50_a_month_or_the_excess():
    # 30,000 × 17% = 5,100 × 2/3 = 3,400; 20,000 − 3,400 = 16,600: above poverty (15,650), below the
    # reserve (21,128) → max(600, 20,000 − 21,128) = 600/yr.
    r = ny_guideline(parent_incomes=(D("20000"), D("10000")), children=1, as_of=date(2025, 6, 1))
    assert (r.payor_obligation_annual, r.payor_obligation_monthly) == (D("600.00"), D("50.00"))


def test_ny_below_the_reserve_with_income_above_it_pays_the_excess():
    # 22,000 alone, 1 child: 3,740; 22,000 − 3,740 = 18,260 < 21,128 → max(600, 22,000 − 21,128 = 872).
    r = ny_guideline(parent_incomes=(D("22000"), D("0")), children=1, as_of=date(2025, 6, 1))
    assert r.payor_obligation_annual == D("872.00")


def test_ny_below_the_poverty_guideline_pays_25_a_month():
    # 16,000 × 17% = 2,720; 16,000 − 2,720 = 13,280 < 15,650 → $25/month.
    r = ny_guideline(parent_incomes=(D("16000"), D("0")), children=1, as_of=date(2025, 6, 1))
    assert r.payor_obligation_monthly == D("25.00")


def test_ny_rejects_bad_input():
    with pytest.raises(ValueError):
        ny_guideline(parent_incomes=(D("-1"), D("0")), children=1, as_of=date(2025, 1, 1))
    with pytest.raises(ValueError):
        ny_guideline(parent_incomes=(D("1"), D("0")), children=0, as_of=date(2025, 1, 1))
    with pytest.raises(TableGap):
        ny_guideline(parent_incomes=(D("1"), D("0")), children=1, as_of=date(1980, 1, 1))


# --- California Family Code 4055 -------------------------------------------------------------


def test_ca_statutory_example_k_is_030():
    # Fam. Code 4055: H% = 20%, TN = 1,000 → K = 1.2 × 0.25 = 0.30.
    r = ca_guideline(
        high_earner_net_monthly=D("600"),
        total_net_monthly=D("1000"),
        high_earner_timeshare=D("0.20"),
        children=1,
        as_of=date(2024, 1, 1),
    )
    assert r.k == D("0.3000")
    assert r.base_amount == D("120.00")  # 0.30 × (600 − 0.2 × 1000)
    assert (r.multiplier, r.monthly_support, r.payor) == (D("1"), D("120.00"), "high_earner")


def test_ca_children_multiplier():
    r = ca_guideline(
        high_earner_net_monthly=D("600"),
        total_net_monthly=D("1000"),
        high_earner_timeshare=D("0.20"),
        children=2,
        as_of=date(2024, 1, 1),
    )
    assert r.monthly_support == D("192.00")  # 120 × 1.6


@pytest.mark.parametrize(
    ("tn", "fraction"),
    [
        ("400", "0.2250"),
        ("800", "0.2500"),
        ("800.01", "0.2500"),
        ("6666", "0.2500"),
        ("8000", "0.2250"),
        ("10000", "0.2000"),
        ("20000", "0.1600"),
    ],
)
def test_ca_income_bands(tn, fraction):
    r = ca_guideline(
        high_earner_net_monthly=D(tn),
        total_net_monthly=D(tn),
        high_earner_timeshare=D("0"),
        children=1,
        as_of=date(2024, 1, 1),
    )
    assert r.band_fraction == D(fraction)


def test_ca_timeshare_over_half_uses_two_minus_h():
    r = ca_guideline(
        high_earner_net_monthly=D("4000"),
        total_net_monthly=D("5000"),
        high_earner_timeshare=D("0.60"),
        children=1,
        as_of=date(2024, 1, 1),
    )
    assert r.time_factor == D("1.4000")
    assert r.base_amount == D("350.00")  # 1.4 × 0.25 × (4000 − 3000)


def test_ca_negative_result_means_the_lower_earner_pays():
    r = ca_guideline(
        high_earner_net_monthly=D("3000"),
        total_net_monthly=D("5000"),
        high_earner_timeshare=D("0.80"),
        children=1,
        as_of=date(2024, 1, 1),
    )
    assert r.base_amount == D("-300.00")  # 1.2 × 0.25 × (3000 − 4000)
    assert (r.monthly_support, r.payor) == (D("300.00"), "low_earner")


def test_ca_after_sb343_says_which_table_it_used():
    # Law change: SB 343's table is now configured (the old test expected a "not configured" note).
    before = ca_guideline(
        high_earner_net_monthly=D("600"),
        total_net_monthly=D("1000"),
        high_earner_timeshare=D("0.2"),
        children=1,
        as_of=date(2024, 8, 31),
    )
    after = ca_guideline(
        high_earner_net_monthly=D("600"),
        total_net_monthly=D("1000"),
        high_earner_timeshare=D("0.2"),
        children=1,
        as_of=date(2024, 9, 1),
    )
    assert before.table_effective_on == date(1993, 7, 1)
    assert after.table_effective_on == date(2024, 9, 1)
    assert "SB 343" in after.table_name and "before SB 343" in before.table_name


@pytest.mark.parametrize(
    "kwargs",
    [
        {"high_earner_net_monthly": D("2000"), "total_net_monthly": D("1000")},
        {"high_earner_timeshare": D("1.01")},
        {"children": 11},
        {"total_net_monthly": D("0")},
    ],
)
def test_ca_rejects_bad_input(kwargs):
    base = {
        "high_earner_net_monthly": D("600"),
        "total_net_monthly": D("1000"),
        "high_earner_timeshare": D("0.2"),
        "children": 1,
        "as_of": date(2024, 1, 1),
    }
    with pytest.raises(ValueError):
        ca_guideline(**{**base, **kwargs})

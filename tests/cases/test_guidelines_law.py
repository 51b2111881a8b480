"""Both guidelines at, just under and just over every band edge, threshold and effective date.

The expected figures are worked by hand in the comments (rounding: cents half-up at each money
step, fractions shown to 4 places; the calculation carries the unrounded fraction)."""

from datetime import date
from decimal import Decimal as D

import pytest

from cases.guidelines import ca_guideline, ny_guideline
from cases.guidelines.tables import GuidelineInputError, TableGap
from core.legal import LegalParameterMissing, legal_parameter, legal_parameter_row
from core.models import LegalParameter

pytestmark = pytest.mark.django_db
AFTER_SB343 = date(2025, 6, 1)


def ca(hn, tn, h="0", children=1, as_of=AFTER_SB343, **kwargs):
    return ca_guideline(
        high_earner_net_monthly=D(hn),
        total_net_monthly=D(tn),
        high_earner_timeshare=D(h),
        children=children,
        as_of=as_of,
        **kwargs,
    )


# --- legal parameters ---------------------------------------------------------------------------


def test_a_date_before_the_first_row_is_a_clear_error():
    with pytest.raises(LegalParameterMissing, match="starts on 2024-03-01: no value is in force on 2024-02-29"):
        legal_parameter("ny.poverty_guideline", jurisdiction="NY", on=date(2024, 2, 29))
    assert legal_parameter("ny.poverty_guideline", jurisdiction="NY", on=date(2024, 3, 1)) == D("15060")


def test_next_years_figure_is_a_new_row_not_a_code_change():
    LegalParameter.objects.create(
        key="ny.poverty_guideline",
        jurisdiction="NY",
        effective_on=date(2027, 3, 1),
        value=D("16500"),
        citation="DRL 240(1-b)(b)(6)",
        confirm=True,
    )
    assert legal_parameter("ny.poverty_guideline", jurisdiction="NY", on=date(2027, 2, 28)) == D("15960")
    row = legal_parameter_row("ny.poverty_guideline", jurisdiction="NY", on=date(2027, 3, 1))
    assert (row.value, row.confirm, row.value_text) == (D("16500"), True, "16500")


def test_every_seeded_row_has_a_citation_and_confirm_rows_are_marked():
    assert not LegalParameter.objects.filter(citation="").exists()
    assert LegalParameter.objects.get(key="ny.cssa.income_cap", effective_on=date(2026, 3, 1)).confirm
    assert not LegalParameter.objects.get(key="ny.poverty_guideline", effective_on=date(2026, 3, 1)).confirm


# --- California: SB 343 band edges (H% = 0 and HN = TN, so K is the band fraction) ------------


@pytest.mark.parametrize(
    ("tn", "band", "fraction"),
    [
        ("2899.99", 1, "0.2000"),  # 0.165 + 2,899.99/82,857 = 0.199999…
        ("2900", 1, "0.2000"),  # 0.165 + 2,900/82,857 = 0.200000…  (edge: still band 1)
        ("2900.01", 2, "0.1998"),  # 0.131 + 2,900.01/42,149 = 0.199804
        ("4999.99", 2, "0.2496"),  # 0.131 + 4,999.99/42,149 = 0.249627
        ("5000", 2, "0.2496"),  # 0.131 + 5,000/42,149 = 0.249627   (edge: still band 2)
        ("5000.01", 3, "0.2500"),  # flat 0.25
        ("10000", 3, "0.2500"),  # (edge: still band 3)
        ("10000.01", 4, "0.2499"),  # 0.10 + 1,499/10,000.01 = 0.249900
        ("14999.99", 4, "0.1999"),  # 0.10 + 1,499/14,999.99 = 0.199933
        ("15000", 4, "0.1999"),  # 0.10 + 1,499/15,000 = 0.199933   (edge: still band 4)
        ("15000.01", 5, "0.2000"),  # 0.12 + 1,200/15,000.01 = 0.199999…
    ],
)
def test_ca_sb343_bands(tn, band, fraction):
    r = ca(tn, tn)
    assert (r.band, r.band_fraction, r.table_effective_on) == (band, D(fraction), date(2024, 9, 1))


def test_ca_statutory_example_under_sb343():
    # Fam. Code 4055(b)(3) as amended: H% = 20%, TN = 1,000 → K = 1.2 × (0.165 + 1,000/82,857)
    # = 1.2 × 0.177069 = 0.2125 (the statute: "approximately 0.21").
    assert ca("600", "1000", "0.2").k == D("0.2125")


@pytest.mark.parametrize(
    ("as_of", "fraction", "table_from"),
    [
        (date(2024, 8, 31), "0.2500", date(1993, 7, 1)),  # old table: $801–6,666 → 0.25
        (date(2024, 9, 1), "0.1771", date(2024, 9, 1)),  # SB 343: 0.165 + 1,000/82,857 = 0.177069
    ],
)
def test_ca_table_changes_on_sb343s_effective_date(as_of, fraction, table_from):
    r = ca("1000", "1000", as_of=as_of)
    assert (r.band_fraction, r.table_effective_on) == (D(fraction), table_from)


def test_ca_result_names_the_rows_used():
    r = ca("1000", "1000")
    keys = [p.key for p in r.parameters]
    assert keys[:4] == ["ca.k.band_count", "ca.k.band.1.upper", "ca.k.band.1.base", "ca.k.band.1.tn_divisor"]
    assert "ca.minimum_wage_hourly" in keys
    row = next(p for p in r.parameters if p.key == "ca.k.band.1.tn_divisor")
    assert row.as_dict() == {
        "key": "ca.k.band.1.tn_divisor",
        "effective_on": "2024-09-01",
        "value": "82857",
        "citation": "Fam. Code 4055(b)(3) as amended by SB 343 (Stats. 2023, ch. 213)",
        "confirm": False,
    }


# --- California: low-income adjustment (4055(b)(7)) ------------------------------------------


def test_ca_low_income_adjustment_applied_at_its_maximum():
    # 2026 threshold: 16.90 × 40 × 52 ÷ 12 = 2,929.33. HN = TN = 2,000, H% = 0:
    # fraction 0.165 + 2,000/82,857 = 0.189138; CS = 0.189138 × 2,000 = 378.28.
    # Reduction: 378.28 × (2,929.33 − 2,000) ÷ 2,929.33 = 378.28 × 0.317249 = 120.01 → 258.27.
    r = ca("2000", "2000", as_of=date(2026, 6, 1))
    assert r.low_income_threshold == D("2929.33")
    assert (r.monthly_support_before_adjustment, r.low_income_fraction, r.low_income_reduction) == (
        D("378.28"),
        D("0.3173"),
        D("120.01"),
    )
    assert (r.monthly_support, r.low_income_adjustment) == (D("258.27"), "applied")


def test_ca_rebutted_presumption_keeps_the_unadjusted_amount():
    r = ca(
        "2000", "2000", as_of=date(2026, 6, 1), low_income_adjustment="rebutted", rebuttal_reason="Substantial assets"
    )
    assert (r.monthly_support, r.low_income_reduction, r.low_income_adjustment) == (D("378.28"), D("0"), "rebutted")
    assert r.rebuttal_reason == "Substantial assets"
    with pytest.raises(GuidelineInputError) as err:
        ca("2000", "2000", low_income_adjustment="rebutted")
    assert err.value.field == "rebuttal_reason"


@pytest.mark.parametrize(
    ("net", "status"),
    [
        ("2929.32", "applied"),  # just under the 2026 threshold of 2,929.33
        ("2929.33", "not_applicable"),  # at it: not below
        ("2929.34", "not_applicable"),  # just over
    ],
)
def test_ca_low_income_threshold_edge(net, status):
    assert ca(net, net, as_of=date(2026, 6, 1)).low_income_adjustment == status


@pytest.mark.parametrize(
    ("as_of", "threshold"),
    [
        (date(2024, 8, 31), None),  # before SB 343: the minimum-wage threshold does not apply
        (date(2024, 9, 1), D("2773.33")),  # 16.00 × 2,080 ÷ 12
        (date(2025, 12, 31), D("2860.00")),  # 16.50 × 2,080 ÷ 12
        (date(2026, 1, 1), D("2929.33")),  # 16.90 × 2,080 ÷ 12
    ],
)
def test_ca_threshold_follows_the_dated_minimum_wage(as_of, threshold):
    assert ca("2500", "5000", as_of=as_of).low_income_threshold == threshold


# Former 4055(b)(7) (AB 2393, 2012; before SB 343): "if an obligor's net disposable monthly income is less
# than [the threshold, $1,500 from 2013 adjusted annually by the Judicial Council], there is a rebuttable
# presumption that the obligor is entitled to a low-income adjustment", at most CS × (threshold − net) ÷
# threshold. The yearly figures are not known here: the caseworker types the year's figure.
JUNE_2024 = date(2024, 6, 1)


def test_ca_obligor_netting_800_in_june_2024_gets_the_adjustment_with_the_threshold_entered():
    # Red team RTLAW: old table, TN 800 → 0.20 + 800/16,000 = 0.25; CS = 0.25 × 800 = 200.00.
    # Threshold 2,100 (typed): fraction (2,100 − 800) ÷ 2,100 = 0.619048 → 200 × 0.619048 = 123.81 → 76.19.
    r = ca("800", "800", as_of=JUNE_2024, low_income_threshold=D("2100"))
    assert r.monthly_support_before_adjustment == D("200.00") and r.low_income_threshold == D("2100.00")
    assert [r.low_income_fraction, r.low_income_reduction, r.monthly_support] == [D("0.6190"), D("123.81"), D("76.19")]
    assert r.low_income_adjustment == "applied"
    assert r.low_income_threshold_entered and r.minimum_wage_hourly is None
    line8 = next(line for line in r.lines() if line.number == "8")
    assert line8.label == (
        "Low-income threshold: the Judicial Council's figure for the year, as entered — former Fam. Code 4055(b)(7)"
    )
    assert line8.cells == ("$2,100.00",)
    assert any("former Fam. Code 4055(b)(7)" in note and "$123.81" in note for note in r.notes)
    assert not any("not configured here" in note for note in r.notes)


def test_ca_entered_threshold_presumption_rebutted_keeps_the_unadjusted_amount():
    r = ca(
        "800",
        "800",
        as_of=JUNE_2024,
        low_income_threshold=D("2100"),
        low_income_adjustment="rebutted",
        rebuttal_reason="Substantial assets",
    )
    assert (r.monthly_support, r.low_income_reduction, r.low_income_adjustment) == (D("200.00"), D("0"), "rebutted")
    assert any("$123.81" in note and "former Fam. Code 4055(b)(7)" in note for note in r.notes)


@pytest.mark.parametrize(("net", "status"), [("2099.99", "applied"), ("2100", "not_applicable")])
def test_ca_entered_threshold_edge(net, status):
    assert ca(net, net, as_of=JUNE_2024, low_income_threshold=D("2100")).low_income_adjustment == status


def test_ca_before_sb343_without_a_threshold_says_to_enter_the_years_figure():
    r = ca("800", "800", as_of=JUNE_2024)
    assert (r.monthly_support, r.low_income_adjustment, r.low_income_threshold) == (
        D("200.00"),
        "not_applicable",
        None,
    )
    assert not r.low_income_threshold_entered
    note = next(note for note in r.notes if "Judicial Council" in note)
    assert "no low-income adjustment was calculated" in note and "Enter the year's figure" in note
    assert next(line for line in r.lines() if line.number == "8").label.startswith("Low-income threshold: minimum wage")


def test_ca_entered_threshold_is_refused_from_sb343():
    with pytest.raises(GuidelineInputError, match="set by law from the minimum wage") as err:
        ca("800", "800", as_of=date(2024, 9, 1), low_income_threshold=D("2100"))
    assert err.value.field == "low_income_threshold"


def test_ca_stored_worksheet_keeps_the_entered_threshold_line():
    from dataclasses import asdict

    from cases.guidelines.stored import stored_result
    from cases.services.reviews import _json_safe

    result = ca("800", "800", as_of=JUNE_2024, low_income_threshold=D("2100"))
    stored = {k: _json_safe(v) for k, v in asdict(result).items()}
    assert stored_result("CA", stored) == result
    assert "as entered" in stored_result("CA", stored).lines()[7].label
    del stored["low_income_threshold_entered"]  # a worksheet stored before the field: the minimum-wage line
    assert stored_result("CA", stored).lines()[7].label.startswith("Low-income threshold: minimum wage")


@pytest.mark.parametrize("threshold", [D("0"), D("-1"), D("10000.01"), D("NaN")])
def test_ca_entered_threshold_out_of_range_is_refused(threshold):
    with pytest.raises(GuidelineInputError, match="above \\$0 and at most \\$10,000.00") as err:
        ca("800", "800", as_of=JUNE_2024, low_income_threshold=threshold)
    assert err.value.field == "low_income_threshold"


def test_ca_negative_result_with_the_low_earner_below_the_threshold():
    # HN 3,000, TN 5,000, H% 80%: fraction 0.131 + 5,000/42,149 = 0.249627; K = 1.2 × that = 0.2996;
    # CS = 0.2996 × (3,000 − 4,000) = −299.55 → the lower earner (net 2,000) pays 299.55.
    # 2025 threshold 2,860: reduction 299.55 × 860 ÷ 2,860 = 90.07 → 209.48.
    r = ca("3000", "5000", "0.8")
    assert (r.base_amount, r.payor, r.obligor_net_monthly) == (D("-299.55"), "low_earner", D("2000.00"))
    assert (r.low_income_reduction, r.monthly_support) == (D("90.07"), D("209.48"))


def test_ca_timeshare_over_half_uses_two_minus_h():
    # H% 60%: K = (2 − 0.6) × 0.249627 = 0.3495; CS = 0.3495 × (4,000 − 3,000) = 349.48; obligor net 4,000.
    r = ca("4000", "5000", "0.6")
    assert (r.time_factor, r.k, r.monthly_support, r.low_income_adjustment) == (
        D("1.4000"),
        D("0.3495"),
        D("349.48"),
        "not_applicable",
    )


def test_ca_add_ons_in_proportion_to_net_incomes_and_multiple_children():
    # TN 10,000 (band 3, 0.25), H% 20%: K = 0.30; CS = 0.30 × (6,000 − 2,000) = 1,200 × 1.6 (2 children)
    # = 1,920. Obligor's share of net incomes after the support paid (4061(d)): 4,080/8,080 = 0.504950:
    # child care 1,000 → 504.95; health 200 → 100.99 (was 60% of unadjusted incomes: 600 and 120).
    r = ca(
        "6000",
        "10000",
        "0.2",
        children=2,
        add_ons={"child_care_monthly": D("1000"), "uninsured_health_monthly": D("200")},
    )
    assert r.monthly_support == D("1920.00")
    assert [(a.key, a.payor_monthly) for a in r.add_ons] == [
        ("child_care_monthly", D("504.95")),
        ("uninsured_health_monthly", D("100.99")),
    ]
    assert (r.payor_add_ons_monthly, r.payor_total_monthly) == (D("605.94"), D("2525.94"))
    # Line 11 allocated child by child (4055(b)(8)): 1,200 for the youngest, 720 for the next.
    numbers = [str(n) for n in range(1, 12)] + ["11a", "11b"] + [str(n) for n in range(12, 15)]
    assert [line.number for line in r.lines()] == numbers
    assert [c.amount for c in r.child_allocation] == [D("1200.00"), D("720.00")]


# --- New York CSSA ----------------------------------------------------------------------------


def test_ny_gross_income_to_cssa_income_line_by_line():
    # Payor: 80,000 − 6,120 FICA − 3,000 NYC tax − 5,000 maintenance − 2,000 other support = 63,880.
    # Other: 40,000 + 5,000 maintenance received ((b)(5)(iii)(I)) − 3,060 FICA = 41,940. Combined
    # 105,820 × 25% (2 children) = 26,455; payor 63,880/105,820 → 26,455 × 0.603667 = 15,970.00/yr
    # → 1,330.83/month.
    r = ny_guideline(
        gross_incomes=(D("80000"), D("40000")),
        children=2,
        as_of=AFTER_SB343,
        deductions=(
            {"fica": D("6120"), "local_tax": D("3000"), "maintenance_paid": D("5000"), "other_support_paid": D("2000")},
            {"fica": D("3060")},
        ),
    )
    assert [i.cssa_income for i in r.incomes] == [D("63880.00"), D("41940.00")]
    assert (r.combined_income, r.basic_obligation_annual, r.payor_share) == (D("105820.00"), D("26455.00"), D("0.6037"))
    assert (r.payor_obligation_annual, r.payor_obligation_monthly) == (D("15970.00"), D("1330.83"))
    lines = {line.number: line for line in r.lines()}
    assert lines["2"].cells[:2] == ("$6,120.00", "$3,060.00") and "FICA" in lines["2"].label
    assert lines["6"].cells == ("$63,880.00", "$41,940.00", "$105,820.00")


@pytest.mark.parametrize(
    ("income", "monthly", "rule"),
    [
        # 1 child, payor alone: left after paying = income − 17% of it; poverty guideline 2025 = 15,650.
        ("18855.41", D("25.00"), "poverty"),  # 18,855.41 − 3,205.42 = 15,649.99 < 15,650 → $25/month
        ("18855.42", D("50.00"), "reserve"),  # 18,855.42 − 3,205.42 = 15,650.00: not below poverty; below
        #                                       the reserve 21,128 → max($50/month, 18,855.42 − 21,128 < 0)
        ("18855.43", D("50.00"), "reserve"),  # 15,650.01
    ],
)
def test_ny_poverty_guideline_edge(income, monthly, rule):
    r = ny_guideline(parent_incomes=(D(income), D("0")), children=1, as_of=AFTER_SB343)
    assert (r.payor_obligation_monthly, r.low_income_rule) == (monthly, rule)


@pytest.mark.parametrize(
    ("income", "annual", "rule"),
    [
        # reserve 2025 = 21,128; 17% of 25,455.4x = 4,327.42
        ("25455.41", D("4327.41"), "reserve"),  # left 21,127.99 → max(600, 25,455.41 − 21,128 = 4,327.41)
        ("25455.42", D("4327.42"), ""),  # left 21,128.00: not below the reserve
        ("25455.43", D("4327.42"), ""),  # left 21,128.01
    ],
)
def test_ny_self_support_reserve_edge(income, annual, rule):
    r = ny_guideline(parent_incomes=(D(income), D("0")), children=1, as_of=AFTER_SB343)
    assert (r.payor_obligation_annual, r.low_income_rule) == (annual, rule)


@pytest.mark.parametrize(
    ("as_of", "poverty", "reserve", "monthly"),
    [
        # 18,500 alone, 1 child: pays 3,145, keeps 15,355.
        (date(2025, 2, 28), D("15060"), D("20331"), D("50.00")),  # 2024 figures: above poverty, below reserve
        (date(2025, 3, 1), D("15650"), D("21128"), D("25.00")),  # 2025 figures: below poverty
        (date(2026, 3, 1), D("15960"), D("21546"), D("25.00")),  # 2026 figures (confirm)
    ],
)
def test_ny_low_income_tables_change_each_march_first(as_of, poverty, reserve, monthly):
    r = ny_guideline(parent_incomes=(D("18500"), D("0")), children=1, as_of=as_of)
    assert (r.poverty_guideline, r.self_support_reserve, r.payor_obligation_monthly) == (poverty, reserve, monthly)


def test_ny_before_the_first_poverty_row_is_an_error():
    with pytest.raises(TableGap, match="ny.poverty_guideline"):
        ny_guideline(parent_incomes=(D("50000"), D("0")), children=1, as_of=date(2024, 2, 29))


@pytest.mark.parametrize(("payor", "above"), [("133000", False), ("133000.01", True)])
def test_ny_cap_edge(payor, above):
    # 2025 cap 183,000: payor + other 50,000 = 183,000 (at: not above) or 183,000.01 (above).
    r = ny_guideline(parent_incomes=(D(payor), D("50000")), children=1, as_of=AFTER_SB343)
    assert r.above_cap is above
    assert r.capped_income == D("183000.00")


def test_ny_above_the_cap_shows_capped_and_all_income_amounts():
    # 150,000 + 50,000 = 200,000; capped 183,000 × 17% = 31,110 × 75% = 23,332.50 → 1,944.38/month.
    # All income: 200,000 × 17% = 34,000 × 75% = 25,500 → 2,125.00/month.
    r = ny_guideline(parent_incomes=(D("150000"), D("50000")), children=1, as_of=AFTER_SB343)
    assert (r.payor_obligation_annual, r.payor_obligation_monthly) == (D("23332.50"), D("1944.38"))
    assert (r.all_income_basic_annual, r.payor_obligation_all_income_annual, r.payor_obligation_all_income_monthly) == (
        D("34000.00"),
        D("25500.00"),
        D("2125.00"),
    )
    assert {"18", "19", "20"} <= {line.number for line in r.lines()}


def test_ny_add_ons_prorated_by_income_share():
    # 60,000/40,000, 2 children: basic 1,250/month (payor 60%). Add-ons × 60%: child care 10,000 → 6,000;
    # premiums 2,400 → 1,440; unreimbursed 600 → 360: 7,800/yr = 650/month; total 1,900.
    r = ny_guideline(
        parent_incomes=(D("60000"), D("40000")),
        children=2,
        as_of=AFTER_SB343,
        add_ons={
            "child_care_annual": D("10000"),
            "health_insurance_annual": D("2400"),
            "unreimbursed_health_annual": D("600"),
        },
    )
    assert (r.payor_add_ons_annual, r.payor_add_ons_monthly, r.payor_total_monthly) == (
        D("7800.00"),
        D("650.00"),
        D("1900.00"),
    )
    assert r.payor_obligation_monthly == D("1250.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"parent_incomes": (D("1"), D("1")), "gross_incomes": (D("1"), D("1"))}, "gross_incomes"),
        ({"gross_incomes": (D("100"), D("0")), "deductions": ({"fica": D("101")}, {})}, "deductions"),
        ({"gross_incomes": (D("100"), D("0")), "deductions": ({"fica": D("-1")}, {})}, "deductions"),
        ({"parent_incomes": (D("1"), D("1")), "add_ons": {"child_care_annual": D("-5")}}, "add_ons"),
        ({"parent_incomes": (D("1"), D("1")), "add_ons": {"tuition": D("5")}}, "add_ons"),
    ],
)
def test_ny_bad_input_names_the_field(kwargs, field):
    with pytest.raises(GuidelineInputError) as err:
        ny_guideline(children=1, as_of=AFTER_SB343, **kwargs)
    assert err.value.field == field


# --- New York low income with add-ons (DRL 240(1-b)(b)(1) and (d)) -----------------------------
# (b)(1): the "basic child support obligation" is the (c)(2)+(c)(3) amount "as increased pursuant to
# subparagraphs four, five, six and seven" (the add-ons). (d) tests that whole amount and, "notwithstanding
# paragraph (c)", sets it: under either low-income rule nothing is added on top.
# Payor alone (share 1), 1 child, 30,000 CSSA income, 2025 figures (poverty 15,650, reserve 21,128):
# basic 30,000 × 17% = 5,100; left before add-ons 24,900; income above the reserve 30,000 − 21,128 = 8,872.


def ny_alone_with_child_care(child_care):
    return ny_guideline(
        parent_incomes=(D("30000"), D("0")), children=1, as_of=AFTER_SB343, add_ons={"child_care_annual": D(child_care)}
    )


@pytest.mark.parametrize(
    ("child_care", "rule", "monthly", "add_ons_monthly", "total"),
    [
        # poverty edge: left = 24,900 − child care; 15,650 at 9,250.
        ("9250.01", "poverty", "739.33", "0.00", "739.33"),  # left 15,649.99 < 15,650 → max(25 × 12 = 300, 8,872)
        #                                                    = 8,872/yr → 739.33/month; the add-on is inside it
        ("9250.00", "reserve", "739.33", "0.00", "739.33"),  # left 15,650.00: not below poverty, below the reserve
        #                                                    → max(50 × 12 = 600, 8,872) = 8,872 → 739.33
        ("9249.99", "reserve", "739.33", "0.00", "739.33"),  # left 15,650.01: the same
        # reserve edge: 21,128 left at child care 3,772.
        ("3772.01", "reserve", "739.33", "0.00", "739.33"),  # left 21,127.99 < 21,128 → 8,872 → 739.33, no add-on
        ("3772.00", "", "425.00", "314.33", "739.33"),  # left 21,128.00: no rule; 5,100/12 = 425.00 plus
        #                                                 3,772/12 = 314.33 → 739.33
        ("3771.99", "", "425.00", "314.33", "739.33"),  # left 21,128.01: 3,771.99/12 = 314.3325 → 314.33
    ],
)
def test_ny_low_income_rules_test_the_obligation_with_its_add_ons(child_care, rule, monthly, add_ons_monthly, total):
    r = ny_alone_with_child_care(child_care)
    assert (r.low_income_rule, r.payor_obligation_monthly, r.payor_add_ons_monthly, r.payor_total_monthly) == (
        rule,
        D(monthly),
        D(add_ons_monthly),
        D(total),
    )
    assert r.payor_add_on_shares_annual == D(child_care)  # the share is shown on line 21 either way


def test_ny_low_income_worksheet_says_which_rule_and_that_no_add_on_is_added():
    r = ny_alone_with_child_care("9250.01")
    lines = {line.number: line for line in r.lines()}
    # line 15: 30,000 − 5,100 − 9,250.01 = 15,649.99
    assert lines["15"].cells[2] == "$15,649.99" and "DRL 240(1-b)(b)(1), (d)" in lines["15"].label
    assert lines["16"].cells[2] == "$8,872.00" and "DRL 240(1-b)(d), first sentence" in lines["16"].label
    assert "$25.00 a month or line 6 minus line 14, whichever is greater" in lines["16"].label
    assert lines["21"].cells[2] == "$9,250.01" and "DRL 240(1-b)(c)(4), (c)(6)" in lines["21"].label
    assert lines["25"].cells[2] == "$0.00" and "none" in lines["25"].label
    assert lines["27"].cells[2] == "$739.33"
    assert any("not added on top" in note for note in r.notes)
    reserve = {line.number: line for line in ny_alone_with_child_care("3772.01").lines()}
    assert "DRL 240(1-b)(d), second sentence" in reserve["16"].label
    assert "$50.00 a month" in reserve["16"].label
    plain = {line.number: line for line in ny_alone_with_child_care("3772.00").lines()}
    assert "do not apply" in plain["16"].label and plain["25"].cells[2] == "$3,772.00"


def test_ny_add_on_shares_are_prorated_before_the_low_income_test():
    # 20,000 / 10,000, 1 child: basic 30,000 × 17% = 5,100 × 2/3 = 3,400. Child care 3,000 × 2/3 = 2,000.
    # Left 20,000 − 3,400 − 2,000 = 14,600 < 15,650 → max(300, 20,000 − 21,128 < 0) = 300 → $25/month, total $25.
    # (Without the add-on the payor keeps 16,600 and the reserve rule gives $50, as in test_guidelines.py.)
    r = ny_guideline(
        parent_incomes=(D("20000"), D("10000")), children=1, as_of=AFTER_SB343, add_ons={"child_care_annual": D("3000")}
    )
    assert (r.payor_add_on_shares_annual, r.low_income_rule, r.payor_total_monthly) == (
        D("2000.00"),
        "poverty",
        D("25.00"),
    )


def test_ny_poverty_rule_takes_the_income_above_the_reserve_when_greater():
    # DRL 240(1-b)(d), first sentence: "$25 per month or the difference between the non-custodial parent's
    # income and the self-support reserve, whichever is greater" (DOMAIN.md said $25 alone).
    # 22,000 alone, 5 children (35%): 7,700; left 14,300 < 15,650 → max(300, 22,000 − 21,128 = 872) = 872
    # → 72.67/month.
    r = ny_guideline(parent_incomes=(D("22000"), D("0")), children=5, as_of=AFTER_SB343)
    assert (r.low_income_rule, r.payor_obligation_annual, r.payor_obligation_monthly) == (
        "poverty",
        D("872.00"),
        D("72.67"),
    )


# --- Add-ons and maintenance as the statutes divide them (each test cites its subdivision) ------

CA_ADD_ONS = {"child_care_monthly": D("1000"), "uninsured_health_monthly": D("200")}


def test_ca_add_ons_divided_on_net_incomes_after_the_child_support_paid():
    """Fam. Code 4061(a), (b)(2), (d) as amended by SB 343 (from 2024-09-01): add-ons are divided "in
    proportion to the parents' net incomes as adjusted pursuant to subdivisions (c) and (d)"; (d) reduces
    the net disposable income of the parent paying child support by the child support paid (nothing is
    added to the other parent's)."""
    # CS 1,920 (K 0.30 × 4,000 × 1.6). Payor 6,000 − 1,920 = 4,080; other 4,000 (not increased):
    # share 4,080/8,080 = 0.504950 → child care 1,000 → 504.95; health 200 → 100.99; total 2,525.94.
    r = ca("6000", "10000", "0.2", children=2, add_ons=CA_ADD_ONS)
    assert r.monthly_support == D("1920.00")
    assert [(a.key, a.payor_monthly) for a in r.add_ons] == [
        ("child_care_monthly", D("504.95")),
        ("uninsured_health_monthly", D("100.99")),
    ]
    assert (r.payor_add_ons_monthly, r.payor_total_monthly) == (D("605.94"), D("2525.94"))
    assert (r.add_on_rule, r.payor_add_on_share) == ("income_proportional", D("0.5050"))
    assert "4061(a), (d)" in " ".join(r.notes)


def test_ca_add_ons_use_the_support_after_the_low_income_adjustment():
    """Fam. Code 4061(d): the payor's net income is reduced by the child support paid, i.e. the amount
    ordered after the 4055(b)(7) low-income adjustment."""
    # TN 3,000 (band 2): 0.131 + 3,000/42,149 = 0.202176; K = 1.1 × that = 0.222394;
    # CS = K × (2,500 − 300) = 489.27. Threshold 16.50 × 2,080 ÷ 12 = 2,860; reduction 489.27 × 360/2,860
    # = 61.59 → 427.68. Payor 2,500 − 427.68 = 2,072.32; other 500 → share 0.805619 × 600 = 483.37.
    r = ca("2500", "3000", "0.1", add_ons={"child_care_monthly": D("600")})
    assert (r.low_income_adjustment, r.monthly_support) == ("applied", D("427.68"))
    assert r.add_ons[0].payor_monthly == D("483.37")


@pytest.mark.parametrize(
    ("as_of", "support", "child_care", "health", "rule"),
    [
        # Former 4061(a): one-half to each parent unless a parent asks otherwise. Old table: TN 10,000 →
        # 0.10 + 1,000/10,000 = 0.20; K = 1.2 × 0.20 = 0.24; CS = 0.24 × 4,000 × 1.6 = 1,536.
        (date(2024, 8, 31), D("1536.00"), D("500.00"), D("100.00"), "equal"),
        (date(2024, 9, 1), D("1920.00"), D("504.95"), D("100.99"), "income_proportional"),
    ],
)
def test_ca_add_ons_were_split_equally_before_sb343(as_of, support, child_care, health, rule):
    """Former Fam. Code 4061(a) (before SB 343, operative 2024-09-01): the 4062 expenses "shall be
    divided one-half to each parent" unless a parent requests otherwise; from 2024-09-01, 4061(a), (d)."""
    r = ca("6000", "10000", "0.2", children=2, as_of=as_of, add_ons=CA_ADD_ONS)
    assert r.monthly_support == support
    assert [a.payor_monthly for a in r.add_ons] == [child_care, health]
    assert r.add_on_rule == rule
    row = legal_parameter_row("ca.add_ons.income_proportional", jurisdiction="CA", on=as_of)
    assert row.value == (D("0") if rule == "equal" else D("1"))
    assert row.confirm is (rule == "equal")
    assert "ca.add_ons.income_proportional" in {p.key for p in r.parameters}


def test_ca_negative_result_cites_4055_b_5():
    """Fam. Code 4055(b)(5): a negative result means the lower earner pays its absolute value."""
    r = ca("6000", "8000", "0.8")
    assert r.payor == "low_earner"
    assert any("4055(b)(5)" in note for note in r.notes)
    assert not any("4055(b)(6)" in note for note in r.notes)


def ny_with_maintenance(payor_gross, as_of=AFTER_SB343, **kwargs):
    return ny_guideline(
        gross_incomes=(D(payor_gross), D("30000")),
        deductions=({"maintenance_paid": D("20000")}, {}),
        children=1,
        as_of=as_of,
        **kwargs,
    )


def test_ny_maintenance_paid_to_the_other_parent_is_added_to_the_recipients_income():
    """DRL 240(1-b)(b)(5)(iii)(I) as amended by L. 2015 c. 387 (from 2016-01-24): maintenance paid to a
    spouse party to the action is income of the recipient; (b)(5)(vii)(C) deducts it from the payor's."""
    # Payor 100,000 − 20,000 = 80,000; other 30,000 + 20,000 = 50,000; combined 130,000 × 17% = 22,100;
    # share 80/130 = 0.615385 → 13,600.00/yr = 1,133.33/mo; child care 10,000 × share = 6,153.85/yr
    # = 512.82/mo; total 1,646.15.
    r = ny_with_maintenance("100000", add_ons={"child_care_annual": D("10000")})
    assert [i.cssa_income for i in r.incomes] == [D("80000.00"), D("50000.00")]
    assert [i.maintenance_received for i in r.incomes] == [D("0.00"), D("20000.00")]
    assert (r.combined_income, r.payor_share, r.payor_prorated_annual) == (
        D("130000.00"),
        D("0.6154"),
        D("13600.00"),
    )
    assert (r.add_ons[0].payor_annual, r.payor_total_monthly) == (D("6153.85"), D("1646.15"))
    lines = {line.number: line for line in r.lines()}
    assert lines["1a"].cells == ("$0.00", "$20,000.00", "")
    assert "Plus: maintenance received from the other parent" in lines["1a"].label
    assert lines["6"].cells == ("$80,000.00", "$50,000.00", "$130,000.00")
    assert "ny.cssa.maintenance_received_is_income" in {p.key for p in r.parameters}


def test_ny_maintenance_received_counts_toward_the_combined_income_cap():
    """DRL 240(1-b)(b)(4), (b)(5)(iii)(I), (c)(2)-(3): combined parental income includes the maintenance
    the recipient receives, so 150,000 + 50,000 = 200,000 is above the 183,000 cap."""
    # 183,000 × 17% = 31,110 × 0.75 = 23,332.50/yr; all income 200,000 × 17% × 0.75 = 25,500.
    r = ny_with_maintenance("170000")
    assert (r.combined_income, r.above_cap, r.payor_share) == (D("200000.00"), True, D("0.7500"))
    assert (r.payor_obligation_annual, r.payor_obligation_all_income_annual) == (D("23332.50"), D("25500.00"))


@pytest.mark.parametrize(
    ("as_of", "other_income", "child_care_share"),
    [(date(2016, 1, 23), D("30000.00"), D("7272.73")), (date(2016, 1, 24), D("50000.00"), D("6153.85"))],
)
def test_ny_maintenance_is_recipients_income_from_2016_01_24(as_of, other_income, child_care_share):
    """L. 2015 c. 387 s. 3 (DRL 240(1-b)(b)(5)(iii)(I)), in force 2016-01-24: before it, maintenance was
    deducted from the payor's income but not added to the recipient's. The seeded poverty-guideline rows
    start 2024-03-01, so this test adds 2015's figures to reach the boundary."""
    for key, value in (("ny.poverty_guideline", "11770"), ("ny.self_support_reserve", "15890")):
        LegalParameter.objects.create(
            key=key, jurisdiction="NY", effective_on=date(2015, 3, 1), value=D(value), citation="test row"
        )
    r = ny_with_maintenance("100000", as_of=as_of, add_ons={"child_care_annual": D("10000")})
    assert [i.cssa_income for i in r.incomes] == [D("80000.00"), other_income]
    assert r.add_ons[0].payor_annual == child_care_share
    row = legal_parameter_row("ny.cssa.maintenance_received_is_income", jurisdiction="NY", on=as_of)
    assert row.value == (D("1") if as_of >= date(2016, 1, 24) else D("0"))


# --- Fam. Code 4055(b)(8): the order allocates the support child by child, youngest first ---------


def test_ca_two_children_are_allocated_youngest_first():
    """Fam. Code 4055(b)(8): "Unless the court orders otherwise, the order for child support shall
    allocate the support amount so that the amount of support for the youngest child is the amount
    of support for one child, and the amount for the next youngest child is the difference between
    that amount and the amount for two children". HN 3,000, TN 4,000, H% 20 %, 2026: K = 1.2 ×
    (0.131 + 4,000/42,149) = 0.27108; one child 596.38; two 954.21 (× 1.6): youngest 596.38, next
    357.83 (red team rtlaw)."""
    r = ca("3000", "4000", "0.2", children=2, as_of=date(2026, 6, 1))
    assert r.monthly_support == D("954.21")
    assert [(c.position, c.label, c.amount) for c in r.child_allocation] == [
        (1, "Youngest child", D("596.38")),
        (2, "Next youngest child", D("357.83")),
    ]
    text = " ".join(f"{line.label} {' '.join(line.cells)}" for line in r.lines())
    assert "Youngest child" in text and "$596.38" in text and "$357.83" in text


def test_ca_allocation_adds_up_to_the_order_with_the_low_income_adjustment_and_follows_birth_dates():
    """Each child's amount is the difference of the guideline amounts (each after the same low-income
    adjustment) for one more child, so the shares add up to the order's amount to the cent; the
    children known by birth date are named youngest first."""
    born = [date(2012, 3, 4), date(2019, 6, 1), date(2015, 1, 20)]
    r = ca("2000", "2600", "0.1", children=3, as_of=date(2026, 6, 1), children_born=born)
    assert r.low_income_adjustment == "applied"
    assert sum(c.amount for c in r.child_allocation) == r.monthly_support
    assert [c.born_on for c in r.child_allocation] == [date(2019, 6, 1), date(2015, 1, 20), date(2012, 3, 4)]
    assert [c.label for c in r.child_allocation] == ["Youngest child", "Next youngest child", "3rd youngest child"]
    one = ca("2000", "2600", "0.1", children=1, as_of=date(2026, 6, 1)).monthly_support
    assert r.child_allocation[0].amount == one
    assert ca("2000", "2600", "0.1", children=1, as_of=date(2026, 6, 1)).child_allocation == ()
    with pytest.raises(GuidelineInputError, match="birth date"):
        ca("2000", "2600", "0.1", children=2, as_of=date(2026, 6, 1), children_born=born)

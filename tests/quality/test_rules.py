"""Incentive tables (45 CFR 305.33) at every boundary, improvement exceptions and next tier."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from core.legal import LegalParameterMissing
from quality.choices import MeasureName as M
from quality.rules import (
    DEFAULT_BANDS,
    DEFAULT_EXCEPTIONS,
    TABLE_OF_MEASURE,
    applicable_percentage,
    measure_value,
    next_tier,
)
from quality.selectors import RuleBook


def pct(measure, value, previous=None):
    return applicable_percentage(
        measure=measure,
        value=D(value),
        bands=DEFAULT_BANDS[TABLE_OF_MEASURE[measure]],
        exception=DEFAULT_EXCEPTIONS.get(measure),
        previous_value=None if previous is None else D(previous),
    )


ESTABLISHMENT_TABLE = {
    80: 100,
    79: 98,
    78: 96,
    77: 94,
    76: 92,
    75: 90,
    74: 88,
    73: 86,
    72: 84,
    71: 82,
    70: 80,
    **{p: p + 10 for p in range(50, 70)},
}
COLLECTIONS_TABLE = {80: 100, **{p: 100 - 2 * (80 - p) for p in range(70, 80)}, **{p: p + 10 for p in range(40, 70)}}


@pytest.mark.parametrize("measure", [M.PATERNITY, M.ORDERS])
@pytest.mark.parametrize("whole", range(0, 101))
def test_establishment_table_every_whole_percent_and_just_under(measure, whole):
    expected = ESTABLISHMENT_TABLE.get(min(whole, 80), 0)
    assert pct(measure, f"{whole}.00") == expected
    assert pct(measure, f"{whole}.99") == expected  # "at least 79% but less than 80%"
    if whole:
        assert pct(measure, f"{whole - 1}.99") == ESTABLISHMENT_TABLE.get(min(whole - 1, 80), 0)


@pytest.mark.parametrize("measure", [M.CURRENT_COLLECTIONS, M.ARREARS_COLLECTIONS])
@pytest.mark.parametrize("whole", range(0, 101))
def test_collections_table_every_whole_percent(measure, whole):
    expected = COLLECTIONS_TABLE.get(min(whole, 80), 0)
    assert pct(measure, f"{whole}.00") == expected
    assert pct(measure, f"{whole}.99") == expected


def test_79_band_is_98_and_80_is_100():
    assert pct(M.ORDERS, "79.00") == 98
    assert pct(M.ORDERS, "79.99") == 98
    assert pct(M.ORDERS, "80.00") == 100
    assert pct(M.PATERNITY, "100.00") == 100


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ("6.10", 100),
        ("5.01", 100),
        ("5.00", 100),
        ("4.99", 90),
        ("4.50", 90),
        ("4.49", 80),
        ("4.00", 80),
        ("3.99", 70),
        ("3.50", 70),
        ("3.49", 60),
        ("3.00", 60),
        ("2.99", 50),
        ("2.50", 50),
        ("2.49", 40),
        ("2.00", 40),
        ("1.99", 0),
        ("0.00", 0),
    ],
)
def test_cost_effectiveness_every_boundary(ratio, expected):
    assert pct(M.COST_EFFECTIVENESS, ratio) == expected


def test_cost_effectiveness_ratio_is_truncated_not_rounded_into_the_next_band():
    # 4.999 rounds to 5.00 for display but is not yet "at least 5.00"
    assert (
        applicable_percentage(measure=M.COST_EFFECTIVENESS, value=D("4.999"), bands=DEFAULT_BANDS["cost_effectiveness"])
        == 90
    )


def test_paternity_below_50_earns_50_when_up_at_least_10_points():
    assert pct(M.PATERNITY, "45.00", previous="35.00") == 50
    assert pct(M.PATERNITY, "45.00", previous="35.01") == 0
    assert pct(M.PATERNITY, "49.99", previous="39.99") == 50
    assert pct(M.PATERNITY, "45.00") == 0  # no previous year: no exception


def test_orders_below_50_earns_50_when_up_at_least_5_points():
    assert pct(M.ORDERS, "44.00", previous="39.00") == 50
    assert pct(M.ORDERS, "44.00", previous="39.01") == 0
    assert pct(M.ORDERS, "50.00", previous="10.00") == 60  # at 50 the table applies


@pytest.mark.parametrize("measure", [M.CURRENT_COLLECTIONS, M.ARREARS_COLLECTIONS])
def test_collections_below_40_zero_unless_up_5_points(measure):
    assert pct(measure, "39.99") == 0
    assert pct(measure, "39.99", previous="34.99") == 50
    assert pct(measure, "39.99", previous="35.00") == 0
    assert pct(measure, "40.00") == 50


def test_measure_value_two_decimals_and_none_without_denominator():
    assert measure_value(M.ORDERS, 2, 3) == D("66.67")
    assert measure_value(M.COST_EFFECTIVENESS, D("1000"), D("300")) == D("3.33")
    assert measure_value(M.ORDERS, 0, 0) is None


def test_next_tier_counts_orders_needed():
    # 70 of 100 = 70% → 80; the next step is 71% → 82: one more order
    tier = next_tier(measure=M.ORDERS, numerator=70, denominator=100, bands=DEFAULT_BANDS["establishment"])
    assert (tier.floor, tier.percentage, tier.needed) == (71, 82, 1)
    # 7 of 9 = 77.78% → next 78%: 78% of 9 = 7.02 → one more
    tier = next_tier(measure=M.ORDERS, numerator=7, denominator=9, bands=DEFAULT_BANDS["establishment"])
    assert tier.needed == 1


def test_next_tier_in_dollars_for_current_collections_and_none_at_top():
    tier = next_tier(
        measure=M.CURRENT_COLLECTIONS,
        numerator=D("3950.00"),
        denominator=D("10000.00"),
        bands=DEFAULT_BANDS["collections"],
    )
    assert (tier.floor, tier.percentage, tier.needed) == (40, 50, D("50.00"))
    assert next_tier(measure=M.ORDERS, numerator=9, denominator=10, bands=DEFAULT_BANDS["establishment"]) is None


def test_next_tier_for_cost_effectiveness_in_collection_dollars():
    tier = next_tier(
        measure=M.COST_EFFECTIVENESS,
        numerator=D("4990"),
        denominator=D("1000"),
        bands=DEFAULT_BANDS["cost_effectiveness"],
    )
    assert (tier.floor, tier.percentage, tier.needed) == (D("5.00"), 100, D("10.00"))


@pytest.mark.django_db
def test_seeded_tables_match_the_defaults_and_come_back_after_a_flush():
    from django.core.management import call_command

    from core.models import LegalParameter
    from quality.selectors import RuleBook

    book = RuleBook(on=date(2026, 9, 30))
    assert pct_from(book, M.ORDERS, "79.50") == 98
    assert book.bands == DEFAULT_BANDS and book.exceptions == DEFAULT_EXCEPTIONS
    # every row is verified against 42 USC 658a(b)(6) (core 0013): none is left to confirm
    assert not LegalParameter.objects.filter(key__startswith="us.incentive.", confirm=True).exists()
    call_command("flush", interactive=False, verbosity=0)
    assert LegalParameter.objects.filter(key__startswith="us.incentive.").count() == (
        sum(2 * len(b) + 1 for b in DEFAULT_BANDS.values()) + 3 * len(DEFAULT_EXCEPTIONS)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("on", [date(1999, 10, 1), date(2026, 9, 30)])
def test_rule_book_reads_the_legal_rows_of_the_day(on):
    book = RuleBook(on=on)
    assert [(b.floor, b.percentage) for b in book.bands_for(M.COST_EFFECTIVENESS)][:2] == [(5, 100), (D("4.50"), 90)]
    assert {p.key for p in book.used} >= {
        "us.incentive.establishment.band_count",
        "us.incentive.exception.orders.below",
    }


@pytest.mark.django_db
def test_rule_book_before_the_first_row_is_an_error():
    with pytest.raises(LegalParameterMissing, match="starts on 1999-10-01"):
        RuleBook(on=date(1999, 9, 30))


@pytest.mark.django_db
def test_a_new_table_version_is_data_not_code():
    # given a 2027 version of table 3 with only two bands: >= 3.00 -> 100, else 0
    from core.models import LegalParameter

    on = date(2027, 10, 1)
    for key, value in (
        ("band_count", 2),
        ("band.1.floor", 3),
        ("band.1.percentage", 100),
        ("band.2.floor", 0),
        ("band.2.percentage", 0),
    ):
        LegalParameter.objects.create(
            key=f"us.incentive.cost_effectiveness.{key}",
            jurisdiction="US",
            effective_on=on,
            value=value,
            citation="test",
        )
    # just before it the seeded table applies (2.99 -> 50); from it, the new one (2.99 -> 0, 3.00 -> 100)
    assert pct_from(RuleBook(on=on - timedelta(days=1)), M.COST_EFFECTIVENESS, "2.99") == 50
    assert pct_from(RuleBook(on=on), M.COST_EFFECTIVENESS, "2.99") == 0
    assert pct_from(RuleBook(on=on), M.COST_EFFECTIVENESS, "3.00") == 100


@pytest.mark.django_db
@pytest.mark.parametrize(("criterion", "benchmark"), [("case_closure", 90), ("establishment", 75), ("expedited", 75)])
def test_benchmarks_are_legal_rows(criterion, benchmark):
    from quality.selectors import criterion_rules

    rule = criterion_rules(on=date(2026, 9, 30))[criterion]
    assert rule.benchmark == benchmark and rule.benchmark_citation.startswith("45 CFR 308.2")


def pct_from(book, measure, value):
    return applicable_percentage(
        measure=measure, value=D(value), bands=book.bands_for(measure), exception=book.exception_for(measure)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("numerator", "shown", "percentage"),
    [
        (79_996, D("80.00"), 98),  # 79.996% shows as 80.00% but is "at least 79% but less than 80%" → 98
        (79_999, D("80.00"), 98),  # just under 80%
        (80_000, D("80.00"), 100),  # at 80%
        (80_001, D("80.00"), 100),  # just over
    ],
)
def test_measure_is_placed_in_its_band_on_the_unrounded_value(numerator, shown, percentage):
    from quality.measures import measures_from_lines
    from quality.selectors import RuleBook

    book = RuleBook(on=__import__("datetime").date(2026, 9, 30))
    lines = {
        "1": 100_000,
        "2": numerator,
        "5a": 1,
        "6": 1,
        "24": D("1"),
        "25": D("1"),
        "28": 1,
        "29": 1,
        "collections": D("5"),
    }
    orders = next(
        r
        for r in measures_from_lines(fiscal_year=2026, lines=lines, expenditures=D("1"), rules=book)
        if r.name == M.ORDERS
    )
    assert (orders.value, orders.incentive_percentage) == (shown, percentage)


def test_collections_just_under_40_percent_is_below_the_table():
    # 39.996% shows as 40.00% but earns 0 (not 50) without the improvement exception.
    from quality.rules import measure_exact

    assert measure_value(M.CURRENT_COLLECTIONS, D("39996"), D("100000")) == D("40.00")
    assert pct(M.CURRENT_COLLECTIONS, measure_exact(M.CURRENT_COLLECTIONS, D("39996"), D("100000"))) == 0
    assert pct(M.CURRENT_COLLECTIONS, "40") == 50

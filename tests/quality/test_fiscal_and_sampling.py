from datetime import date

import pytest

from quality.fiscal import fiscal_year_bounds, fiscal_year_of, valid_fiscal_year
from quality.sampling import allocate, stratified_sample


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 9, 30), 2025),
        (date(2025, 10, 1), 2026),
        (date(2026, 1, 1), 2026),
        (date(2026, 9, 30), 2026),
    ],
)
def test_fiscal_year_runs_october_to_september(day, fy):
    assert fiscal_year_of(day) == fy


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2026) == (date(2025, 10, 1), date(2026, 9, 30))


@pytest.mark.parametrize("bad", ["1999", "2101", "20x6", "", "02026", "\x00"])
def test_invalid_fiscal_years_rejected(bad):
    with pytest.raises(ValueError):
        valid_fiscal_year(bad)


def test_allocation_is_proportional_and_sums_to_size():
    assert allocate({"A": 60, "B": 30, "C": 10}, 10) == {"A": 6, "B": 3, "C": 1}
    assert sum(allocate({"A": 5, "B": 5, "C": 5}, 7).values()) == 7
    assert allocate({"A": 2}, 10) == {"A": 2}  # never more than the population


def test_sample_is_reproducible_for_a_seed_whatever_the_input_order():
    population = [(i, "Kings" if i % 3 else "Queens") for i in range(1, 301)]
    first = stratified_sample(population, size=25, seed="42:enforcement")
    again = stratified_sample(list(reversed(population)), size=25, seed="42:enforcement")
    other = stratified_sample(population, size=25, seed="43:enforcement")
    assert first == again
    assert first != other
    assert len(first) == 25 and len({i for i, _ in first}) == 25
    assert sum(1 for _, s in first if s == "Queens") == 8  # 100 of 300 → 8.33 → 8


def test_empty_population_gives_empty_sample():
    assert stratified_sample([], size=10, seed="x") == []

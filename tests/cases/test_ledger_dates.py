"""Obligation due dates: every frequency, month ends, and no gaps or duplicates across runs."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.ledger_dates import due_dates, next_due_on


def dd(frequency, start, through, *, after=None, end=None):
    return due_dates(frequency=frequency, start_on=start, end_on=end, after=after, through=through)


def test_monthly_on_the_start_day_and_clamped_to_short_months():
    assert dd("monthly", date(2026, 1, 31), date(2026, 4, 30)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_weekly_and_biweekly_from_the_start_date():
    assert dd("weekly", date(2026, 11, 2), date(2026, 11, 23)) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert dd("biweekly", date(2026, 11, 2), date(2026, 11, 29)) == [date(2026, 11, 2), date(2026, 11, 16)]


def test_semimonthly_fifteen_days_apart():
    assert dd("semimonthly", date(2026, 1, 1), date(2026, 2, 28)) == [
        date(2026, 1, 1),
        date(2026, 1, 16),
        date(2026, 2, 1),
        date(2026, 2, 16),
    ]
    assert dd("semimonthly", date(2026, 1, 20), date(2026, 2, 28)) == [
        date(2026, 1, 20),
        date(2026, 2, 5),
        date(2026, 2, 20),
    ]
    assert dd("semimonthly", date(2026, 1, 15), date(2026, 2, 28))[-1] == date(2026, 2, 28)


def test_due_date_at_through_is_included_and_after_is_excluded():
    assert dd("monthly", date(2026, 1, 5), date(2026, 3, 5), after=date(2026, 2, 5)) == [date(2026, 3, 5)]
    assert dd("monthly", date(2026, 1, 5), date(2026, 3, 4), after=date(2026, 2, 5)) == []


def test_end_date_is_the_last_possible_due_date():
    assert dd("weekly", date(2026, 1, 1), date(2026, 3, 1), end=date(2026, 1, 15)) == [
        date(2026, 1, 1),
        date(2026, 1, 8),
        date(2026, 1, 15),
    ]
    assert dd("weekly", date(2026, 1, 1), date(2026, 3, 1), end=date(2026, 1, 14))[-1] == date(2026, 1, 8)


def test_next_due_date_on_or_after_a_day_keeps_the_obligations_due_day():
    assert next_due_on(frequency="monthly", start_on=date(2026, 9, 1), on=date(2026, 11, 23)) == date(2026, 12, 1)
    assert next_due_on(frequency="monthly", start_on=date(2026, 9, 1), on=date(2026, 12, 1)) == date(2026, 12, 1)
    assert next_due_on(frequency="monthly", start_on=date(2026, 1, 31), on=date(2026, 2, 1)) == date(2026, 2, 28)
    assert next_due_on(frequency="weekly", start_on=date(2026, 9, 4), on=date(2026, 11, 25)) == date(2026, 11, 27)
    assert next_due_on(frequency="biweekly", start_on=date(2026, 9, 4), on=date(2026, 11, 14)) == date(2026, 11, 27)
    assert next_due_on(frequency="semimonthly", start_on=date(2026, 1, 20), on=date(2026, 2, 6)) == date(2026, 2, 20)
    # an obligation that starts later: its start
    assert next_due_on(frequency="monthly", start_on=date(2027, 1, 15), on=date(2026, 11, 23)) == date(2027, 1, 15)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    frequency=st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly"]),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    days=st.integers(min_value=-60, max_value=900),
)
def test_next_due_date_is_the_first_of_the_due_dates_from_that_day(frequency, start, days):
    on = start + timedelta(days=days)
    following = dd(frequency, start, max(on, start) + timedelta(days=62), after=on - timedelta(days=1))
    assert next_due_on(frequency=frequency, start_on=start, on=on) == following[0]


def test_unknown_frequency_is_refused():
    with pytest.raises(ValueError):
        dd("daily", date(2026, 1, 1), date(2026, 2, 1))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    frequency=st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly"]),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    cuts=st.lists(st.integers(min_value=0, max_value=800), max_size=5),
    length=st.integers(min_value=0, max_value=900),
)
def test_runs_split_anywhere_give_exactly_the_dates_of_one_run(frequency, start, cuts, length):
    through = start + timedelta(days=length)
    whole = dd(frequency, start, through)
    pieces, after = [], None
    for cut in sorted(c for c in cuts if c <= length):
        upto = start + timedelta(days=cut)
        got = dd(frequency, start, upto, after=after)
        pieces += got
        # accrued_through = the last due date charged (or unchanged when none)
        after = got[-1] if got else after
    pieces += dd(frequency, start, through, after=after)
    assert pieces == whole
    assert len(set(whole)) == len(whole) and whole == sorted(whole)
    assert all(start <= d <= through for d in whole)

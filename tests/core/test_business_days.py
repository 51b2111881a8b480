from datetime import date

import pytest

from core.business_days import (
    add_business_days,
    add_calendar_days,
    business_days_between,
    is_business_day,
    roll_forward,
)


def test_weekends_and_state_holidays_are_not_business_days():
    assert not is_business_day(date(2026, 11, 28), "NY")  # Saturday
    assert not is_business_day(date(2026, 11, 26), "NY")  # Thanksgiving
    assert not is_business_day(date(2026, 3, 31), "CA")  # Cesar Chavez Day (CA only)
    assert is_business_day(date(2026, 3, 31), "NY")


def test_two_business_days_skip_thanksgiving_and_the_weekend():
    # Wednesday 2026-11-25 + 2 business days: Thu 26 is Thanksgiving; CA also observes Fri 27.
    assert add_business_days(date(2026, 11, 25), 2, "NY") == date(2026, 11, 30)
    assert add_business_days(date(2026, 11, 25), 2, "CA") == date(2026, 12, 1)


def test_calendar_deadline_on_a_weekend_rolls_to_monday():
    # 2026-10-01 + 30 days = Saturday 2026-10-31 → Monday 2026-11-02.
    assert add_calendar_days(date(2026, 10, 1), 30, "CA") == date(2026, 11, 2)
    assert add_calendar_days(date(2026, 10, 1), 30, "CA", roll=False) == date(2026, 10, 31)
    assert roll_forward(date(2026, 11, 2), "CA") == date(2026, 11, 2)


def test_business_days_between_counts_after_start_through_end():
    assert business_days_between(date(2026, 11, 20), date(2026, 11, 24), "NY") == 2
    assert business_days_between(date(2026, 11, 24), date(2026, 11, 20), "NY") == 0


def test_unknown_profile_is_an_error():
    with pytest.raises(ValueError):
        is_business_day(date(2026, 1, 2), "TX")

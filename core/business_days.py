"""Business-day arithmetic for deadlines.

Business days skip weekends and the public holidays of the office's state, taken from the
maintained ``holidays`` library (federal + state observances). A deadline that falls on a
non-business day moves to the next business day (22 CCR 120100; applied everywhere unless a rule
says otherwise, per DOMAIN.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings

_STATE_OF_PROFILE = {"NY": "NY", "CA": "CA"}


@lru_cache(maxsize=8)
def _calendar(jurisdiction: str) -> holidays.HolidayBase:
    subdiv = _STATE_OF_PROFILE.get(jurisdiction.upper())
    if subdiv is None:
        raise ValueError(f"Unknown jurisdiction profile {jurisdiction!r}")
    return holidays.country_holidays("US", subdiv=subdiv)


def _profile(jurisdiction: str | None) -> str:
    return (jurisdiction or settings.CASEWORKS_JURISDICTION).upper()


def holiday_name(day: date, jurisdiction: str | None = None) -> str | None:
    return _calendar(_profile(jurisdiction)).get(day)


def is_business_day(day: date, jurisdiction: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _calendar(_profile(jurisdiction))


def roll_forward(day: date, jurisdiction: str | None = None) -> date:
    """The day itself if it is a business day, else the next business day."""
    while not is_business_day(day, jurisdiction):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, days: int, jurisdiction: str | None = None) -> date:
    """``days`` business days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    return _add_business_days(start, days, _profile(jurisdiction))


@lru_cache(maxsize=4096)
def _add_business_days(start: date, days: int, jurisdiction: str) -> date:
    # Pure in its arguments (the holiday calendar is fixed by the library's version): a batch of
    # payments received the same day asks the same question thousands of times.
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day, jurisdiction):
            remaining -= 1
    return day


def add_calendar_days(start: date, days: int, jurisdiction: str | None = None, *, roll: bool = True) -> date:
    """``days`` calendar days after ``start``; rolled to the next business day when ``roll``."""
    day = start + timedelta(days=days)
    return roll_forward(day, jurisdiction) if roll else day


def business_days_between(start: date, end: date, jurisdiction: str | None = None) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day, jurisdiction):
            count += 1
    return count

"""Due dates of an obligation (pure: no database).

- monthly: the start date's day of the month, every month (the 31st falls on the last day of a
  shorter month);
- weekly / biweekly: every 7 / 14 days from the start date;
- semi-monthly: twice a month, 15 days apart — the start day ``d`` (or ``d - 15`` when the start
  is after the 15th) and that day + 15 (clamped to the month's last day);
- never before ``start_on``, never after ``end_on``.

``next_due_on`` gives the first due date on or after a day: where a change of the order begins
(the installment due before it is charged at the old terms, docs/ledger.md "Changing an order").
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

WEEKLY, BIWEEKLY, SEMIMONTHLY, MONTHLY = "weekly", "biweekly", "semimonthly", "monthly"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(start: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while True:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def due_dates(*, frequency: str, start_on: date, end_on: date | None, after: date | None, through: date) -> list[date]:
    """Due dates ``d`` with ``after < d <= through``, ``start_on <= d`` and ``d <= end_on``."""
    last = min(through, end_on) if end_on else through
    first = max(start_on, after + timedelta(days=1)) if after else start_on
    if first > last:
        return []
    if frequency in (WEEKLY, BIWEEKLY):
        step = 7 if frequency == WEEKLY else 14
        offset = (first - start_on).days
        day = start_on + timedelta(days=-(-offset // step) * step)
        out = []
        while day <= last:
            out.append(day)
            day += timedelta(days=step)
        return out
    if frequency == MONTHLY:
        days: tuple[int, ...] = (start_on.day,)
    elif frequency == SEMIMONTHLY:
        d1 = start_on.day if start_on.day <= 15 else start_on.day - 15
        days = (d1, d1 + 15)
    else:
        raise ValueError(f"Unknown frequency {frequency!r}")
    out = []
    for year, month in _months(first):
        if date(year, month, 1) > last:
            break
        for d in days:
            day = _clamped(year, month, d)
            if first <= day <= last and (not out or out[-1] != day):
                out.append(day)
    return out


def next_due_on(*, frequency: str, start_on: date, on: date) -> date:
    """The obligation's first due date on or after ``on`` (its start when it starts later), its end
    date aside. Due dates are at most 31 days apart, so the search looks 31 days ahead."""
    first = max(on, start_on)
    return due_dates(
        frequency=frequency,
        start_on=start_on,
        end_on=None,
        after=first - timedelta(days=1),
        through=first + timedelta(days=31),
    )[0]

"""Calendar helpers."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative goes back); the 31st becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# One date format for every page and letter (issue 15.3), used through the ``fdate`` template
# filter and ``display_date`` in Python-built documents. Short month names are unambiguous for a
# US reader (03/04 is not) and stay narrow in tables; the order follows the active language.
DISPLAY_DATE_FORMATS = {"en": "M j, Y", "es": "j M Y"}
DISPLAY_TIME_FORMAT = "H:i"


# The dates a person can mean on a form or in a service: anything outside is a typing error (a
# year 0001 or 1800 typed for 2001), refused before it reaches a calculation (``date(1, 1, 1) -
# timedelta(days=1)`` is an OverflowError) or a record.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_OUT_OF_BOUNDS = "Enter a date between 1900 and 2100."
DATE_IN_FUTURE = "The date cannot be in the future."


def date_refusal(value: date | None, *, future: bool = True, today: date | None = None) -> str:
    """Why ``value`` is refused ("" when it is not, or when no date is given): outside 1900-2100
    (``EARLIEST_DATE``, ``LATEST_DATE``), or, with ``future=False``, after today (the office's
    date, or ``today`` when the caller fixes it). The one rule of every date field and service."""
    if value is None:
        return ""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return DATE_OUT_OF_BOUNDS
    if not future and value > (today or timezone.localdate()):
        return DATE_IN_FUTURE
    return ""


def date_in_bounds(value: date | None, field: str) -> None:
    """Refuse a date outside 1900-2100 (``date_refusal``): a ``ValidationError`` on ``field``."""
    if problem := date_refusal(value):
        raise ValidationError({field: problem})


def not_in_future(value: date | None, field: str, *, today: date | None = None) -> None:
    """Refuse a date after today (the office's date, or ``today`` when the caller fixes it) or
    before 1900 (``date_refusal``): a ``ValidationError`` on ``field``. No date given: nothing to
    check."""
    if problem := date_refusal(value, future=False, today=today):
        raise ValidationError({field: problem})


def display_date(value: date | datetime | None, *, with_time: bool = False) -> str:
    """``Mar 3, 2026`` (``3 Mar 2026`` in Spanish); ``with_time`` adds ``14:05`` (local time).

    The same text as ``django.utils.dateformat.format(value, DISPLAY_DATE_FORMATS[language])``,
    built directly: dateformat reads the month's name through a lazy translation on every call,
    which made a ten-year statement spend a third of its time formatting dates."""
    from django.utils import timezone, translation

    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if not with_time:
            value = value.date()
    active = translation.get_language() or "en"
    language = active.split("-")[0]
    month = _month_abbreviations(active)[value.month - 1]
    text = f"{value.day} {month} {value.year:04d}" if language == "es" else f"{month} {value.day}, {value.year:04d}"
    if with_time and isinstance(value, datetime):
        text = f"{text} {value.hour:02d}:{value.minute:02d}"
    return text


_MONTH_ABBREVIATIONS: dict[str, tuple[str, ...]] = {}


def _month_abbreviations(language: str) -> tuple[str, ...]:
    """The format character ``M`` of each month in the active ``language``, read once."""
    names = _MONTH_ABBREVIATIONS.get(language)
    if names is None:
        from django.utils.dates import MONTHS_3

        names = _MONTH_ABBREVIATIONS[language] = tuple(str(MONTHS_3[month]).title() for month in range(1, 13))
    return names

"""Calendar helpers."""

from __future__ import annotations

import calendar
from datetime import date, datetime


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


def display_date(value: date | datetime | None, *, with_time: bool = False) -> str:
    """``Mar 3, 2026`` (``3 mar 2026`` in Spanish); ``with_time`` adds ``14:05`` (local time)."""
    from django.utils import dateformat, timezone, translation

    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if not with_time:
            value = value.date()
    language = (translation.get_language() or "en").split("-")[0]
    pattern = DISPLAY_DATE_FORMATS.get(language, DISPLAY_DATE_FORMATS["en"])
    if with_time and isinstance(value, datetime):
        pattern = f"{pattern} {DISPLAY_TIME_FORMAT}"
    return dateformat.format(value, pattern)

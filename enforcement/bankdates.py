"""The one date field that the bank's file formats share: ``YYMMDD`` (NACHA and BAI2 headers and records)."""

from __future__ import annotations

import re
from datetime import date, datetime

_SIX_DIGITS = re.compile(r"\d{6}\Z")


def yymmdd(value: str) -> date | None:
    """``value`` as a calendar date, or None when it is not six digits naming a real day."""
    if not _SIX_DIGITS.match(value):
        return None
    try:
        return datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None

"""What the bank's file formats (NACHA, BAI2) share: ASCII text and the ``YYMMDD`` date field."""

from __future__ import annotations

import re
from datetime import date, datetime

_SIX_DIGITS = re.compile(r"\d{6}\Z")


class NonAsciiFile(ValueError):
    """The file holds a byte outside ASCII; ``line`` (1-based) is where the first one stands."""

    def __init__(self, line: int):
        super().__init__(f"non-ASCII byte on line {line}")
        self.line = line


def ascii_decode(data: bytes | str) -> str:
    """The file as text; bank files are ASCII, so any other byte raises ``NonAsciiFile``."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise NonAsciiFile(data[: exc.start].count(b"\n") + 1) from exc


def yymmdd(value: str) -> date | None:
    """``value`` as a calendar date, or None when it is not six digits naming a real day."""
    if not _SIX_DIGITS.match(value):
        return None
    try:
        return datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None

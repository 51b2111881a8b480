"""What the bank's file formats (NACHA, BAI2) share: ASCII text, the ``YYMMDD`` date field and how a
refused file reports its problems."""

from __future__ import annotations

import re
from datetime import date, datetime

_SIX_DIGITS = re.compile(r"\d{6}\Z")
MAX_ERRORS = 200  # a refused file reports its first problems, not thousands


class BankFileInvalid(Exception):
    """The file is refused; ``errors`` lists (line, reason) pairs in line order (the first
    ``MAX_ERRORS``), the message names the first five."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors, key=lambda e: e[0])[:MAX_ERRORS]
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in self.errors[:5]))


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

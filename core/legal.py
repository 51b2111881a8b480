"""Reading legal parameters: the value of a dated legal number on the day it applies.

Every legal number the code uses (caps, percentages, band fractions, poverty guidelines, minimum
wages …) is a ``core.models.LegalParameter`` row: key, jurisdiction, effective date, value,
citation. A date before the first row of a key is an error (``LegalParameterMissing``), never a
silent default. Calculations read through a ``ParameterSet`` so they can report the rows they used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .models import LegalParameter


class LegalParameterMissing(LookupError):
    """No row of a legal parameter is in force on the date asked for."""

    def __init__(self, key: str, jurisdiction: str, on: date, first: date | None):
        self.key, self.jurisdiction, self.on, self.first = key, jurisdiction, on, first
        if first is None:
            message = f"No {jurisdiction} legal parameter {key!r} is configured."
        else:
            message = (
                f"{jurisdiction} legal parameter {key!r} starts on {first:%Y-%m-%d}: "
                f"no value is in force on {on:%Y-%m-%d}."
            )
        super().__init__(message)


@dataclass(frozen=True)
class UsedParameter:
    """A row a calculation read, as reported with its result."""

    key: str
    jurisdiction: str
    effective_on: date
    value: Decimal
    citation: str
    confirm: bool
    note: str = ""

    @classmethod
    def of(cls, row: LegalParameter) -> UsedParameter:
        return cls(
            key=row.key,
            jurisdiction=row.jurisdiction,
            effective_on=row.effective_on,
            value=row.value,
            citation=row.citation,
            confirm=row.confirm,
            note=row.note,
        )

    @property
    def value_text(self) -> str:
        return format(self.value.normalize(), "f")

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "effective_on": self.effective_on.isoformat(),
            "value": self.value_text,
            "citation": self.citation,
            "confirm": self.confirm,
        }


# (key, jurisdiction) -> that key's rows, oldest first; set only inside ``legal_parameters_read_once``.
_memo: ContextVar[dict[tuple[str, str], list[LegalParameter]] | None] = ContextVar("legal_parameter_memo", default=None)


@contextmanager
def legal_parameters_read_once() -> Iterator[None]:
    """Within the block each key's rows are read once (a batch asking the same date-dependent number
    for each of its rows makes one query per key, not one per row). Scoped to one unit of work, so
    a row an administrator adds is seen by the next batch, never stale."""
    token = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _memo.reset(token)


def _memoised_row(
    memo: dict[tuple[str, str], list[LegalParameter]], key: str, jurisdiction: str, on: date
) -> LegalParameter | None:
    rows = memo.get((key, jurisdiction))
    if rows is None:
        rows = memo[(key, jurisdiction)] = list(_rows_of(key, jurisdiction))
    in_force = None
    for row in rows:
        if row.effective_on > on:
            break
        in_force = row
    return in_force


# The two reads of a key's rows are written out (one indexed read each,
# ``legal_parameter_one_value_per_day``): a single collection posted reads one row (its
# disbursement deadline), and the ORM's query building cost three times the read itself.
_TABLE = LegalParameter._meta.db_table


def _row_in_force(key: str, jurisdiction: str, on: date) -> LegalParameter | None:
    """The latest row of ``key`` effective on or before ``on``."""
    rows = LegalParameter.objects.raw(
        f'SELECT * FROM "{_TABLE}" WHERE "key" = %s AND "jurisdiction" = %s AND "effective_on" <= %s'  # noqa: S608
        ' ORDER BY "effective_on" DESC LIMIT 1',
        [key, jurisdiction, on],
    )
    return next(iter(rows), None)


def _rows_of(key: str, jurisdiction: str):
    """Every row of ``key``, oldest first."""
    return LegalParameter.objects.raw(
        f'SELECT * FROM "{_TABLE}" WHERE "key" = %s AND "jurisdiction" = %s ORDER BY "effective_on"',  # noqa: S608
        [key, jurisdiction],
    )


def legal_parameter_row(key: str, *, jurisdiction: str, on: date) -> LegalParameter:
    """The row of ``key`` in force on ``on`` (the latest effective on or before it)."""
    memo = _memo.get()
    if memo is not None:
        row = _memoised_row(memo, key, jurisdiction, on)
    else:
        row = _row_in_force(key, jurisdiction, on)
    if row is None:
        first = (
            LegalParameter.objects.filter(key=key, jurisdiction=jurisdiction)
            .order_by("effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        raise LegalParameterMissing(key, jurisdiction, on, first)
    return row


def legal_parameter(key: str, *, jurisdiction: str, on: date) -> Decimal:
    """The value of ``key`` in ``jurisdiction`` on ``on``; ``LegalParameterMissing`` before its first row."""
    return legal_parameter_row(key, jurisdiction=jurisdiction, on=on).value


class ParameterSet:
    """The rows of one jurisdiction (and federal rows) in force on a date, read in one query, with
    a record of which ones a calculation used, in the order it used them."""

    def __init__(self, *, jurisdiction: str, on: date, prefix: str = ""):
        self.jurisdiction, self.on = jurisdiction, on
        rows = LegalParameter.objects.filter(jurisdiction__in=(jurisdiction, "US"), key__startswith=prefix).order_by(
            "key", "effective_on"
        )
        self._current: dict[tuple[str, str], LegalParameter] = {}
        self._first: dict[tuple[str, str], date] = {}
        for row in rows:
            ident = (row.jurisdiction, row.key)
            self._first.setdefault(ident, row.effective_on)
            if row.effective_on <= on:
                self._current[ident] = row
        self._used: dict[tuple[str, str], UsedParameter] = {}

    def row(self, key: str, *, jurisdiction: str | None = None) -> UsedParameter:
        ident = (jurisdiction or self.jurisdiction, key)
        row = self._current.get(ident)
        if row is None:
            raise LegalParameterMissing(key, ident[0], self.on, self._first.get(ident))
        used = self._used.get(ident)
        if used is None:
            used = self._used[ident] = UsedParameter.of(row)
        return used

    def value(self, key: str, *, jurisdiction: str | None = None) -> Decimal:
        return self.row(key, jurisdiction=jurisdiction).value

    def has(self, key: str, *, jurisdiction: str | None = None) -> bool:
        return ((jurisdiction or self.jurisdiction), key) in self._current

    @property
    def used(self) -> list[UsedParameter]:
        return list(self._used.values())

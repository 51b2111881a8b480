"""The guideline tables live in ``core.models.LegalParameter`` (dated, cited rows; see
``core.legal_seed`` for the keys). This module keeps the names other code imports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.legal import LegalParameterMissing

TableGap = LegalParameterMissing  # no row of a dated table covers the date asked for


class GuidelineInputError(ValueError):
    """Input the law cannot calculate with, keyed by the input field it concerns."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class WorksheetLine:
    """One numbered line of a worksheet, its cells already formatted (page and PDF print the same)."""

    number: str
    label: str
    cells: tuple[str, ...]
    total: bool = False


def dollars(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def nonnegative(field: str, value, label: str) -> Decimal:
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise GuidelineInputError(field, f"{label} cannot be negative.")
    return amount

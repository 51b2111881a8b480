"""Federal fiscal years: October 1 – September 30, named by the calendar year in which they end
(DOMAIN.md, OCSE-157; 45 CFR 305.1)."""

from __future__ import annotations

from datetime import date

FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100


def fiscal_year_of(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_start(fiscal_year: int) -> date:
    return date(fiscal_year - 1, 10, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    return date(fiscal_year, 9, 30)


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day (both inclusive) of the fiscal year."""
    return fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)


def fiscal_year_label(fiscal_year: int) -> str:
    start, end = fiscal_year_bounds(fiscal_year)
    return f"FY {fiscal_year} ({start:%b %-d, %Y} – {end:%b %-d, %Y})"


def valid_fiscal_year(value: object) -> int:
    """Parse a fiscal year given by a person or partner; ValueError when not a plausible year."""
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise ValueError("Enter a four-digit fiscal year.")
    year = int(text)
    if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
        raise ValueError(f"The fiscal year must be between {FIRST_FISCAL_YEAR} and {LAST_FISCAL_YEAR}.")
    return year

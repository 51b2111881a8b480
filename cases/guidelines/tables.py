"""Dated guideline tables, each row with its source. Rows marked ``confirm`` come from a
secondary source (DOMAIN.md) and are defaults an administrator should check; a new row with a
later effective date replaces a value from that date on without rewriting history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class TableGap(LookupError):
    """No row of a dated table covers the date asked for."""


@dataclass(frozen=True)
class DatedRow:
    effective_on: date
    source: str
    confirm: bool = False


def row_for(rows, as_of: date):
    """The latest row effective on or before ``as_of``."""
    chosen = None
    for row in sorted(rows, key=lambda r: r.effective_on):
        if row.effective_on <= as_of:
            chosen = row
    if chosen is None:
        raise TableGap(f"No table row is effective on {as_of.isoformat()}.")
    return chosen


# --- New York CSSA (DRL 240(1-b); FCA 413) ---------------------------------------------------

@dataclass(frozen=True)
class NyCap(DatedRow):
    cap: Decimal = Decimal("0")


# Combined parental income cap (DRL 240(1-b)(c)(2); adjusted every two years by CPI-U, SSL 111-i).
NY_INCOME_CAPS = [
    NyCap(date(1989, 9, 15), "DRL 240(1-b)(c)(2), original CSSA cap", cap=Decimal("80000")),
    NyCap(date(2010, 1, 31), "DRL 240(1-b)(c)(2) as amended 2009", cap=Decimal("130000")),
    NyCap(date(2012, 1, 31), "SSL 111-i CPI-U adjustment", confirm=True, cap=Decimal("136000")),
    NyCap(date(2014, 1, 31), "SSL 111-i CPI-U adjustment", cap=Decimal("141000")),
    NyCap(date(2016, 3, 1), "SSL 111-i CPI-U adjustment", confirm=True, cap=Decimal("143000")),
    NyCap(date(2018, 3, 1), "SSL 111-i CPI-U adjustment", confirm=True, cap=Decimal("148000")),
    NyCap(date(2020, 3, 1), "SSL 111-i CPI-U adjustment", confirm=True, cap=Decimal("154000")),
    NyCap(date(2022, 3, 1), "SSL 111-i CPI-U adjustment", cap=Decimal("163000")),
    NyCap(date(2024, 3, 1), "SSL 111-i CPI-U adjustment", cap=Decimal("183000")),
    NyCap(date(2026, 3, 1), "SSL 111-i CPI-U adjustment", confirm=True, cap=Decimal("193000")),
]

# Child support percentage by number of children (DRL 240(1-b)(b)(3)); 5 or more: "no less than 35%".
NY_PERCENTAGES = {1: Decimal("0.17"), 2: Decimal("0.25"), 3: Decimal("0.29"), 4: Decimal("0.31"), 5: Decimal("0.35")}
NY_PERCENTAGES_SOURCE = "DRL 240(1-b)(b)(3)"


@dataclass(frozen=True)
class NyLowIncome(DatedRow):
    poverty_guideline: Decimal = Decimal("0")  # single-person federal poverty guideline, annual
    self_support_reserve: Decimal = Decimal("0")  # 135% of it (18 NYCRR 347.10)


NY_LOW_INCOME = [
    NyLowIncome(date(2025, 3, 1), "18 NYCRR 347.10; DRL 240(1-b)(b)(6) (2025 figures)", confirm=True,
                poverty_guideline=Decimal("15650"), self_support_reserve=Decimal("21128")),
]
NY_POVERTY_FLOOR_MONTHLY = Decimal("25")  # DRL 240(1-b)(d) (confirm)
NY_RESERVE_FLOOR_MONTHLY = Decimal("50")  # DRL 240(1-b)(d) (confirm)


# --- California guideline (Family Code 4055) -------------------------------------------------

@dataclass(frozen=True)
class CaBand:
    """K fraction for total net monthly income in (low, high]: constant + per_dollar × TN + over_tn / TN."""

    low: Decimal
    high: Decimal | None
    constant: Decimal
    per_dollar: Decimal = Decimal("0")
    over_tn: Decimal = Decimal("0")

    def contains(self, tn: Decimal) -> bool:
        return tn > self.low and (self.high is None or tn <= self.high)

    def fraction(self, tn: Decimal) -> Decimal:
        return self.constant + self.per_dollar * tn + (self.over_tn / tn if self.over_tn else Decimal("0"))


@dataclass(frozen=True)
class CaBandTable(DatedRow):
    bands: tuple[CaBand, ...] = ()


CA_BAND_TABLES = [
    CaBandTable(
        date(1993, 7, 1), "Fam. Code 4055(b)(3) (table in force before 2024-09-01)",
        bands=(
            CaBand(Decimal("-1"), Decimal("800"), Decimal("0.20"), per_dollar=Decimal("1") / Decimal("16000")),
            CaBand(Decimal("800"), Decimal("6666"), Decimal("0.25")),
            CaBand(Decimal("6666"), Decimal("10000"), Decimal("0.10"), over_tn=Decimal("1000")),
            CaBand(Decimal("10000"), None, Decimal("0.12"), over_tn=Decimal("800")),
        ),
    ),
    # SB 343 replaced the bands from 2024-09-01 (confirm new bands). Until an administrator adds
    # that table here, calculations on or after that date use the table above and say so.
]
CA_SB343_EFFECTIVE = date(2024, 9, 1)

# Fam. Code 4055(b)(4): multiplier for the number of children.
CA_CHILD_MULTIPLIERS = {
    1: Decimal("1"), 2: Decimal("1.6"), 3: Decimal("2"), 4: Decimal("2.3"), 5: Decimal("2.5"),
    6: Decimal("2.625"), 7: Decimal("2.75"), 8: Decimal("2.813"), 9: Decimal("2.844"), 10: Decimal("2.86"),
}
CA_CHILD_MULTIPLIERS_SOURCE = "Fam. Code 4055(b)(4)"

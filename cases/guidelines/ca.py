"""California statewide uniform guideline (Family Code 4055): CS = K × [HN − (H% × TN)]."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.money import money

from .tables import CA_BAND_TABLES, CA_CHILD_MULTIPLIERS, CA_SB343_EFFECTIVE, row_for


@dataclass(frozen=True)
class CaGuidelineResult:
    k: Decimal
    band_fraction: Decimal
    time_factor: Decimal  # (1 + H%) or (2 − H%)
    base_amount: Decimal  # K × [HN − (H% × TN)], signed: negative means the lower earner pays
    multiplier: Decimal
    monthly_support: Decimal  # what the payor pays each month (never negative)
    payor: str  # "high_earner" or "low_earner"
    table_effective_on: date
    notes: list[str] = field(default_factory=list)


def ca_guideline(
    *, high_earner_net_monthly: Decimal, total_net_monthly: Decimal, high_earner_timeshare: Decimal,
    children: int, as_of: date,
) -> CaGuidelineResult:
    hn = Decimal(high_earner_net_monthly)
    tn = Decimal(total_net_monthly)
    h = Decimal(high_earner_timeshare)
    if hn < 0 or tn <= 0:
        raise ValueError("Net incomes must be positive.")
    if hn > tn:
        raise ValueError("The high earner's net income cannot exceed the total net income.")
    if not Decimal("0") <= h <= Decimal("1"):
        raise ValueError("The timeshare is a fraction from 0 to 1.")
    if children not in CA_CHILD_MULTIPLIERS:
        raise ValueError("Children must be from 1 to 10.")
    table = row_for(CA_BAND_TABLES, as_of)
    band = next(b for b in table.bands if b.contains(tn))
    fraction = band.fraction(tn)
    time_factor = (Decimal("1") + h) if h <= Decimal("0.5") else (Decimal("2") - h)  # 4055(b)(3)
    k = time_factor * fraction
    base = k * (hn - h * tn)
    multiplier = CA_CHILD_MULTIPLIERS[children]
    support = base * multiplier
    notes = []
    if as_of >= CA_SB343_EFFECTIVE and table.effective_on < CA_SB343_EFFECTIVE:
        notes.append(
            "SB 343 replaced the income bands from 2024-09-01; the new table is not configured yet, so the "
            "earlier table was applied (confirm)."
        )
    if support < 0:
        notes.append("The result is negative: the lower earner pays the higher earner (Fam. Code 4055(b)(6)).")
    return CaGuidelineResult(
        k=k.quantize(Decimal("0.0001")),
        band_fraction=fraction.quantize(Decimal("0.0001")),
        time_factor=time_factor.quantize(Decimal("0.0001")),
        base_amount=money(base),
        multiplier=multiplier,
        monthly_support=money(abs(support)),
        payor="high_earner" if support >= 0 else "low_earner",
        table_effective_on=table.effective_on,
        notes=notes,
    )

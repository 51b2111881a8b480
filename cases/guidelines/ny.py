"""New York Child Support Standards Act (DRL 240(1-b); FCA 413; worksheet form 4-SM-3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.money import money

from .tables import (
    NY_INCOME_CAPS,
    NY_LOW_INCOME,
    NY_PERCENTAGES,
    NY_POVERTY_FLOOR_MONTHLY,
    NY_RESERVE_FLOOR_MONTHLY,
    TableGap,
    row_for,
)


@dataclass(frozen=True)
class NyGuidelineResult:
    combined_income: Decimal
    capped_income: Decimal
    cap: Decimal
    cap_effective_on: date
    cap_confirm: bool
    percentage: Decimal  # e.g. 17.00 (per cent)
    basic_obligation_annual: Decimal
    payor_share: Decimal  # e.g. 0.6000
    payor_obligation_annual: Decimal
    payor_obligation_monthly: Decimal
    notes: list[str] = field(default_factory=list)


def ny_guideline(*, parent_incomes: tuple[Decimal, Decimal], children: int, as_of: date) -> NyGuidelineResult:
    """Basic child support obligation on income up to the cap, shared pro rata.

    ``parent_incomes``: each parent's annual income after the statutory deductions (FICA,
    NYC/Yonkers tax, maintenance and other children's support paid), payor first.
    """
    payor, other = (Decimal(parent_incomes[0]), Decimal(parent_incomes[1]))
    if payor < 0 or other < 0:
        raise ValueError("Incomes cannot be negative.")
    if children < 1:
        raise ValueError("At least one child.")
    combined = payor + other
    cap_row = row_for(NY_INCOME_CAPS, as_of)
    capped = min(combined, cap_row.cap)
    pct = NY_PERCENTAGES[min(children, 5)]  # DRL 240(1-b)(b)(3); 5+ children: at least 35%
    basic = money(capped * pct)
    share = (payor / combined) if combined else Decimal("0")
    annual = money(basic * share)
    notes = []
    if combined > cap_row.cap:
        notes.append(
            f"Combined income exceeds the ${cap_row.cap:,.0f} cap: the court may apply the percentage to income "
            "above the cap using the factors of DRL 240(1-b)(f)."
        )
    if children > 5:
        notes.append("Five or more children: the percentage is no less than 35% (DRL 240(1-b)(b)(3)(v)).")
    annual = _low_income_floor(payor_income=payor, annual=annual, as_of=as_of, notes=notes)
    return NyGuidelineResult(
        combined_income=money(combined),
        capped_income=money(capped),
        cap=cap_row.cap,
        cap_effective_on=cap_row.effective_on,
        cap_confirm=cap_row.confirm,
        percentage=money(pct * 100),
        basic_obligation_annual=basic,
        payor_share=share.quantize(Decimal("0.0001")),
        payor_obligation_annual=annual,
        payor_obligation_monthly=money(annual / 12),
        notes=notes,
    )


def _low_income_floor(*, payor_income: Decimal, annual: Decimal, as_of: date, notes: list[str]) -> Decimal:
    """DRL 240(1-b)(d): below the poverty guideline → $25/month; below the self-support reserve →
    the greater of $50/month or the income above the reserve (18 NYCRR 347.10) (confirm)."""
    try:
        row = row_for(NY_LOW_INCOME, as_of)
    except TableGap:
        notes.append("No poverty guideline / self-support reserve is configured for this date: low-income "
                     "floors were not applied.")
        return annual
    remaining = payor_income - annual
    if remaining < row.poverty_guideline:
        notes.append(
            f"Paying this would leave the payor below the poverty guideline (${row.poverty_guideline:,.0f}): "
            f"the obligation is ${NY_POVERTY_FLOOR_MONTHLY}/month."
        )
        return money(NY_POVERTY_FLOOR_MONTHLY * 12)
    if remaining < row.self_support_reserve:
        floor = max(NY_RESERVE_FLOOR_MONTHLY * 12, payor_income - row.self_support_reserve)
        notes.append(
            f"Paying this would leave the payor below the self-support reserve (${row.self_support_reserve:,.0f}): "
            f"the obligation is the greater of ${NY_RESERVE_FLOOR_MONTHLY}/month or the income above the reserve."
        )
        return money(floor)
    return annual

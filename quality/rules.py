"""Legal numbers of the quality function, as dated default rows with citations.

These constants seed the ``IncentiveRate``, ``ImprovementException`` and ``CriterionRule`` tables
(data migration); an administrator may add dated rows (admin) when a rule changes or a
**(confirm)** value is corrected — the lookups always read the table, never these constants.
The pure functions here do the table lookups so they can be tested at every boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .choices import Criterion, MeasureName

RULES_EFFECTIVE_FROM = date(1999, 10, 1)  # FY 2000, start of the incentive system (42 USC 658a)

TABLE_ESTABLISHMENT = "establishment"  # 45 CFR 305.33 table 1: paternity and support orders
TABLE_COLLECTIONS = "collections"  # 45 CFR 305.33 table 2: current and arrears collections
TABLE_COST = "cost_effectiveness"  # 45 CFR 305.33 table 3

TABLE_OF_MEASURE = {
    MeasureName.PATERNITY: TABLE_ESTABLISHMENT,
    MeasureName.ORDERS: TABLE_ESTABLISHMENT,
    MeasureName.CURRENT_COLLECTIONS: TABLE_COLLECTIONS,
    MeasureName.ARREARS_COLLECTIONS: TABLE_COLLECTIONS,
    MeasureName.COST_EFFECTIVENESS: TABLE_COST,
}
RATIO_MEASURES = {MeasureName.COST_EFFECTIVENESS}


@dataclass(frozen=True)
class Band:
    """A measure at or above ``floor`` (and below the next band's floor) earns ``percentage``."""

    floor: Decimal
    percentage: Decimal
    citation: str = ""
    needs_confirmation: bool = False


@dataclass(frozen=True)
class Exception_:
    """Below ``below`` the measure earns ``percentage`` when it rose ≥ ``min_gain`` points."""

    below: Decimal
    min_gain: Decimal
    percentage: Decimal
    citation: str = ""
    needs_confirmation: bool = False


def _establishment_bands() -> list[Band]:
    cite = "45 CFR 305.33, table 1"
    bands = [Band(Decimal(80), Decimal(100), cite)]
    bands += [Band(Decimal(p), Decimal(100 - 2 * (80 - p)), cite) for p in range(79, 69, -1)]  # 79→98 … 70→80
    # 69→79 … 59→69 verified; 58→68 … 50→60 are (confirm) in DOMAIN.md.
    bands += [Band(Decimal(p), Decimal(p + 10), cite, needs_confirmation=p < 59) for p in range(69, 49, -1)]
    bands.append(Band(Decimal(0), Decimal(0), cite))
    return bands


def _collections_bands() -> list[Band]:
    cite = "45 CFR 305.33, table 2"
    # Same shape as table 1 (confirm upper rows); 40% → 50 and below 40% → 0 are verified.
    bands = [Band(Decimal(80), Decimal(100), cite, needs_confirmation=True)]
    bands += [Band(Decimal(p), Decimal(100 - 2 * (80 - p)), cite, True) for p in range(79, 69, -1)]
    bands += [Band(Decimal(p), Decimal(p + 10), cite, needs_confirmation=p != 40) for p in range(69, 39, -1)]
    bands.append(Band(Decimal(0), Decimal(0), cite))
    return bands


def _cost_bands() -> list[Band]:
    cite = "45 CFR 305.33, table 3"
    pairs = [("5.00", 100), ("4.50", 90), ("4.00", 80), ("3.50", 70), ("3.00", 60), ("2.50", 50), ("2.00", 40),
             ("0.00", 0)]
    return [Band(Decimal(f), Decimal(p), cite) for f, p in pairs]


DEFAULT_BANDS: dict[str, list[Band]] = {
    TABLE_ESTABLISHMENT: _establishment_bands(),
    TABLE_COLLECTIONS: _collections_bands(),
    TABLE_COST: _cost_bands(),
}

DEFAULT_EXCEPTIONS: dict[str, Exception_] = {
    MeasureName.PATERNITY: Exception_(Decimal(50), Decimal(10), Decimal(50), "45 CFR 305.33(b)"),
    MeasureName.ORDERS: Exception_(Decimal(50), Decimal(5), Decimal(50), "45 CFR 305.33(d)"),
    MeasureName.CURRENT_COLLECTIONS: Exception_(Decimal(40), Decimal(5), Decimal(50), "45 CFR 305.33; 42 USC 658a(b)(6)",
                                                needs_confirmation=True),
    MeasureName.ARREARS_COLLECTIONS: Exception_(Decimal(40), Decimal(5), Decimal(50), "45 CFR 305.33; 42 USC 658a(b)(6)",
                                                needs_confirmation=True),
}

# Self-assessment benchmarks (45 CFR 308.2): closure 90%, establishment 75% verified; the others (confirm).
DEFAULT_CRITERIA: dict[str, dict] = {
    Criterion.CASE_CLOSURE: {
        "benchmark": Decimal(90), "citation": "45 CFR 308.2(a); 303.11", "needs_confirmation": False,
        "checklist": ["The closure reason is one of the 45 CFR 303.11 criteria",
                      "The facts supporting the reason are documented",
                      "The pre-closure notice was sent when required"],
    },
    Criterion.ESTABLISHMENT: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(b); 303.4(d)", "needs_confirmation": False,
        "checklist": ["An order was established or service completed within 90 days of locating the NCP",
                      "Paternity was established or acknowledged where needed"],
    },
    Criterion.ENFORCEMENT: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(c); 303.6(c)(2)", "needs_confirmation": True,
        "checklist": ["Income withholding was used where an employer is known",
                      "An enforcement action was taken within 30 days of the delinquency"],
    },
    Criterion.DISBURSEMENT: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(d); 42 USC 654b(c)", "needs_confirmation": True,
        "checklist": ["Collections were disbursed within 2 business days of receipt"],
    },
    Criterion.MEDICAL_SUPPORT: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(e); 303.31", "needs_confirmation": True,
        "checklist": ["The order provides for medical support", "Medical support was enforced"],
    },
    Criterion.REVIEW_ADJUSTMENT: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(f); 303.8(b)", "needs_confirmation": True,
        "checklist": ["A review was offered or done within 3 years", "Notice of the right to request a review was sent"],
    },
    Criterion.INTERSTATE: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(g); 303.7", "needs_confirmation": True,
        "checklist": ["The initiating state referred the case within 20 days", "Status requests were answered"],
    },
    Criterion.EXPEDITED: {
        "benchmark": Decimal(75), "citation": "45 CFR 308.2(h); 303.101(b)(2)(i)", "needs_confirmation": True,
        "checklist": ["Service to disposition within 6 months (75%) / 12 months (90%)"],
    },
}

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def measure_exact(measure: str, numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """The unrounded value: a percentage, or a ratio for cost-effectiveness. The band is chosen on
    this (45 CFR 305.33: 79.996% is "at least 79% but less than 80%", never rounded up to 80%).
    None when the denominator is zero (no actual count, no estimate — OCSE-157)."""
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    return ratio if measure in RATIO_MEASURES else ratio * HUNDRED


def measure_value(measure: str, numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """The measure's value as shown: a percentage with two decimals, or a ratio for cost-effectiveness."""
    exact = measure_exact(measure, numerator, denominator)
    return None if exact is None else exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_floor(measure: str, value: Decimal) -> Decimal:
    """The band a value falls in: whole percent ("at least 79% but less than 80%", 45 CFR 305.33),
    or the cost-effectiveness ratio truncated to cents (4.999 is still 4.99)."""
    if measure in RATIO_MEASURES:
        return value.quantize(TWO_PLACES, rounding=ROUND_FLOOR)
    return value.to_integral_value(rounding=ROUND_FLOOR)


def band_for(measure: str, value: Decimal, bands: Iterable[Band]) -> Band | None:
    floor = band_floor(measure, value)
    fitting = [b for b in bands if b.floor <= floor]
    return max(fitting, key=lambda b: b.floor) if fitting else None


def applicable_percentage(
    *, measure: str, value: Decimal | None, bands: Iterable[Band], exception: Exception_ | None = None,
    previous_value: Decimal | None = None,
) -> Decimal | None:
    """Incentive (applicable) percentage for a measure's value (45 CFR 305.33), with the
    improvement exception: below its threshold a measure earns the exception's percentage when it
    rose by at least ``min_gain`` points over the preceding fiscal year."""
    if value is None:
        return None
    band = band_for(measure, value, bands)
    percentage = band.percentage if band else Decimal(0)
    if (exception is not None and value < exception.below and previous_value is not None
            and value - previous_value >= exception.min_gain):
        percentage = max(percentage, exception.percentage)
    return percentage


@dataclass(frozen=True)
class NextTier:
    floor: Decimal  # the value to reach
    percentage: Decimal  # what it earns
    needed: Decimal  # more numerator units (cases, children, dollars) to get there


def next_tier(*, measure: str, numerator: Decimal | int, denominator: Decimal | int,
              bands: Iterable[Band]) -> NextTier | None:
    """How much more numerator (orders, paternities, dollars of current support …), with the
    denominator unchanged, moves the measure to the next band that pays more. None at the top."""
    value = measure_exact(measure, numerator, denominator)
    if value is None:
        return None
    ordered = sorted(bands, key=lambda b: b.floor)
    current = band_for(measure, value, ordered)
    current_pct = current.percentage if current else Decimal(0)
    higher = [b for b in ordered if b.floor > band_floor(measure, value) and b.percentage > current_pct]
    if not higher:
        return None
    target = higher[0]
    scale = Decimal(1) if measure in RATIO_MEASURES else HUNDRED
    required = target.floor * Decimal(denominator) / scale
    needed = required - Decimal(numerator)
    if measure in (MeasureName.CURRENT_COLLECTIONS, MeasureName.COST_EFFECTIVENESS):
        needed = needed.quantize(TWO_PLACES, rounding="ROUND_CEILING")  # dollars
    else:
        needed = needed.to_integral_value(rounding="ROUND_CEILING")  # cases or children
    return NextTier(floor=target.floor, percentage=target.percentage, needed=max(needed, Decimal(0)))


# Share of the maximum incentive each measure can earn: arrears collections and cost-effectiveness
# are capped at 75% of the collections base (42 USC 658a(b)(6)) (confirm). Used only for the
# dashboard's incentive estimate (percent of the maximum the office would earn).
MEASURE_WEIGHTS: dict[str, Decimal] = {
    MeasureName.PATERNITY: Decimal("1"),
    MeasureName.ORDERS: Decimal("1"),
    MeasureName.CURRENT_COLLECTIONS: Decimal("1"),
    MeasureName.ARREARS_COLLECTIONS: Decimal("0.75"),
    MeasureName.COST_EFFECTIVENESS: Decimal("0.75"),
}


def incentive_estimate(percentages: dict[str, Decimal | None]) -> Decimal | None:
    """Weighted share (%) of the maximum incentive: Σ weight × applicable % ÷ Σ weight; measures
    without a value count as 0 (no estimate is made for missing data)."""
    if not any(v is not None for v in percentages.values()):
        return None
    total = sum((MEASURE_WEIGHTS[m] * (percentages.get(m) or Decimal(0)) for m in MEASURE_WEIGHTS), Decimal(0))
    return (total / sum(MEASURE_WEIGHTS.values())).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

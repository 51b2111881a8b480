"""The quality function's legal numbers and the pure lookups on them.

The incentive tables (45 CFR 305.33), improvement exceptions and self-assessment benchmarks
(45 CFR 308.2) are dated ``core.LegalParameter`` rows (keys ``us.incentive.<table>.band.<n>.floor``
/ ``.percentage`` with ``us.incentive.<table>.band_count``, ``us.incentive.exception.<measure>.*``,
``us.self_assessment.<criterion>.benchmark``), seeded in ``core.legal_seed``; ``RuleBook``
(selectors) reads the rows in force on a date through ``book_from``. ``DEFAULT_BANDS`` and
``DEFAULT_EXCEPTIONS`` are the seeded rows read the same way (for the pure tests and the "what
would it take" table); the checklists of the review criteria are office text, not legal numbers.
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

TABLE_OF_MEASURE: dict[str, str] = {
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


def bands_from(lookup, table: str) -> list[Band]:
    """The bands of ``table`` from ``lookup`` (a ``core.legal.ParameterSet`` or ``SeedLookup``)."""
    prefix = f"us.incentive.{table}"
    count = int(lookup.value(f"{prefix}.band_count", jurisdiction="US"))
    result = []
    for n in range(1, count + 1):
        floor = lookup.row(f"{prefix}.band.{n}.floor", jurisdiction="US")
        pct = lookup.row(f"{prefix}.band.{n}.percentage", jurisdiction="US")
        result.append(Band(floor.value, pct.value, floor.citation, floor.confirm or pct.confirm))
    return result


def exception_from(lookup, measure: str) -> Exception_ | None:
    prefix = f"us.incentive.exception.{measure}"
    if not lookup.has(f"{prefix}.below", jurisdiction="US"):
        return None
    below = lookup.row(f"{prefix}.below", jurisdiction="US")
    return Exception_(
        below.value,
        lookup.value(f"{prefix}.min_gain", jurisdiction="US"),
        lookup.value(f"{prefix}.percentage", jurisdiction="US"),
        below.citation,
        below.confirm,
    )


def benchmark_key(criterion: str) -> str:
    return f"us.self_assessment.{criterion}.benchmark"


class SeedLookup:
    """The latest seeded row of each key (``core.legal_seed``), with a ``ParameterSet``'s reading
    methods: the defaults as data, written down once."""

    def __init__(self) -> None:
        from core.legal import UsedParameter
        from core.legal_seed import SEED_ROWS

        self._rows: dict[tuple[str, str], UsedParameter] = {}
        for row in sorted(SEED_ROWS, key=lambda r: r["effective_on"]):
            self._rows[(row["jurisdiction"], row["key"])] = UsedParameter(**row)

    def row(self, key: str, *, jurisdiction: str = "US"):
        return self._rows[(jurisdiction, key)]

    def value(self, key: str, *, jurisdiction: str = "US") -> Decimal:
        return self.row(key, jurisdiction=jurisdiction).value

    def has(self, key: str, *, jurisdiction: str = "US") -> bool:
        return (jurisdiction, key) in self._rows


_SEED = SeedLookup()
DEFAULT_BANDS: dict[str, list[Band]] = {
    table: bands_from(_SEED, table) for table in (TABLE_ESTABLISHMENT, TABLE_COLLECTIONS, TABLE_COST)
}
DEFAULT_EXCEPTIONS: dict[str, Exception_] = {
    m: e
    for m in (
        MeasureName.PATERNITY,
        MeasureName.ORDERS,
        MeasureName.CURRENT_COLLECTIONS,
        MeasureName.ARREARS_COLLECTIONS,
    )
    if (e := exception_from(_SEED, m)) is not None
}

# Self-assessment review checklists (office text). The benchmarks are legal rows (benchmark_key).
DEFAULT_CRITERIA: dict[str, dict] = {
    Criterion.CASE_CLOSURE: {
        "citation": "45 CFR 308.2(a); 303.11",
        "needs_confirmation": False,
        "checklist": [
            "The closure reason is one of the 45 CFR 303.11 criteria",
            "The facts supporting the reason are documented",
            "The pre-closure notice was sent when required",
        ],
    },
    Criterion.ESTABLISHMENT: {
        "citation": "45 CFR 308.2(b); 303.4(d)",
        "needs_confirmation": False,
        "checklist": [
            "An order was established or service completed within 90 days of locating the NCP",
            "Paternity was established or acknowledged where needed",
        ],
    },
    Criterion.ENFORCEMENT: {
        "citation": "45 CFR 308.2(c); 303.6(c)(2)",
        "needs_confirmation": True,
        "checklist": [
            "Income withholding was used where an employer is known",
            "An enforcement action was taken within 30 days of the delinquency",
        ],
    },
    Criterion.DISBURSEMENT: {
        "citation": "45 CFR 308.2(d); 42 USC 654b(c)",
        "needs_confirmation": True,
        "checklist": ["Collections were disbursed within 2 business days of receipt"],
    },
    Criterion.MEDICAL_SUPPORT: {
        "citation": "45 CFR 308.2(e); 303.31",
        "needs_confirmation": True,
        "checklist": ["The order provides for medical support", "Medical support was enforced"],
    },
    Criterion.REVIEW_ADJUSTMENT: {
        "citation": "45 CFR 308.2(f); 303.8(b)",
        "needs_confirmation": True,
        "checklist": [
            "A review was offered or done within 3 years",
            "Notice of the right to request a review was sent",
        ],
    },
    Criterion.INTERSTATE: {
        "citation": "45 CFR 308.2(g); 303.7",
        "needs_confirmation": True,
        "checklist": ["The initiating state referred the case within 20 days", "Status requests were answered"],
    },
    Criterion.EXPEDITED: {
        "citation": "45 CFR 308.2(h); 303.101(b)(2)(i)",
        "needs_confirmation": True,
        "checklist": ["Service to disposition within 6 months (75%) / 12 months (90%)"],
    },
}

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def compliance_meets(*, passed: int, judged: int, benchmark: Decimal | None) -> bool:
    """Whether a self-assessment criterion meets its benchmark: the State must have and use the
    procedures "in at least 90 percent of the closed cases reviewed" (case closure) or "in at least 75
    percent of the cases reviewed" (45 CFR 308.2(a), (b)). Compared on the exact share of the cases
    scored (passed × 100 ≥ benchmark × judged), never on the rate shown with two decimals: 17,999
    passed of 20,000 is 89.995%, shown 90.00%, and is not "at least 90 percent"."""
    if not judged or benchmark is None:
        return False
    return Decimal(passed) * HUNDRED >= benchmark * judged


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
    *,
    measure: str,
    value: Decimal | None,
    bands: Iterable[Band],
    exception: Exception_ | None = None,
    previous_value: Decimal | None = None,
) -> Decimal | None:
    """Incentive (applicable) percentage for a measure's value (45 CFR 305.33), with the
    improvement exception: below its threshold a measure earns the exception's percentage when it
    rose by at least ``min_gain`` points over the preceding fiscal year."""
    if value is None:
        return None
    band = band_for(measure, value, bands)
    percentage = band.percentage if band else Decimal(0)
    if (
        exception is not None
        and value < exception.below
        and previous_value is not None
        and value - previous_value >= exception.min_gain
    ):
        percentage = max(percentage, exception.percentage)
    return percentage


@dataclass(frozen=True)
class NextTier:
    floor: Decimal  # the value to reach
    percentage: Decimal  # what it earns
    needed: Decimal  # more numerator units (cases, children, dollars) to get there


def next_tier(
    *, measure: str, numerator: Decimal | int, denominator: Decimal | int, bands: Iterable[Band]
) -> NextTier | None:
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


# Share of the maximum incentive each measure can earn: "the maximum incentive base amount … is (i)
# with respect to [paternity, support orders, current payments], the State collections base …; and
# (ii) with respect to [arrearage payments, cost-effectiveness], 75 percent of the State collections
# base" (42 USC 658a(b)(5)(A)). Used only for the dashboard's incentive estimate (percent of the
# maximum the office would earn).
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

"""California statewide uniform guideline (Family Code 4055): CS = K × [HN − (H% × TN)].

K = (1 + H%) if H% ≤ 50%, else (2 − H%), times the income-band fraction of the table in force
(SB 343's table from 2024-09-01, the earlier one before). The low-income adjustment
(4055(b)(7) as amended by SB 343) is presumed when the obligor's net disposable income is below
full-time minimum-wage earnings; at most CS × (threshold − obligor's net) ÷ threshold. Before
2024-09-01 (former 4055(b)(7)) the threshold was the Judicial Council's yearly figure, not known
here: the user types it (``low_income_threshold``) and the same presumption and fraction apply. Add-ons
(4062) are divided as 4061(a) says on the date (``ca.add_ons.income_proportional``): one-half to each
parent before SB 343 (former 4061(a)); from 2024-09-01 in proportion to net incomes as adjusted by
4061(d), the paying parent's reduced by the child support paid and the other's unchanged. Every number
is a dated ``LegalParameter``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.dates import display_date
from core.legal import ParameterSet, UsedParameter
from core.money import money

from .tables import GuidelineInputError, WorksheetLine, dollars, nonnegative

ZERO = Decimal("0")
ONE = Decimal("1")
HALF = Decimal("0.5")
APPLY, REBUTTED = "apply", "rebutted"
MAX_ENTERED_THRESHOLD = Decimal("10000")  # a typed Judicial Council figure above this is a typing error
EQUAL, INCOME_PROPORTIONAL = "equal", "income_proportional"
ADD_ONS = (
    ("child_care_monthly", "Child care for employment or education — Fam. Code 4062(a)(1)"),
    ("uninsured_health_monthly", "Uninsured health costs for the children — Fam. Code 4062(a)(2)"),
)


@dataclass(frozen=True)
class CaAddOn:
    key: str
    label: str
    monthly: Decimal
    payor_monthly: Decimal


@dataclass(frozen=True)
class CaChildShare:
    """One child's part of the order (Fam. Code 4055(b)(8)): ``position`` 1 is the youngest."""

    position: int
    label: str
    amount: Decimal
    born_on: date | None = None


def child_label(position: int) -> str:
    """ "Youngest child", "Next youngest child", then "3rd youngest child", "4th youngest child" …"""
    if position == 1:
        return "Youngest child"
    if position == 2:
        return "Next youngest child"
    suffix = {3: "rd"}.get(position, "th")
    return f"{position}{suffix} youngest child"


@dataclass(frozen=True)
class CaGuidelineResult:
    k: Decimal
    band_fraction: Decimal
    time_factor: Decimal  # (1 + H%) or (2 − H%)
    base_amount: Decimal  # K × [HN − (H% × TN)], signed: negative means the lower earner pays
    multiplier: Decimal
    monthly_support: Decimal  # what the payor pays each month after the low-income adjustment
    payor: str  # "high_earner" or "low_earner"
    table_effective_on: date
    notes: list[str] = field(default_factory=list)
    table_name: str = ""
    band: int = 0
    obligor_net_monthly: Decimal = ZERO
    monthly_support_before_adjustment: Decimal = ZERO
    low_income_adjustment: str = "not_applicable"  # "applied", "rebutted" or "not_applicable"
    rebuttal_reason: str = ""
    minimum_wage_hourly: Decimal | None = None
    low_income_threshold: Decimal | None = None
    # True when the threshold is the Judicial Council's figure typed by the user (former 4055(b)(7),
    # before 2024-09-01); False for the minimum-wage threshold of SB 343 (and in older stored worksheets).
    low_income_threshold_entered: bool = False
    low_income_fraction: Decimal = ZERO  # (threshold − obligor's net) ÷ threshold, when below it
    low_income_reduction: Decimal = ZERO
    add_ons: tuple[CaAddOn, ...] = ()
    # EQUAL (former 4061(a)) or INCOME_PROPORTIONAL (4061(a), (d) after SB 343); "" in a worksheet stored
    # before the rule was recorded, whose add-ons were split on unadjusted net incomes.
    add_on_rule: str = ""
    payor_add_on_share: Decimal = ZERO  # the payor's share of each add-on
    payor_adjusted_net_monthly: Decimal = ZERO  # 4061(d): the payor's net less the child support paid
    other_adjusted_net_monthly: Decimal = ZERO
    payor_add_ons_monthly: Decimal = ZERO
    payor_total_monthly: Decimal = ZERO
    parameters: tuple[UsedParameter, ...] = ()
    # Fam. Code 4055(b)(8): line 11 child by child, youngest first; () for one child (and in a
    # worksheet stored before the allocation was recorded).
    child_allocation: tuple[CaChildShare, ...] = ()

    @property
    def fraction(self) -> Decimal:
        return self.band_fraction

    def add_on_share_text(self) -> str:
        """Which rule of Fam. Code 4061(a) divided the add-ons, in words, for the worksheet."""
        if self.add_on_rule == INCOME_PROPORTIONAL:
            return (
                f"{self.payor_add_on_share}: net incomes after the child support paid, "
                f"{dollars(self.payor_adjusted_net_monthly)} (obligor's net less line 11) of "
                f"{dollars(self.payor_adjusted_net_monthly + self.other_adjusted_net_monthly)} "
                "— Fam. Code 4061(a), (d) as amended by SB 343"
            )
        if self.add_on_rule == EQUAL:
            return "one-half — former Fam. Code 4061(a) (before SB 343)"
        return "in proportion to net incomes"  # a worksheet stored before the rule was recorded

    def threshold_text(self) -> str:
        """Where line 8's low-income threshold comes from, in words."""
        if self.low_income_threshold_entered:
            return (
                "Low-income threshold: the Judicial Council's figure for the year, as entered — "
                "former Fam. Code 4055(b)(7)"
            )
        wage = dollars(self.minimum_wage_hourly) if self.minimum_wage_hourly is not None else "—"
        return f"Low-income threshold: minimum wage {wage} × 40 h × 52 weeks ÷ 12 — Fam. Code 4055(b)(7)"

    def share_text(self, share: CaChildShare) -> str:
        """A child's line of the allocation, in words (Fam. Code 4055(b)(8))."""
        who = share.label + (f", born {display_date(share.born_on)}" if share.born_on else "")
        if share.position == 1:
            return f"{who}: the support for one child — Fam. Code 4055(b)(8)"
        up_to = sum((s.amount for s in self.child_allocation if s.position <= share.position), ZERO)
        return (
            f"{who}: the support for {share.position} children, {dollars(up_to)}, less that for "
            f"{share.position - 1}, {dollars(up_to - share.amount)} — Fam. Code 4055(b)(8)"
        )

    def lines(self) -> list[WorksheetLine]:
        payor = "higher" if self.payor == "high_earner" else "lower"
        rows = [
            ("1", f"Income band fraction: band {self.band} of the {self.table_name}", f"{self.band_fraction}"),
            ("2", "Time factor: 1 + H% (H% ≤ 50%) or 2 − H% (H% > 50%)", f"{self.time_factor}"),
            ("3", "K (line 1 × line 2)", f"{self.k}"),
            ("4", "CS for one child: K × [HN − (H% × TN)]", dollars(self.base_amount)),
            ("5", "Children multiplier — Fam. Code 4055(b)(4)", format(self.multiplier.normalize(), "f")),
            (
                "6",
                f"Guideline support before the low-income adjustment, paid by the {payor} earner",
                dollars(self.monthly_support_before_adjustment),
            ),
            ("7", "Obligor's net monthly disposable income", dollars(self.obligor_net_monthly)),
            (
                "8",
                self.threshold_text(),
                dollars(self.low_income_threshold) or "—",
            ),
            ("9", "Low-income fraction: (line 8 − line 7) ÷ line 8", f"{self.low_income_fraction}"),
            (
                "10",
                "Low-income reduction (line 6 × line 9"
                + ("; presumption rebutted" if self.low_income_adjustment == REBUTTED else "")
                + ")",
                dollars(self.low_income_reduction),
            ),
        ]
        lines = [WorksheetLine(n, label, (value,)) for n, label, value in rows]
        lines.append(
            WorksheetLine(
                "11", "Guideline child support (line 6 − line 10)", (dollars(self.monthly_support),), total=True
            )
        )
        for share in self.child_allocation:
            lines.append(
                WorksheetLine(f"11{'abcdefghij'[share.position - 1]}", self.share_text(share), (dollars(share.amount),))
            )
        for n, add_on in enumerate(self.add_ons, start=12):
            lines.append(
                WorksheetLine(
                    str(n),
                    f"{add_on.label}: {dollars(add_on.monthly)} a month, obligor's share {self.add_on_share_text()}",
                    (dollars(add_on.payor_monthly),),
                )
            )
        lines.append(
            WorksheetLine(
                "14",
                "Total monthly child support (line 11 plus lines 12–13)",
                (dollars(self.payor_total_monthly),),
                total=True,
            )
        )
        return lines


def _band(params: ParameterSet, tn: Decimal) -> tuple[int, Decimal]:
    """The band containing TN and its fraction: base + TN ÷ divisor + numerator ÷ TN."""
    count = int(params.value("ca.k.band_count"))
    for n in range(1, count + 1):
        if n == count or tn <= params.value(f"ca.k.band.{n}.upper"):
            fraction = params.value(f"ca.k.band.{n}.base")
            divisor = params.value(f"ca.k.band.{n}.tn_divisor")
            over = params.value(f"ca.k.band.{n}.over_tn")
            if divisor:
                fraction += tn / divisor
            if over:
                fraction += over / tn
            return n, fraction
    raise AssertionError("unreachable: the last band has no upper bound")


def ca_guideline(
    *,
    high_earner_net_monthly: Decimal,
    total_net_monthly: Decimal,
    high_earner_timeshare: Decimal,
    children: int,
    as_of: date,
    low_income_adjustment: str = APPLY,
    rebuttal_reason: str = "",
    add_ons: dict | None = None,
    low_income_threshold: Decimal | None = None,
    children_born: Sequence[date | None] = (),
) -> CaGuidelineResult:
    """``low_income_threshold``: only for a date before 2024-09-01, the Judicial Council's low-income
    threshold for that year (former Fam. Code 4055(b)(7)), as the user looked it up; refused from
    2024-09-01, when the law sets the threshold from the minimum wage.

    For more than one child the guideline amount is allocated child by child (Fam. Code 4055(b)(8):
    "the amount of support for the youngest child is the amount of support for one child, and the
    amount for the next youngest child is the difference between that amount and the amount for two
    children"): each child's amount is the guideline amount (after the same low-income adjustment)
    for one more child less the amount for one fewer, so the shares add up to the order's amount.
    ``children_born``: the children's birth dates, when the caller knows them (one per child): the
    shares then name them, youngest first; otherwise by position."""
    hn = nonnegative("high_earner_net_monthly", high_earner_net_monthly, "Net income")
    tn = Decimal(total_net_monthly)
    h = Decimal(high_earner_timeshare)
    if not tn.is_finite() or tn <= 0:
        raise GuidelineInputError("total_net_monthly", "The total net income must be positive.")
    if hn > tn:
        raise GuidelineInputError("high_earner_net_monthly", "The high earner's net income cannot exceed the total.")
    if not h.is_finite() or not ZERO <= h <= ONE:
        raise GuidelineInputError("high_earner_timeshare", "The timeshare is a fraction from 0 to 1.")
    if not 1 <= children <= 10:
        raise GuidelineInputError("children", "Children must be from 1 to 10.")
    born = list(children_born)
    if born and (len(born) != children or None in born):
        raise GuidelineInputError("children", "Give a birth date for each child, or none.")
    if low_income_adjustment not in (APPLY, REBUTTED):
        raise GuidelineInputError("low_income_adjustment", 'Choose "apply" or "rebutted".')
    if low_income_adjustment == REBUTTED and not rebuttal_reason.strip():
        raise GuidelineInputError("rebuttal_reason", "Record why the low-income presumption is rebutted.")
    entered = None
    if low_income_threshold is not None:
        entered = Decimal(low_income_threshold)
        if not entered.is_finite() or not ZERO < entered <= MAX_ENTERED_THRESHOLD:
            raise GuidelineInputError(
                "low_income_threshold",
                f"The low-income threshold is a monthly amount above $0 and at most {dollars(MAX_ENTERED_THRESHOLD)}.",
            )
    costs = dict(add_ons or {})
    unknown = set(costs) - {key for key, _ in ADD_ONS}
    if unknown:
        raise GuidelineInputError("add_ons", f"Unknown add-on(s): {', '.join(sorted(unknown))}.")
    costs = {key: nonnegative("add_ons", costs.get(key) or ZERO, "An add-on") for key, _ in ADD_ONS}

    params = ParameterSet(jurisdiction="CA", on=as_of, prefix="ca.")
    table_row = params.row("ca.k.band_count")
    band, fraction = _band(params, tn)
    time_factor = (ONE + h) if h <= HALF else (2 - h)  # 4055(b)(3)
    k = time_factor * fraction
    base = k * (hn - h * tn)
    multiplier = params.value(f"ca.children_multiplier.{children}") if children > 1 else ONE
    support = base * multiplier
    high_pays = support >= 0
    obligor_net = hn if high_pays else tn - hn
    before = money(abs(support))
    table_name = f"table in force from {display_date(table_row.effective_on)} ({table_row.citation})"
    notes = [f"K used the {table_name}."]
    if not high_pays:
        notes.append("The result is negative: the lower earner pays the higher earner (Fam. Code 4055(b)(5)).")

    wage = threshold = None
    cite = ""  # the law that sets the threshold, for the notes
    lia_fraction = reduction = ZERO
    status = "not_applicable"
    if params.has("ca.low_income.hours_per_year"):
        if entered is not None:
            raise GuidelineInputError(
                "low_income_threshold",
                "From 2024-09-01 the low-income threshold is set by law from the minimum wage (Fam. Code "
                "4055(b)(7) as amended by SB 343): leave the threshold blank.",
            )
        wage = params.value("ca.minimum_wage_hourly")
        threshold = money(wage * params.value("ca.low_income.hours_per_year") / 12)
        cite = "Fam. Code 4055(b)(7)"
    elif entered is not None:
        threshold = money(entered)
        cite = "former Fam. Code 4055(b)(7), the Judicial Council's threshold for the year as entered"
    else:
        notes.append(
            "Before 2024-09-01 the low-income adjustment used a threshold set each year by the Judicial "
            "Council (former Fam. Code 4055(b)(7)), which is not configured here: no low-income adjustment "
            "was calculated. Enter the year's figure as the low-income threshold to apply it."
        )
    if threshold is not None and obligor_net < threshold:
        lia_fraction = ((threshold - obligor_net) / threshold).quantize(Decimal("0.0001"))
        maximum = money(before * (threshold - obligor_net) / threshold)
        if low_income_adjustment == APPLY:
            status, reduction = "applied", maximum
            notes.append(
                f"The obligor's net income is below the low-income threshold ({dollars(threshold)}): "
                f"the adjustment is applied at its maximum, {dollars(maximum)} ({cite})."
            )
        else:
            status = REBUTTED
            notes.append(
                f"The low-income presumption is rebutted ({rebuttal_reason.strip()}): the unadjusted "
                f"amount stands (the maximum adjustment would have been {dollars(maximum)}"
                + (f"; {cite})." if entered is not None else ").")
            )
    monthly = before - reduction

    def support_for(count: int) -> Decimal:
        """Line 11 for ``count`` children: as above (``before`` and ``reduction``), with that multiplier."""
        factor = params.value(f"ca.children_multiplier.{count}") if count > 1 else ONE
        amount = money(abs(base * factor))
        if status == "applied":
            assert threshold is not None
            amount -= money(amount * (threshold - obligor_net) / threshold)
        return amount

    allocation: tuple[CaChildShare, ...] = ()
    if children > 1:
        amounts = [support_for(count) for count in range(1, children)] + [monthly]
        dated = [d for d in born if d is not None]  # all of them, or none (checked above)
        youngest_first: list[date | None] = [*sorted(dated, reverse=True)] if dated else [None] * children
        allocation = tuple(
            CaChildShare(
                position=n,
                label=child_label(n),
                amount=amounts[n - 1] - (amounts[n - 2] if n > 1 else ZERO),
                born_on=youngest_first[n - 1],
            )
            for n in range(1, children + 1)
        )
    # 4061(d): only the paying parent's net income is reduced, by the child support paid; nothing is added
    # to the other parent's. (4061(c), spousal support, is not an input of this calculator.)
    payor_adjusted = max(obligor_net - monthly, ZERO)
    other_adjusted = tn - obligor_net
    if params.value("ca.add_ons.income_proportional"):
        rule = INCOME_PROPORTIONAL
        total_adjusted = payor_adjusted + other_adjusted
        payor_share = payor_adjusted / total_adjusted if total_adjusted else HALF
        if any(costs.values()):
            notes.append(
                "Add-ons are divided in proportion to the parents' net incomes as adjusted by Fam. Code "
                f"4061(a), (d): the obligor's {dollars(money(obligor_net))} less the child support paid "
                f"({dollars(monthly)}) is {dollars(money(payor_adjusted))}, the other parent's "
                f"{dollars(money(other_adjusted))} is unchanged: the obligor pays "
                f"{payor_share.quantize(Decimal('0.0001'))} of each."
            )
    else:
        rule, payor_share = EQUAL, HALF
        if any(costs.values()):
            notes.append(
                "Before 2024-09-01 add-ons were divided one-half to each parent unless a parent asked for a "
                "different apportionment (former Fam. Code 4061(a)): the obligor pays half of each."
            )
    lines = tuple(
        CaAddOn(key=key, label=label, monthly=money(costs[key]), payor_monthly=money(costs[key] * payor_share))
        for key, label in ADD_ONS
    )
    add_on_total = sum((a.payor_monthly for a in lines), ZERO)
    return CaGuidelineResult(
        k=k.quantize(Decimal("0.0001")),
        band_fraction=fraction.quantize(Decimal("0.0001")),
        time_factor=time_factor.quantize(Decimal("0.0001")),
        base_amount=money(base),
        multiplier=multiplier,
        monthly_support=monthly,
        payor="high_earner" if high_pays else "low_earner",
        table_effective_on=table_row.effective_on,
        notes=notes,
        table_name=table_name,
        band=band,
        obligor_net_monthly=money(obligor_net),
        monthly_support_before_adjustment=before,
        low_income_adjustment=status,
        rebuttal_reason=rebuttal_reason.strip() if status == REBUTTED else "",
        minimum_wage_hourly=wage,
        low_income_threshold=threshold,
        low_income_threshold_entered=entered is not None,
        low_income_fraction=lia_fraction,
        low_income_reduction=reduction,
        add_ons=lines,
        add_on_rule=rule,
        payor_add_on_share=payor_share.quantize(Decimal("0.0001")),
        payor_adjusted_net_monthly=money(payor_adjusted),
        other_adjusted_net_monthly=money(other_adjusted),
        payor_add_ons_monthly=money(add_on_total),
        payor_total_monthly=money(monthly + add_on_total),
        parameters=tuple(params.used),
        child_allocation=allocation,
    )

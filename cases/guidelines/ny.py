"""New York Child Support Standards Act (DRL 240(1-b); FCA 413; worksheet form 4-SM-3).

Gross income, plus maintenance received from the other parent (DRL 240(1-b)(b)(5)(iii)(I), L. 2015
c. 387, from 2016-01-24) → CSSA income (each statutory deduction a line, (b)(5)(vii)) → combined
income up to the cap × the child support percentage → each parent's pro-rata share → the low-income
rules (DRL 240(1-b)(d)), tested on the basic obligation with the add-ons prorated by income share
(DRL 240(1-b)(c)(4)-(7)) as (b)(1) defines it → the add-ons on top, unless a low-income rule set the whole.
Every legal number is a dated ``LegalParameter`` row; the result lists the rows it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.dates import display_date
from core.legal import ParameterSet, UsedParameter
from core.money import money

from .tables import GuidelineInputError, WorksheetLine, dollars, nonnegative

ZERO = Decimal("0")
DEDUCTIONS = (  # DRL 240(1-b)(b)(5)(vii): what is deducted from gross income, in the worksheet's order
    ("fica", "FICA (Social Security and Medicare) actually paid", "(b)(5)(vii)(H)"),
    ("local_tax", "New York City or Yonkers income tax actually paid", "(b)(5)(vii)(G)"),
    ("maintenance_paid", "Maintenance paid to the other parent", "(b)(5)(vii)(C)"),  # the other's income: (iii)(I)
    ("other_support_paid", "Child support actually paid for other children", "(b)(5)(vii)(D)"),
)
ADD_ONS = (  # key, worksheet label, DRL 240(1-b) paragraph
    ("child_care_annual", "Child care while the custodial parent works or studies", "(c)(4), (c)(6)"),
    ("health_insurance_annual", "Health insurance premiums for the children", "(c)(5)(ii)"),
    ("unreimbursed_health_annual", "Reasonable unreimbursed health expenses", "(c)(5)(v)"),
    ("education_annual", "Educational expenses (as the court directs)", "(c)(7)"),
)


@dataclass(frozen=True)
class NyParentIncome:
    gross: Decimal
    deductions: dict[str, Decimal]
    cssa_income: Decimal  # gross + maintenance received − deductions
    maintenance_received: Decimal = ZERO  # from the other parent, DRL 240(1-b)(b)(5)(iii)(I) (2016-01-24)


@dataclass(frozen=True)
class NyAddOn:
    key: str
    label: str
    annual: Decimal
    payor_annual: Decimal


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
    payor_obligation_annual: Decimal  # after the low-income rules
    payor_obligation_monthly: Decimal
    notes: list[str] = field(default_factory=list)
    incomes: tuple[NyParentIncome, ...] = ()
    payor_prorated_annual: Decimal = ZERO  # share × basic, before the low-income rules
    poverty_guideline: Decimal = ZERO
    self_support_reserve: Decimal = ZERO
    low_income_rule: str = ""  # "", "poverty" or "reserve"
    low_income_floor_monthly: Decimal = ZERO  # $25 or $50 (DRL 240(1-b)(d)) when a rule applies
    all_income_basic_annual: Decimal = ZERO  # combined income × percentage, no cap
    payor_obligation_all_income_annual: Decimal = ZERO
    payor_obligation_all_income_monthly: Decimal = ZERO
    add_ons: tuple[NyAddOn, ...] = ()
    payor_add_on_shares_annual: Decimal = ZERO  # the payor's shares of the add-ons, before DRL 240(1-b)(d)
    payor_add_ons_annual: Decimal = ZERO  # what is added on top: 0 when a low-income rule applies
    payor_add_ons_monthly: Decimal = ZERO
    payor_total_monthly: Decimal = ZERO  # basic (after the low-income rules) plus add-ons
    parameters: tuple[UsedParameter, ...] = ()

    @property
    def above_cap(self) -> bool:
        return self.combined_income > self.cap

    def _line_16_label(self) -> str:
        if self.low_income_rule == "poverty":
            return (
                "Payor's annual child support obligation, add-ons included: line 15 is below line 13, so "
                f"{dollars(self.low_income_floor_monthly)} a month or line 6 minus line 14, whichever is greater — DRL 240(1-b)(d), first sentence"
            )
        if self.low_income_rule == "reserve":
            return (
                "Payor's annual child support obligation, add-ons included: line 15 is below line 14 but not "
                f"line 13, so {dollars(self.low_income_floor_monthly)} a month or line 6 minus line 14, whichever is greater — DRL 240(1-b)(d), "
                "second sentence"
            )
        return (
            "Payor's annual basic obligation (line 12): line 15 is not below line 13 or line 14, so the "
            "low-income rules do not apply — DRL 240(1-b)(d)"
        )

    def lines(self) -> list[WorksheetLine]:
        """The worksheet, numbered like the court's form: income, obligation, low income, add-ons."""
        payor, other = self.incomes
        lines = [
            WorksheetLine(
                "1", "Gross income", (dollars(payor.gross), dollars(other.gross), dollars(payor.gross + other.gross))
            ),
            WorksheetLine(
                "1a",
                "Plus: maintenance received from the other parent (the other parent's line 4) — DRL "
                "240(1-b)(b)(5)(iii)(I), as amended by L. 2015 c. 387, from 2016-01-24",
                (dollars(payor.maintenance_received), dollars(other.maintenance_received), ""),
            ),
        ]
        for n, (key, label, para) in enumerate(DEDUCTIONS, start=2):
            lines.append(
                WorksheetLine(
                    str(n),
                    f"Less: {label} — DRL 240(1-b){para}",
                    (dollars(payor.deductions[key]), dollars(other.deductions[key]), ""),
                )
            )
        lines += [
            WorksheetLine(
                "6",
                "CSSA income (line 1 plus line 1a minus lines 2–5)",
                (dollars(payor.cssa_income), dollars(other.cssa_income), dollars(self.combined_income)),
            ),
            WorksheetLine(
                "7",
                f"Income cap in effect from {display_date(self.cap_effective_on)}"
                + (" (confirm)" if self.cap_confirm else ""),
                ("", "", dollars(self.cap)),
            ),
            WorksheetLine("8", "Combined income up to the cap", ("", "", dollars(self.capped_income))),
            WorksheetLine("9", "Child support percentage", ("", "", f"{self.percentage}%")),
            WorksheetLine(
                "10",
                "Basic child support obligation (line 8 × line 9)",
                ("", "", dollars(self.basic_obligation_annual)),
            ),
            WorksheetLine("11", "Payor's pro-rata share of income", ("", "", f"{self.payor_share}")),
            WorksheetLine(
                "12",
                "Payor's share of the basic obligation (line 10 × line 11)",
                ("", "", dollars(self.payor_prorated_annual)),
            ),
            WorksheetLine("13", "Poverty guideline, single person", ("", "", dollars(self.poverty_guideline))),
            WorksheetLine("14", "Self-support reserve", ("", "", dollars(self.self_support_reserve))),
            WorksheetLine(
                "15",
                "Payor's CSSA income after paying line 12 and the payor's add-on shares (line 6 "
                "minus line 12 minus lines 21–24) — DRL 240(1-b)(b)(1), (d)",
                ("", "", dollars(payor.cssa_income - self.payor_prorated_annual - self.payor_add_on_shares_annual)),
            ),
            WorksheetLine("16", self._line_16_label(), ("", "", dollars(self.payor_obligation_annual)), total=True),
            WorksheetLine(
                "17",
                "Payor's monthly obligation (line 16 ÷ 12)",
                ("", "", dollars(self.payor_obligation_monthly)),
                total=True,
            ),
        ]
        if self.above_cap:
            lines += [
                WorksheetLine(
                    "18",
                    "Above the cap: basic obligation on all combined income",
                    ("", "", dollars(self.all_income_basic_annual)),
                ),
                WorksheetLine(
                    "19",
                    "Above the cap: payor's annual share on all income",
                    ("", "", dollars(self.payor_obligation_all_income_annual)),
                ),
                WorksheetLine(
                    "20",
                    "Above the cap: payor's monthly share on all income",
                    ("", "", dollars(self.payor_obligation_all_income_monthly)),
                ),
            ]
        paragraphs = {key: para for key, _, para in ADD_ONS}
        for n, add_on in enumerate(self.add_ons, start=21):
            lines.append(
                WorksheetLine(
                    str(n),
                    f"Add-on: {add_on.label} (annual {dollars(add_on.annual)}), payor's "
                    f"share — DRL 240(1-b){paragraphs[add_on.key]}",
                    ("", "", dollars(add_on.payor_annual)),
                )
            )
        if self.low_income_rule:
            added = (
                "Payor's add-ons added on top, annual: none — line 16 is the whole obligation, add-ons "
                "included (DRL 240(1-b)(b)(1), (d))"
            )
        else:
            added = "Payor's add-ons, annual (lines 21–24) — DRL 240(1-b)(c)(4)–(7)"
        lines += [
            WorksheetLine("25", added, ("", "", dollars(self.payor_add_ons_annual))),
            WorksheetLine(
                "26", "Payor's add-ons, monthly (line 25 ÷ 12)", ("", "", dollars(self.payor_add_ons_monthly))
            ),
            WorksheetLine(
                "27",
                "Payor's total monthly obligation (line 17 plus line 26)",
                ("", "", dollars(self.payor_total_monthly)),
                total=True,
            ),
        ]
        return lines


def _parent_income(index: int, gross: Decimal, deductions: dict | None) -> NyParentIncome:
    gross = nonnegative("gross_incomes", gross, "Income")
    given = dict(deductions or {})
    unknown = set(given) - {key for key, _, _ in DEDUCTIONS}
    if unknown:
        raise GuidelineInputError("deductions", f"Unknown deduction(s): {', '.join(sorted(unknown))}.")
    amounts = {key: nonnegative("deductions", given.get(key) or ZERO, "A deduction") for key, _, _ in DEDUCTIONS}
    total = sum(amounts.values(), ZERO)
    if total > gross:
        who = "payor" if index == 0 else "other parent"
        raise GuidelineInputError(
            "deductions", f"The {who}'s deductions ({dollars(total)}) exceed the gross income ({dollars(gross)})."
        )
    return NyParentIncome(
        gross=money(gross), deductions={k: money(v) for k, v in amounts.items()}, cssa_income=money(gross - total)
    )


def _with_maintenance_received(
    params: ParameterSet, incomes: tuple[NyParentIncome, ...], notes: list[str]
) -> tuple[NyParentIncome, ...]:
    """DRL 240(1-b)(b)(5)(iii)(I) as amended by L. 2015 c. 387 (in force 2016-01-24): maintenance paid to
    a spouse who is a party (here, the other parent) is income of the recipient. Before it, maintenance was
    deducted from the payer's income ((b)(5)(vii)(C)) and not added to the recipient's."""
    paid = [i.deductions["maintenance_paid"] for i in incomes]
    if not any(paid):
        return incomes
    if not params.value("ny.cssa.maintenance_received_is_income"):
        notes.append(
            "Maintenance paid to the other parent is deducted from the payer's income but, before "
            "2016-01-24 (L. 2015 c. 387), not added to the recipient's."
        )
        return incomes
    notes.append(
        "Maintenance paid to the other parent is deducted from the payer's income (DRL 240(1-b)(b)(5)(vii)(C)) "
        "and added to the recipient's (DRL 240(1-b)(b)(5)(iii)(I), L. 2015 c. 387)."
    )
    return tuple(
        NyParentIncome(
            gross=income.gross,
            deductions=income.deductions,
            cssa_income=money(income.cssa_income + received),
            maintenance_received=money(received),
        )
        for income, received in zip(incomes, reversed(paid), strict=True)
    )


def ny_guideline(
    *,
    children: int,
    as_of: date,
    parent_incomes: tuple[Decimal, ...] | None = None,
    gross_incomes: tuple[Decimal, ...] | None = None,
    deductions: tuple[dict, ...] | None = None,
    add_ons: dict | None = None,
) -> NyGuidelineResult:
    """The CSSA obligation of the payor (the first parent).

    Either ``parent_incomes`` (each parent's annual CSSA income, after the deductions) or
    ``gross_incomes`` with ``deductions`` (two dicts of annual ``fica``, ``local_tax``,
    ``maintenance_paid``, ``other_support_paid``). ``maintenance_paid`` is maintenance paid to the
    other parent: deducted from the payer's income ((b)(5)(vii)(C)) and, from 2016-01-24, added to the
    recipient's ((b)(5)(iii)(I), L. 2015 c. 387). ``add_ons``: annual costs for the children paid
    by the custodial parent (``child_care_annual`` …), of which the payor's income share is added.
    """
    if (parent_incomes is None) == (gross_incomes is None):
        raise GuidelineInputError("gross_incomes", "Give either parent_incomes or gross_incomes, not both.")
    if children < 1:
        raise GuidelineInputError("children", "At least one child.")
    if gross_incomes is not None:
        if len(gross_incomes) != 2 or (deductions is not None and len(deductions) != 2):
            raise GuidelineInputError("gross_incomes", "Give two parents, payor first.")
        pair = deductions or ({}, {})
        incomes = tuple(_parent_income(i, gross_incomes[i], pair[i]) for i in (0, 1))
    else:
        assert parent_incomes is not None  # exactly one of the two was given (checked above)
        if len(parent_incomes) != 2:
            raise GuidelineInputError("parent_incomes", "Give two parents, payor first.")
        if deductions:
            raise GuidelineInputError("deductions", "Deductions go with gross_incomes.")
        incomes = tuple(_parent_income(i, Decimal(parent_incomes[i]), None) for i in (0, 1))
    costs = dict(add_ons or {})
    unknown = set(costs) - {key for key, _, _ in ADD_ONS}
    if unknown:
        raise GuidelineInputError("add_ons", f"Unknown add-on(s): {', '.join(sorted(unknown))}.")
    costs = {key: nonnegative("add_ons", costs.get(key) or ZERO, "An add-on") for key, _, _ in ADD_ONS}

    params = ParameterSet(jurisdiction="NY", on=as_of, prefix="ny.")
    notes: list[str] = []
    if gross_incomes is not None:
        incomes = _with_maintenance_received(params, incomes, notes)
    payor, other = incomes[0].cssa_income, incomes[1].cssa_income
    combined = payor + other
    cap_row = params.row("ny.cssa.income_cap")
    capped = min(combined, cap_row.value)
    pct = params.value(f"ny.cssa.percentage.{min(children, 5)}")  # DRL 240(1-b)(b)(3)
    basic = money(capped * pct)
    share = (payor / combined) if combined else ZERO
    prorated = money(basic * share)
    if combined > cap_row.value:
        notes.append(
            f"Combined income exceeds the {dollars(cap_row.value)} cap: the court applies the percentage to income "
            "above the cap, or not, using the factors of DRL 240(1-b)(f); both figures are shown."
        )
    if children > 5:
        notes.append("Five or more children: the percentage is no less than 35% (DRL 240(1-b)(b)(3)(v)).")
    poverty = params.value("ny.poverty_guideline")
    reserve = params.value("ny.self_support_reserve")
    lines = tuple(
        NyAddOn(key=key, label=label, annual=money(costs[key]), payor_annual=money(costs[key] * share))
        for key, label, _ in ADD_ONS
    )
    shares_annual = money(sum((a.payor_annual for a in lines), ZERO))
    # DRL 240(1-b)(d) tests the basic child support obligation as (b)(1) defines it, add-ons of (c)(4)-(7)
    # included, and the amount it sets replaces all of it: under either low-income rule nothing is added on top.
    annual, rule, floor = _low_income(
        params=params,
        payor_income=payor,
        annual=prorated + shares_annual,
        poverty=poverty,
        reserve=reserve,
        notes=notes,
    )
    if rule:
        add_on_annual = ZERO
        if shares_annual:
            notes.append(
                f"The payor's add-on shares ({dollars(shares_annual)} a year) are not added on top: the "
                "low-income amount is the whole basic child support obligation, which DRL 240(1-b)(b)(1) "
                "defines to include the add-ons of (c)(4)-(7); the court may depart from it only under "
                "paragraph (f)."
            )
    else:
        annual, add_on_annual = prorated, shares_annual
    all_basic = money(combined * pct)
    all_payor = money(all_basic * share)
    monthly = money(annual / 12)
    add_on_monthly = money(add_on_annual / 12)
    return NyGuidelineResult(
        combined_income=money(combined),
        capped_income=money(capped),
        cap=cap_row.value,
        cap_effective_on=cap_row.effective_on,
        cap_confirm=cap_row.confirm,
        percentage=money(pct * 100),
        basic_obligation_annual=basic,
        payor_share=share.quantize(Decimal("0.0001")),
        payor_obligation_annual=annual,
        payor_obligation_monthly=monthly,
        notes=notes,
        incomes=incomes,
        payor_prorated_annual=prorated,
        poverty_guideline=poverty,
        self_support_reserve=reserve,
        low_income_rule=rule,
        low_income_floor_monthly=floor,
        all_income_basic_annual=all_basic,
        payor_obligation_all_income_annual=all_payor,
        payor_obligation_all_income_monthly=money(all_payor / 12),
        add_ons=lines,
        payor_add_on_shares_annual=shares_annual,
        payor_add_ons_annual=money(add_on_annual),
        payor_add_ons_monthly=add_on_monthly,
        payor_total_monthly=money(monthly + add_on_monthly),
        parameters=tuple(params.used),
    )


def _low_income(
    *,
    params: ParameterSet,
    payor_income: Decimal,
    annual: Decimal,
    poverty: Decimal,
    reserve: Decimal,
    notes: list[str],
) -> tuple[Decimal, str, Decimal]:
    """DRL 240(1-b)(d). ``annual`` is the payor's share of the basic child support obligation as
    (b)(1) defines it: the amounts of (c)(2) and (c)(3) "as increased pursuant to subparagraphs four,
    five, six and seven", i.e. the add-ons included. Both sentences of (d) apply "notwithstanding the
    provisions of paragraph (c)", so the amount they set is the whole obligation, add-ons included.

    - First sentence: if paying it would reduce the payor's income below the poverty income
      guidelines amount for a single person, the obligation is $25/month "or the difference between
      the non-custodial parent's income and the self-support reserve, whichever is greater" (text of
      (d) as in force since L.1989 c.567, quoted in Senate bill S5582 of 2011; DOMAIN.md gives $25 alone).
    - Second sentence: if it would reduce it below the self-support reserve but not below the poverty
      guideline, $50/month or the income above the reserve, whichever is greater.
    "Below" is strict: income left exactly at a figure is not below it."""
    remaining = payor_income - annual
    # (threshold, its name, what the payor would fall below, what the income is above, sentence of (d))
    for threshold, kind, below, above, sentence in (
        (poverty, "poverty", "the poverty guideline", "the self-support reserve", "first"),
        (reserve, "reserve", "the self-support reserve", "the reserve", "second"),
    ):
        if remaining < threshold:
            floor = params.value(f"ny.low_income.{kind}_obligation_monthly")
            notes.append(
                f"Paying {dollars(annual)} a year would leave the payor {dollars(remaining)}, below {below} "
                f"({dollars(threshold)}): the basic child support obligation, add-ons included, is "
                f"{dollars(floor)}/month or the income above {above}, whichever is greater "
                f"(DRL 240(1-b)(d), {sentence} sentence)."
            )
            return money(max(floor * 12, payor_income - reserve)), kind, floor
    return annual, "", ZERO

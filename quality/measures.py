"""OCSE-157 lines and the five federal performance measures, computed set-based.

Each line is one queryset (defined once, in ``line_querysets``) that serves three purposes: the
office figure (one aggregate query), the figure per county / caseworker (one GROUP BY query), and
the drill-down list of the cases behind it. The definitions are written out in docs/measures.md.
Sources: OCSE-157 instructions; 42 USC 658a; 45 CFR 305.2 (DOMAIN.md "Federal performance measures").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.money import ZERO, money

from .choices import MeasureName
from .fiscal import fiscal_year_bounds, fiscal_year_end
from .rules import applicable_percentage, measure_exact, next_tier
from .selectors import RuleBook, expenditure_amount

# Decided (docs/measures.md): current support due = child support and cash medical support ordered
# as an amount; spousal support and arrears repayment are not "current support" for line 24.
CURRENT_SUPPORT_KINDS = ("current_support", "medical_support")
ARREARS_BUCKETS = ("arrears_unassigned", "arrears_assigned")
COUNT_LINES = ("1", "2", "5a", "6", "28", "29")
AMOUNT_LINES = ("24", "25")
LINE_KEYS = ("1", "2", "5a", "6", "24", "25", "28", "29")
ADDITIVE_LINES = ("1", "2", "24", "25", "28", "29")  # a count of cases or a sum of amounts, not of children
MEASURE_LINES = {  # measure → (numerator line, denominator line)
    MeasureName.PATERNITY: ("6", "5a"),
    MeasureName.ORDERS: ("2", "1"),
    MeasureName.CURRENT_COLLECTIONS: ("25", "24"),
    MeasureName.ARREARS_COLLECTIONS: ("29", "28"),
    MeasureName.COST_EFFECTIVENESS: ("collections", "expenditures"),
}
MONEY: DecimalField[Any, Decimal] = DecimalField(max_digits=16, decimal_places=2)
# An OCSE-157 line: a count of cases or children, or an amount; None where it was not computed.
Line = Decimal | int | None


def _models():
    from cases import models as m

    return m


def open_at(day: date, prefix: str = "") -> Q:
    """A case is open at the end of ``day``: opened on or before it, not closed by then."""
    p = prefix
    return Q(**{f"{p}opened_on__lte": day}) & (
        Q(**{f"{p}closed_on__gt": day}) | Q(**{f"{p}closed_on__isnull": True, f"{p}status": "open"})
    )


def open_during(start: date, end: date, prefix: str = "") -> Q:
    """Open at any time in [start, end]."""
    p = prefix
    return Q(**{f"{p}opened_on__lte": end}) & (
        Q(**{f"{p}closed_on__gte": start}) | Q(**{f"{p}closed_on__isnull": True, f"{p}status": "open"})
    )


@dataclass(frozen=True)
class LineSpec:
    """How to aggregate one line: the row queryset, what to count/sum and the path to the case."""

    key: str
    rows: QuerySet
    aggregate: object
    case_prefix: str  # "" when rows are cases, "case__" otherwise


def _order_exists(end: date):
    m = _models()
    # Any order issued by the year end that has not been terminated (zero and medical-only orders count).
    return Exists(m.SupportOrder.objects.filter(case=OuterRef("pk"), issued_on__lte=end).exclude(status="terminated"))


def _arrears_paid(start: date, end: date, case_ref: str = "pk"):
    m = _models()
    return Exists(
        m.Allocation.objects.filter(
            case=OuterRef(case_ref),
            bucket__in=ARREARS_BUCKETS,
            allocated_on__range=(start, end),
            amount__gt=0,
            reversed_on__isnull=True,
        )
    )


def _owed_after(end: date):
    """What the case owed after ``end``: the sum of its ledger entries in a bucket (current
    support and the two arrears buckets) posted on or before ``end`` — the figure its balance
    holds (``verify_ledger``; memo charges of a repayment schedule and excess returned to the
    family are in no bucket). Computed as today's balance less the bucket entries posted after
    ``end``: one index range per case over the months since the year end, not a sum over the
    whole ledger (cases/ledger_verify.py states the balance = ledger identity this relies on)."""
    m = _models()
    later = (
        m.LedgerEntry.objects.filter(case=OuterRef("pk"), posted_on__gt=end)
        .exclude(bucket="")
        .order_by()
        .values("case")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    today = F("balance__total_arrears") + F("balance__current_due_month") - F("balance__current_paid_month")
    return Coalesce(today, Value(ZERO, output_field=MONEY), output_field=MONEY) - Coalesce(
        Subquery(later, output_field=MONEY), Value(ZERO, output_field=MONEY)
    )


def _current_due_rows(start: date, end: date):
    """Current support charges due in [start, end] and the reversals of such charges (line 24): a
    reversal carries the kind and due date of the entry it reverses (cases/models/ledger.py), so
    one filter on the entry's own columns finds both."""
    m = _models()
    return m.LedgerEntry.objects.filter(
        entry_type__in=("charge", "reversal"), obligation_kind__in=CURRENT_SUPPORT_KINDS, due_on__range=(start, end)
    )


def _child_on_case_at(day: date) -> Q:
    """A child participant on its case at the end of ``day``: added by then (a party of the opening
    always) and its participation not ended on or before it (``CaseParticipant.ended_on``)."""
    return (Q(added_on__isnull=True) | Q(added_on__lte=day)) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def line_specs(fiscal_year: int) -> dict[str, LineSpec]:
    m = _models()
    start, end = fiscal_year_bounds(fiscal_year)
    prev_end = fiscal_year_end(fiscal_year - 1)
    line1 = m.Case.objects.filter(open_at(end))
    line2 = line1.filter(_order_exists(end))
    children = m.CaseParticipant.objects.filter(role="child", person__born_in_wedlock=False)
    # A child added to a case after the preceding year's end (``CaseParticipant.added_on``) was not
    # in that year's caseload: counted on line 6 once paternity is established, not on line 5a. A
    # child whose participation ended (``ended_on``: emancipated, died, custody, adopted) on or
    # before that day was not in it either; line 6 counts a child in the caseload during the year
    # (added by its end, not ended before it began).
    line5a = children.filter(open_at(prev_end, "case__")).filter(_child_on_case_at(prev_end))
    line6 = children.filter(
        open_during(start, end, "case__"),
        Q(ended_on__isnull=True) | Q(ended_on__gte=start),
        Q(added_on__isnull=True) | Q(added_on__lte=end),  # added after the year: not in its caseload
        person__paternity_status="established",
    ).filter(Q(person__paternity_established_on__lte=end) | Q(person__paternity_established_on__isnull=True))
    line24 = _current_due_rows(start, end)
    # Line 25 counts current support in its month of collection (45 CFR 302.51(a)): a payment
    # withheld on September 30 and posted October 2 is collected in the year it was withheld.
    line25 = m.Allocation.objects.filter(
        bucket="current", collection__collected_on__range=(start, end), reversed_on__isnull=True
    )
    in_year = m.Case.objects.filter(open_during(start, end))
    line29 = in_year.filter(_arrears_paid(start, end))
    line28 = in_year.annotate(owed_after_end=_owed_after(end)).filter(
        Q(owed_after_end__gt=0) | _arrears_paid(start, end)
    )
    collections = m.Collection.objects.filter(status="posted", received_on__range=(start, end))
    n = Count("pk")
    kids = Count("person_id", distinct=True)
    money = Coalesce(Sum("amount"), Value(ZERO, output_field=MONEY))
    return {
        "1": LineSpec("1", line1, n, ""),
        "2": LineSpec("2", line2, n, ""),
        "5a": LineSpec("5a", line5a, kids, "case__"),
        "6": LineSpec("6", line6, kids, "case__"),
        "24": LineSpec("24", line24, money, "case__"),
        "25": LineSpec("25", line25, money, "case__"),
        "28": LineSpec("28", line28, n, ""),
        "29": LineSpec("29", line29, n, ""),
        "collections": LineSpec("collections", collections, money, "case__"),
    }


def _scoped(spec: LineSpec, case_filter: Q | None) -> QuerySet:
    if case_filter is None:
        return spec.rows
    if spec.case_prefix:
        return spec.rows.filter(case__in=_models().Case.objects.filter(case_filter))
    return spec.rows.filter(case_filter)


def compute_lines(
    *,
    fiscal_year: int,
    case_filter: Q | None = None,
    known: dict[str, Line] | None = None,
    only: set[str] | None = None,
) -> dict[str, Line]:
    """Office (or filtered) lines: one aggregate query per line, except the ``known`` ones (and,
    given ``only``, the lines not in it, which are None)."""
    result: dict[str, Line] = dict(known or {})
    for key, spec in line_specs(fiscal_year).items():
        if key in result:
            continue
        if only is not None and key not in only:
            result[key] = None
            continue
        value = _scoped(spec, case_filter).aggregate(v=spec.aggregate)["v"]
        result[key] = int(value or 0) if key in COUNT_LINES else money(value or 0)
    return result


def compute_lines_by(*, fiscal_year: int, case_field: str) -> dict[object, dict[str, Line]]:
    """Lines per value of a case field (``county``, ``caseworker_id``): one GROUP BY per line."""
    return compute_lines_by_fields(fiscal_year=fiscal_year, case_fields=(case_field,))[case_field]


def compute_lines_by_fields(
    *, fiscal_year: int, case_fields: tuple[str, ...]
) -> dict[str, dict[object, dict[str, Any]]]:
    """``compute_lines_by`` for several case fields at once: {field: {field value: lines}}.

    The lines that add up (``ADDITIVE_LINES``: cases counted, amounts summed, each row one case's)
    come from one GROUP BY on every field together, summed per field; the children lines count
    distinct children, and a child can be in cases of two caseworkers, so those are grouped by each
    field on its own (the nightly snapshot asked for every line once per field)."""
    out: dict[str, dict[object, dict[str, Any]]] = {field: {} for field in case_fields}
    for key, spec in line_specs(fiscal_year).items():
        if key == "collections":
            continue
        groups = [f"{spec.case_prefix}{field}" for field in case_fields]
        if key in ADDITIVE_LINES:
            for row in spec.rows.order_by().values(*groups).annotate(v=spec.aggregate):
                for field, group in zip(case_fields, groups, strict=True):
                    lines = out[field].setdefault(row[group], {})
                    lines[key] = (lines.get(key) or 0) + (row["v"] or 0)
            continue
        for field, group in zip(case_fields, groups, strict=True):
            for row in spec.rows.order_by().values(group).annotate(v=spec.aggregate):
                out[field].setdefault(row[group], {})[key] = row["v"]
    for per_value in out.values():
        for lines in per_value.values():
            for key in LINE_KEYS:
                lines[key] = int(lines.get(key) or 0) if key in COUNT_LINES else money(lines.get(key) or 0)
    return out


def additive_lines_total(by_value: dict[object, dict[str, Any]]) -> dict[str, Line]:
    """The office's ``ADDITIVE_LINES`` from one field's lines per value (``compute_lines_by_fields``):
    every row of those lines is in exactly one group (the cases of no county or caseworker too),
    so the groups add up to the office's figure (a count of cases, an exact sum of amounts). The
    children lines count distinct children, who may be in two groups: not added up."""
    return {
        key: sum((lines[key] for lines in by_value.values()), 0 if key in COUNT_LINES else ZERO)
        for key in ADDITIVE_LINES
    }


@dataclass
class MeasureResult:
    name: str
    label: str
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    value: Decimal | None
    incentive_percentage: Decimal | None
    numerator_line: str
    denominator_line: str
    next_tier: object = None
    previous_value: Decimal | None = None
    exact_value: Decimal | None = None  # unrounded: the band is chosen on this (45 CFR 305.33)
    citations: list[str] = field(default_factory=list)


def measures_from_lines(
    *,
    fiscal_year: int,
    lines: dict[str, Line],
    expenditures: Decimal | None,
    rules: RuleBook,
    previous: dict[str, Decimal | None] | None = None,
) -> list[MeasureResult]:
    results = []
    num: Line
    den: Line
    for name, (num_key, den_key) in MEASURE_LINES.items():
        if name == MeasureName.COST_EFFECTIVENESS:
            num, den = lines.get("collections") or ZERO, expenditures
        else:
            num, den = lines[num_key], lines[den_key]
        # the band is chosen on the unrounded value
        exact = measure_exact(name, num, den) if num is not None and den is not None else None
        value = None if exact is None else exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        prev = (previous or {}).get(name)
        bands = rules.bands_for(name)
        pct = applicable_percentage(
            measure=name, value=exact, bands=bands, exception=rules.exception_for(name), previous_value=prev
        )
        tier = next_tier(measure=name, numerator=num, denominator=den, bands=bands) if den and num is not None else None
        results.append(
            MeasureResult(
                name=name,
                label=MeasureName(name).label,
                numerator=num,
                denominator=den,
                value=value,
                incentive_percentage=pct,
                numerator_line=num_key,
                denominator_line=den_key,
                next_tier=tier,
                exact_value=exact,
                previous_value=None if prev is None else prev.quantize(Decimal("0.01")),
            )
        )
    return results


def _needing_previous(results: list[MeasureResult], rules: RuleBook) -> set[str]:
    """The measures below their improvement exception's threshold: their preceding year's value
    decides whether the exception applies (45 CFR 305.33)."""
    names = set()
    for r in results:
        exc = rules.exception_for(r.name)
        if exc is not None and r.exact_value is not None and r.exact_value < exc.below:
            names.add(r.name)
    return names


@dataclass
class Ocse157:
    fiscal_year: int
    lines: dict[str, Line]
    measures: list[MeasureResult]
    expenditures: Decimal | None


def ocse157(
    *,
    fiscal_year: int,
    case_filter: Q | None = None,
    known_lines: dict[str, Line] | None = None,
    previous_where_needed_only: bool = False,
) -> Ocse157:
    """All lines and the five measures for a fiscal year, computed from the current data (but for
    ``known_lines`` of that year, already computed by the caller). The preceding year is computed
    only when an improvement exception could apply: every measure's previous value (the measures
    page shows them), or with ``previous_where_needed_only`` only the lines of the measures whose
    exception could apply (the snapshot stores the percentages, not the previous values)."""
    rules = RuleBook(on=fiscal_year_end(fiscal_year))
    lines = compute_lines(fiscal_year=fiscal_year, case_filter=case_filter, known=known_lines)
    spend = expenditure_amount(fiscal_year=fiscal_year) if case_filter is None else None
    results = measures_from_lines(fiscal_year=fiscal_year, lines=lines, expenditures=spend, rules=rules)
    needing = _needing_previous(results, rules)
    if needing:
        only = (
            {line for name in needing for line in MEASURE_LINES[MeasureName(name)]}
            if previous_where_needed_only
            else None
        )
        prev_lines = compute_lines(fiscal_year=fiscal_year - 1, case_filter=case_filter, only=only)
        prev_spend = expenditure_amount(fiscal_year=fiscal_year - 1) if case_filter is None else None
        prev = {
            r.name: r.exact_value
            for r in measures_from_lines(
                fiscal_year=fiscal_year - 1, lines=prev_lines, expenditures=prev_spend, rules=rules
            )
            if only is None or r.name in needing
        }
        results = measures_from_lines(
            fiscal_year=fiscal_year, lines=lines, expenditures=spend, rules=rules, previous=prev
        )
    return Ocse157(
        fiscal_year=fiscal_year, lines={k: lines[k] for k in LINE_KEYS}, measures=results, expenditures=spend
    )


# ---- drill-down: the cases behind each figure ----------------------------------------------------

DRILLDOWNS = {
    "1": "Line 1: cases open at the end of the year",
    "2": "Line 2: open cases with a support order",
    "no_order": "Line 1 cases without a support order (fail the orders measure)",
    "5a": "Line 5a: cases with children born out of wedlock in the caseload at the end of the preceding year",
    "6": "Line 6: cases with children born out of wedlock whose paternity is established or acknowledged",
    "no_paternity": "Cases with children born out of wedlock without paternity established (fail the paternity measure)",
    "24": "Line 24: cases with current support due in the year",
    "25": "Line 25: cases with collections distributed as current support",
    "unpaid_current": "Cases paid less current support than was due (fail current collections)",
    "28": "Line 28: cases with arrears due",
    "29": "Line 29: cases paying toward arrears",
    "not_paying_arrears": "Cases with arrears due and no payment toward arrears (fail arrears collections)",
}


def drilldown_cases(*, fiscal_year: int, key: str) -> QuerySet:
    """The Case queryset behind a figure (not yet restricted to a user: the view does that)."""
    m = _models()
    start, end = fiscal_year_bounds(fiscal_year)
    prev_end = fiscal_year_end(fiscal_year - 1)
    specs = line_specs(fiscal_year)
    cases = m.Case.objects.all()
    if key in ("1", "2", "28", "29"):
        return cases.filter(pk__in=specs[key].rows.values("pk"))
    if key == "no_order":
        return cases.filter(open_at(end)).exclude(_order_exists(end))
    if key in ("5a", "6"):
        return cases.filter(pk__in=specs[key].rows.values("case_id"))
    if key == "no_paternity":
        missing = m.CaseParticipant.objects.filter(
            _child_on_case_at(prev_end),
            role="child",
            person__born_in_wedlock=False,
            case=OuterRef("pk"),
        ).exclude(
            Q(person__paternity_status="established")
            & (Q(person__paternity_established_on__lte=end) | Q(person__paternity_established_on__isnull=True))
        )
        return cases.filter(open_at(prev_end)).filter(Exists(missing))
    if key in ("24", "25", "unpaid_current"):
        due = (
            _current_due_rows(start, end)
            .filter(case=OuterRef("pk"))
            .order_by()
            .values("case")
            .annotate(t=Sum("amount"))
            .values("t")
        )
        paid = (
            m.Allocation.objects.filter(
                case=OuterRef("pk"),
                bucket="current",
                reversed_on__isnull=True,
                collection__collected_on__range=(start, end),
            )
            .order_by()
            .values("case")
            .annotate(t=Sum("amount"))
            .values("t")
        )
        annotated = cases.annotate(
            current_due=Coalesce(Subquery(due, output_field=MONEY), Value(ZERO, output_field=MONEY)),
            current_paid=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO, output_field=MONEY)),
        )
        if key == "24":
            return annotated.filter(current_due__gt=0)
        if key == "25":
            return annotated.filter(current_paid__gt=0)
        return annotated.filter(current_due__gt=0).filter(current_paid__lt=F("current_due"))
    if key == "not_paying_arrears":
        return cases.filter(pk__in=specs["28"].rows.values("pk")).exclude(pk__in=specs["29"].rows.values("pk"))
    raise KeyError(key)

"""Quality reads (selectors): the legal tables in force, expenditures, snapshots, reviews, plans."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, Prefetch, Q

from core.legal import ParameterSet

from .choices import PlanStatus, ReviewStatus, SampleResult, SnapshotLevel
from .models import (
    CriterionRule,
    Expenditure,
    ImprovementPlan,
    PlanAction,
    Review,
    ReviewSample,
    Snapshot,
    SnapshotValue,
)
from .rules import TABLE_OF_MEASURE, Band, Exception_, bands_from, benchmark_key, exception_from


class RuleBook:
    """The incentive tables and improvement exceptions in force on a date: the dated legal rows
    (``core.LegalParameter``, one query); ``LegalParameterMissing`` before the first row."""

    def __init__(self, *, on: date):
        self.on = on
        params = ParameterSet(jurisdiction="US", on=on, prefix="us.incentive.")
        self.bands: dict[str, list[Band]] = {
            table: bands_from(params, table) for table in set(TABLE_OF_MEASURE.values())
        }
        self.exceptions: dict[str, Exception_] = {
            m: e for m in TABLE_OF_MEASURE if (e := exception_from(params, m)) is not None
        }
        self.used = params.used

    def bands_for(self, measure: str) -> list[Band]:
        return self.bands.get(TABLE_OF_MEASURE[measure], [])

    def exception_for(self, measure: str) -> Exception_ | None:
        return self.exceptions.get(measure)


def reviews_scored_q(criterion: str) -> Q:
    """The reviews whose scores read ``criterion``'s checklist: completed ones (their rates were
    reported), and any with a case scored under the criterion (the answers are keyed by the
    question's text)."""
    scored = [result for result in SampleResult.values if result != SampleResult.PENDING]
    return Q(status=ReviewStatus.COMPLETED) | Q(samples__criterion=criterion, samples__result__in=scored)


def criterion_rule_scored_against(rule: CriterionRule) -> bool:
    """Whether a review was scored against this version of the checklist (``reviews_scored_q``): a
    review reads the version in force on its period end (``criterion_rules``), from the version's
    ``effective_from`` to the next version's. Such a version is never edited in place."""
    later = CriterionRule.objects.filter(criterion=rule.criterion, effective_from__gt=rule.effective_from)
    next_from = later.order_by("effective_from").values_list("effective_from", flat=True).first()
    reviews = Review.objects.filter(reviews_scored_q(rule.criterion), period_end__gte=rule.effective_from)
    if next_from is not None:
        reviews = reviews.filter(period_end__lt=next_from)
    return reviews.exists()


def review_frozen(review_id: int) -> bool:
    """Whether the review is completed (read from the database): its sample and scores are then
    frozen, as its compliance rates were reported (45 CFR 308.1(e), 308.2)."""
    return Review.objects.filter(pk=review_id, status=ReviewStatus.COMPLETED).exists()


def plan_frozen(plan_id: int) -> bool:
    """Whether the plan is closed (read from the database): its record (its actions and notes) is
    then its outcome, frozen."""
    return ImprovementPlan.objects.filter(pk=plan_id, status=PlanStatus.CLOSED).exists()


def criterion_rules(*, on: date) -> dict[str, CriterionRule]:
    """Criterion → the rule (checklist) in force on ``on``, with ``benchmark`` (and its citation and
    confirm flag) from the legal row ``us.self_assessment.<criterion>.benchmark`` in force on ``on``."""
    params = ParameterSet(jurisdiction="US", on=on, prefix="us.self_assessment.")
    rules: dict[str, CriterionRule] = {}
    for rule in CriterionRule.objects.filter(effective_from__lte=on).order_by("criterion", "-effective_from"):
        if rule.criterion in rules:
            continue
        row = params.row(benchmark_key(rule.criterion))
        rule.benchmark = row.value.quantize(Decimal("0.01"))  # a percentage, shown with two decimals
        rule.benchmark_citation, rule.benchmark_confirm = row.citation, row.confirm
        rules[rule.criterion] = rule
    return rules


def expenditure_amount(*, fiscal_year: int) -> Decimal | None:
    return Expenditure.objects.filter(fiscal_year=fiscal_year).values_list("amount", flat=True).first()


def snapshot_latest(*, as_of: date | None = None) -> Snapshot | None:
    qs = Snapshot.objects.filter(finished_at__isnull=False)
    if as_of is not None:
        qs = qs.filter(taken_on__lte=as_of)
    return qs.order_by("-taken_on").first()


def snapshot_dates(*, limit: int = 60) -> list[date]:
    """The dates of finished snapshots, newest first (the dashboard's "as of" choices)."""
    return list(Snapshot.objects.filter(finished_at__isnull=False).values_list("taken_on", flat=True)[:limit])


def dashboard_values(*, snapshot: Snapshot, drill_measures: list[str]) -> list[SnapshotValue]:
    """The office's values plus every unit's values of the measures that drill down, lowest first."""
    return list(
        SnapshotValue.objects.filter(snapshot=snapshot)
        .filter(Q(level=SnapshotLevel.OFFICE) | Q(measure__in=drill_measures))
        .order_by("value", "unit_label")
    )


def review_next_pending_sample(*, review) -> int | None:
    """The id of the review's next sample to score (by criterion, then id), or None when all are scored."""
    return (
        ReviewSample.objects.filter(review=review, result=SampleResult.PENDING)
        .order_by("criterion", "id")
        .values_list("pk", flat=True)
        .first()
    )


def snapshot_values(*, snapshot: Snapshot, level: str = SnapshotLevel.OFFICE) -> list[SnapshotValue]:
    return list(snapshot.values.filter(level=level))


def monthly_trend(
    *, measure: str, level: str = SnapshotLevel.OFFICE, unit_key: str = "", months: int = 24, until: date | None = None
) -> list[SnapshotValue]:
    """The last snapshot value of each month (oldest first): two queries, whatever the span."""
    snaps = Snapshot.objects.filter(finished_at__isnull=False)
    if until is not None:
        snaps = snaps.filter(taken_on__lte=until)
    last_days = (
        snaps.values("taken_on__year", "taken_on__month")
        .annotate(day=Max("taken_on"))
        .order_by("-taken_on__year", "-taken_on__month")[:months]
    )
    days = [row["day"] for row in last_days]
    values = (
        SnapshotValue.objects.filter(snapshot__taken_on__in=days, level=level, unit_key=unit_key, measure=measure)
        .select_related("snapshot")
        .order_by("snapshot__taken_on")
    )
    return list(values)


def cases_visible_to(user, case_ids) -> set[int]:
    """The ids among ``case_ids`` of the cases ``user`` may see (``restrict``), in one query: a
    drill-down row links to its case only for these."""
    from cases.models import Case

    return set(Case.objects.restrict(user, "view").filter(pk__in=set(case_ids)).values_list("pk", flat=True))


def plans_with_overdue_actions(*, user, today):
    """Improvement plans in the user's scope with an open action past its due date: the home card's
    figure and the plan list's ``?overdue=on`` rows."""
    overdue = PlanAction.objects.filter(completed_on__isnull=True, due_on__lt=today).values("plan_id")
    return ImprovementPlan.objects.restrict(user, "view").filter(status="active", pk__in=overdue)


def plan_list():
    return ImprovementPlan.objects.select_related("owner").prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.select_related("owner"))
    )


def monthly_trends(
    *,
    measures: list[str],
    level: str = SnapshotLevel.OFFICE,
    unit_key: str = "",
    months: int = 12,
    until: date | None = None,
) -> dict:
    """Several measures by month (last snapshot of each month), aligned on the same months."""
    snaps = Snapshot.objects.filter(finished_at__isnull=False)
    if until is not None:
        snaps = snaps.filter(taken_on__lte=until)
    days = sorted(
        row["day"]
        for row in snaps.values("taken_on__year", "taken_on__month")
        .annotate(day=Max("taken_on"))
        .order_by("-taken_on__year", "-taken_on__month")[:months]
    )
    found = {
        (v["snapshot__taken_on"], v["measure"]): v["value"]
        for v in SnapshotValue.objects.filter(
            snapshot__taken_on__in=days,
            level=level,
            unit_key=unit_key,
            measure__in=measures,
        ).values("snapshot__taken_on", "measure", "value")
    }
    return {
        "labels": [d.strftime("%Y-%m") for d in days],
        "series": {m: [found.get((d, m)) for d in days] for m in measures},
    }


def goal_actuals(*, goals: list, snapshot: Snapshot | None) -> list[tuple]:
    """Each goal with its actual from the snapshot: a caseworker's own value, or a unit's value
    summed over its caseworkers' numerators and denominators (two queries)."""
    from django.contrib.auth import get_user_model

    from .rules import measure_value

    if snapshot is None or not goals:
        return [(g, None) for g in goals]
    measures = {g.measure for g in goals}
    values = list(
        SnapshotValue.objects.filter(snapshot=snapshot, level=SnapshotLevel.CASEWORKER, measure__in=measures).values(
            "unit_key", "measure", "numerator", "denominator", "value"
        )
    )
    units = {str(pk): unit for pk, unit in get_user_model().objects.exclude(unit="").values_list("pk", "unit")}
    by_worker = {(v["unit_key"], v["measure"]): v["value"] for v in values}
    sums: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for v in values:
        unit = units.get(v["unit_key"])
        if unit:
            sums[(unit, v["measure"])][0] += v["numerator"]
            sums[(unit, v["measure"])][1] += v["denominator"]
    rows = []
    for g in goals:
        if g.level == "caseworker":
            actual = by_worker.get((str(g.caseworker_id), g.measure))
        else:
            num, den = sums.get((g.unit, g.measure), (Decimal(0), Decimal(0)))
            actual = measure_value(g.measure, num, den)
        rows.append((g, actual))
    return rows

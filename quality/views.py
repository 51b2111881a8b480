"""Quality pages: dashboard (from snapshots), OCSE-157 (live), drill-downs, timeframes, trends,
expenditures, self-assessment reviews, improvement plans and goals."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import ListView, TemplateView

from core.charts import ChartPageMixin
from core.confirm import Confirmation, ConfirmStepMixin
from core.csv import csv_response
from core.money import money
from core.stale import carry_shown, shown_in
from core.views import FilteredListView, PermissionMixin, ServiceActionView

from . import selectors, services
from .charts import trend_chart
from .choices import Criterion, MeasureName, ReviewStatus, SampleResult, SnapshotLevel, Timeframe
from .fiscal import fiscal_year_bounds, fiscal_year_of, valid_fiscal_year
from .forms import (
    CriterionRuleForm,
    ExpenditureForm,
    GoalForm,
    PlanActionForm,
    PlanForm,
    PlanNoteForm,
    ReviewForm,
    ScoreForm,
)
from .measures import DRILLDOWNS, drilldown_cases, ocse157
from .models import (
    TRACKED_CHOICES,
    CriterionRule,
    Expenditure,
    ImprovementPlan,
    PerformanceGoal,
    PlanAction,
    Review,
    ReviewSample,
)
from .rules import DEFAULT_BANDS, TABLE_OF_MEASURE, band_floor, compliance_meets, incentive_estimate, measure_exact
from .timeframes import compliance, failing_case_ids

TRACKED_LABELS = dict(TRACKED_CHOICES)
MEASURE_DRILL = {  # measure → (numerator key, denominator key, failing key)
    MeasureName.PATERNITY: ("6", "5a", "no_paternity"),
    MeasureName.ORDERS: ("2", "1", "no_order"),
    MeasureName.CURRENT_COLLECTIONS: ("25", "24", "unpaid_current"),
    MeasureName.ARREARS_COLLECTIONS: ("29", "28", "not_paying_arrears"),
}


def _fiscal_year(request, default: int | None = None) -> int:
    raw = request.GET.get("fiscal_year")
    if not raw:
        return default or fiscal_year_of(timezone.localdate())
    try:
        return valid_fiscal_year(raw)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _as_of(request) -> date | None:
    raw = request.GET.get("as_of", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError as exc:
        raise Http404("as_of must be a date (YYYY-MM-DD).") from exc


def _top_floor(measure: str, book: selectors.RuleBook | None = None) -> Decimal:
    """The value that earns 100% (the dashboard's default target), in the legal table in force
    (``book``; the seeded table without one)."""
    bands = book.bands_for(measure) if book is not None else DEFAULT_BANDS[TABLE_OF_MEASURE[measure]]
    return min(b.floor for b in bands if b.percentage == max(x.percentage for x in bands))


def _reaches(measure: str, v, target: Decimal) -> bool:
    """Whether a snapshot value reaches ``target`` on the unrounded value, as the band is chosen
    (45 CFR 305.33; 42 USC 658a(b)(6): "At least 80%" earns 100): 79.996% is stored as 80.00 but is
    "at least 79% but less than 80%"; the ratio is truncated to cents like its band."""
    if v is None or v.value is None:
        return False
    exact = measure_exact(measure, v.numerator, v.denominator)
    return exact is not None and band_floor(measure, exact) >= target


def _unit_case_filter(request) -> tuple[Q | None, str]:
    county = request.GET.get("county", "").strip()[:60].replace("\x00", "")
    worker = request.GET.get("caseworker", "").strip()
    if county:
        return Q(county=county), f"county {county}"
    if worker.isdigit() and len(worker) < 10:
        return Q(caseworker_id=int(worker)), "one caseworker"
    return None, ""


class DashboardView(PermissionMixin, ChartPageMixin, TemplateView):
    """Measures vs targets, incentive estimate, trends, timeframes, worst areas — from a snapshot."""

    permission_required = "quality.view_snapshot"
    template_name = "quality/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = _as_of(self.request)
        snapshot = selectors.snapshot_latest(as_of=as_of)
        context.update(snapshot=snapshot, as_of=as_of, snapshot_dates=selectors.snapshot_dates(limit=60))
        if snapshot is None:
            return context
        values = selectors.dashboard_values(snapshot=snapshot, drill_measures=list(MEASURE_DRILL))
        office = {v.measure: v for v in values if v.level == SnapshotLevel.OFFICE}
        measures = []
        book = selectors.RuleBook(on=snapshot.taken_on)
        for name, label in MeasureName.choices:
            v = office.get(name)
            drill = MEASURE_DRILL.get(name)
            target = _top_floor(name, book)
            measures.append(
                {
                    "name": name,
                    "label": label,
                    "v": v,
                    "target": target,
                    "drill": drill,
                    "met": _reaches(name, v, target),
                }
            )
        context["measures"] = measures
        context["incentive"] = incentive_estimate(
            {n: (office[n].incentive_percentage if n in office else None) for n in MeasureName.values}
        )
        context["timeframes"] = [office[f"timeframe_{c}"] for c in Timeframe.values if f"timeframe_{c}" in office]
        worst = []
        for level in (SnapshotLevel.COUNTY, SnapshotLevel.CASEWORKER):
            for name in MEASURE_DRILL:
                rows = [v for v in values if v.level == level and v.measure == name and v.value is not None][:3]
                param = "county" if level == SnapshotLevel.COUNTY else "caseworker"
                worst += [
                    {
                        "v": v,
                        "url": reverse("quality:drilldown", args=[snapshot.fiscal_year, MEASURE_DRILL[name][2]])
                        + "?"
                        + urlencode({param: v.unit_key}),
                    }
                    for v in rows
                ]
        context["worst"] = worst
        trend = selectors.monthly_trends(measures=MeasureName.values, until=snapshot.taken_on, months=12)
        labels = trend["labels"]
        context["trend_labels"] = labels
        context["trend_rows"] = [
            (MeasureName(n).label, trend["series"][n])
            for n in MeasureName.values
            if n != MeasureName.COST_EFFECTIVENESS
        ]
        return context

    def get_charts(self, context):
        if "trend_rows" not in context:  # no snapshot yet
            return []
        return [
            trend_chart(
                title="Measures by month (%)",
                labels=[str(x) for x in context["trend_labels"]],
                series={str(k): v for k, v in context["trend_rows"]},
                alt="Line chart of each performance measure by month, in percent; the table beside "
                "it holds the same figures.",
            )
        ]


class FiscalYearView(PermissionMixin, TemplateView):
    """A page of figures for one fiscal year (``?fiscal_year=``, else the current one): the year and
    its first and last days (``start``, ``end``) in the context."""

    permission_required = "quality.view_snapshot"

    @cached_property
    def fiscal_year(self) -> int:
        return _fiscal_year(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end = fiscal_year_bounds(self.fiscal_year)
        context.update(fiscal_year=self.fiscal_year, start=start, end=end)
        return context


class Ocse157View(FiscalYearView):
    """All lines and measures for a fiscal year, computed live from the current data."""

    template_name = "quality/ocse157.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = ocse157(fiscal_year=self.fiscal_year)
        context.update(
            report=report,
            drill=MEASURE_DRILL,
            line_labels=LINE_LABELS,
            incentive=incentive_estimate({m.name: m.incentive_percentage for m in report.measures}),
        )
        return context


LINE_LABELS = {
    "1": "Cases open at the end of the fiscal year",
    "2": "Open cases with a support order (incl. zero and medical-only orders)",
    "5a": "Children in the IV-D caseload at the end of the preceding year born out of wedlock",
    "6": "Children in the IV-D caseload in the year born out of wedlock with paternity established or acknowledged",
    "24": "Current support due in the year",
    "25": "Collections distributed as current support in the year",
    "28": "Cases with arrears due in the year",
    "29": "Cases paying toward arrears in the year",
}


class CaseListBase(PermissionMixin, ListView):
    """A paginated list of the cases behind a figure (restricted to the user's case scope), as CSV
    with ``?format=csv``."""

    permission_required = "quality.view_snapshot"
    template_name = "quality/case_list.html"
    paginate_by = 50
    amount_columns = False

    def case_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        from cases.models import Case

        qs = self.case_queryset()
        case_filter, self.unit_label = _unit_case_filter(self.request)
        if case_filter is not None:
            qs = qs.filter(case_filter)
        allowed = Case.objects.restrict(self.request.user, "view")
        return qs.filter(pk__in=allowed.values("pk")).select_related("caseworker").order_by("case_number")

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            header = ["case_number", "county", "caseworker", "status", "opened_on", "closed_on"]
            if self.amount_columns:
                header += ["current_due", "current_paid"]

            def rows():
                for c in self.object_list.iterator(chunk_size=2000):
                    row = [
                        c.case_number,
                        c.county,
                        c.caseworker.username if c.caseworker else "",
                        c.status,
                        c.opened_on or "",
                        c.closed_on or "",
                    ]
                    if self.amount_columns:
                        row += [money(c.current_due), money(c.current_paid)]
                    yield row

            return csv_response(f"{self.csv_name()}.csv", header, rows())
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(amount_columns=self.amount_columns, unit_label=self.unit_label)
        return context


class DrilldownView(CaseListBase):
    def case_queryset(self):
        self.fiscal_year = valid_year_or_404(self.kwargs["fiscal_year"])
        if self.kwargs["key"] not in DRILLDOWNS:
            raise Http404("Unknown figure.")
        self.amount_columns = self.kwargs["key"] in ("24", "25", "unpaid_current")
        return drilldown_cases(fiscal_year=self.fiscal_year, key=self.kwargs["key"])

    def csv_name(self):
        return f"fy{self.fiscal_year}-{self.kwargs['key']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=DRILLDOWNS[self.kwargs["key"]],
            fiscal_year=self.fiscal_year,
            back=reverse("quality:ocse157") + f"?fiscal_year={self.fiscal_year}",
        )
        return context


def valid_year_or_404(value) -> int:
    try:
        return valid_fiscal_year(value)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


class TimeframeView(FiscalYearView):
    template_name = "quality/timeframes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        results, skipped, _ = compliance(start=context["start"], end=min(context["end"], today), today=today)
        context.update(results=results, skipped=skipped)
        return context


class TimeframeCasesView(CaseListBase):
    def case_queryset(self):
        from cases.models import Case

        self.fiscal_year = _fiscal_year(self.request)
        if self.kwargs["code"] not in Timeframe.values:
            raise Http404("Unknown timeframe.")
        start, end = fiscal_year_bounds(self.fiscal_year)
        today = timezone.localdate()
        ids = failing_case_ids(code=self.kwargs["code"], start=start, end=min(end, today), today=today)
        return Case.objects.none() if ids is None else Case.objects.filter(pk__in=ids)

    def csv_name(self):
        return f"fy{self.fiscal_year}-timeframe-{self.kwargs['code']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"Cases that missed: {Timeframe(self.kwargs['code']).label}",
            fiscal_year=self.fiscal_year,
            back=reverse("quality:timeframes") + f"?fiscal_year={self.fiscal_year}",
        )
        return context


class TrendView(PermissionMixin, ChartPageMixin, TemplateView):
    permission_required = "quality.view_snapshot"
    template_name = "quality/trends.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.request.GET.get("measure", MeasureName.ORDERS)
        if measure not in TRACKED_LABELS:
            raise Http404("Unknown measure.")
        level = self.request.GET.get("level", SnapshotLevel.OFFICE)
        if level not in SnapshotLevel.values:
            raise Http404("Unknown level.")
        unit = self.request.GET.get("unit", "")[:80].replace("\x00", "") if level != SnapshotLevel.OFFICE else ""
        points = selectors.monthly_trend(
            measure=measure, level=level, unit_key=unit, months=24, until=_as_of(self.request)
        )
        labels = [p.snapshot.taken_on.strftime("%Y-%m") for p in points]
        context.update(
            measure=measure,
            measure_label=TRACKED_LABELS[measure],
            level=level,
            unit=unit,
            points=points,
            measures=TRACKED_CHOICES,
            levels=SnapshotLevel.choices,
            labels=labels,
        )
        return context

    def get_charts(self, context):
        if not context["points"]:
            return []
        label = str(context["measure_label"])
        return [
            trend_chart(
                title=label,
                labels=context["labels"],
                series={label: [p.value for p in context["points"]]},
                alt=f"Line chart of {label} by month, in percent; the table beside it holds the same figures.",
            )
        ]


# ---- expenditures --------------------------------------------------------------------------------


class ExpenditureListView(FilteredListView):
    model = Expenditure
    select_related = ("entered_by",)


class ExpenditureCreateView(ServiceActionView):
    permission_required = ("quality.add_expenditure", "quality.change_expenditure")
    template_name = "core/form_page.html"
    form_class = ExpenditureForm
    title = "Record expenditures for a fiscal year"
    success_message = "Expenditures recorded."
    success_url = reverse_lazy("quality:expenditure_list")

    def perform(self, data):
        return services.expenditure_save(by=self.request.user, **data)


# ---- self-assessment reviews ---------------------------------------------------------------------


class ReviewListView(FilteredListView):
    model = Review

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .order_by("-period_end", "-id")
            .annotate(
                sampled=Count("samples"), scored=Count("samples", filter=~Q(samples__result=SampleResult.PENDING))
            )
        )


class CriterionListView(PermissionMixin, ListView):
    """The self-assessment criteria: each criterion's checklist versions, newest first, the one in
    force today marked; quality analysts write a new version (``CriterionReviseView``)."""

    permission_required = "quality.view_criterionrule"
    template_name = "quality/criterion_list.html"

    def get_queryset(self):
        return CriterionRule.objects.restrict(self.request.user).order_by("criterion", "-effective_from")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        in_force = {rule.pk for rule in selectors.criterion_rules(on=today).values()}
        latest = {}  # criterion → its newest version's pk (the list is newest first)
        for rule in context["object_list"]:
            latest.setdefault(rule.criterion, rule.pk)
        context.update(today=today, in_force=in_force, latest=set(latest.values()))
        return context


class CriterionReviseView(ServiceActionView):
    """A new dated version of a criterion's checklist, from its latest version (whichever the URL
    names); never an edit of a version a review was scored against (``criterion_rule_revise``)."""

    permission_required = "quality.add_criterionrule"
    model = CriterionRule
    scope_action = "add"
    form_class = CriterionRuleForm
    template_name = "quality/criterion_revise.html"
    success_url = reverse_lazy("quality:criterion_list")

    def get_object(self):
        rule = super().get_object()
        return CriterionRule.objects.filter(criterion=rule.criterion).order_by("-effective_from").first()

    def get_initial(self):
        rule = self.object
        return {
            "checklist": "\n".join(rule.checklist),
            "citation": rule.citation,
            "needs_confirmation": rule.needs_confirmation,
        }

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), values={"latest": self.object.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"New version: {self.object.get_criterion_display()}", **kwargs)

    def perform(self, data):
        return services.criterion_rule_revise(
            rule=self.object,
            effective_from=data["effective_from"],
            checklist=services.criterion_checklist_parse(data["checklist"]),
            citation=data["citation"],
            needs_confirmation=data["needs_confirmation"],
            reason=data["reason"],
            by=self.request.user,
            shown=shown_in(data),
        )

    def get_success_message(self, rule):
        return f"Saved: {rule}."


class ReviewCreateView(ServiceActionView):
    permission_required = "quality.add_review"
    template_name = "core/form_page.html"
    form_class = ReviewForm
    title = "New self-assessment review"

    def get_initial(self):
        return {"seed": int(timezone.now().timestamp()) % 100000}

    def perform(self, data):
        return services.review_create(by=self.request.user, **data)


def review_summary(review: Review) -> list[dict]:
    """Per criterion: benchmark, counts, compliance % and the failing samples (2 queries)."""
    rules = selectors.criterion_rules(on=review.period_end)
    samples = list(review.samples.select_related("case", "scored_by").order_by("criterion", "case__case_number"))
    rows = []
    for code, label in Criterion.choices:
        mine = [s for s in samples if s.criterion == code]
        passed = sum(1 for s in mine if s.result == SampleResult.PASS)
        failed = [s for s in mine if s.result == SampleResult.FAIL]
        judged = passed + len(failed)
        rate = (Decimal(passed) * 100 / judged).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if judged else None
        rule = rules.get(code)
        benchmark = rule.benchmark if rule else None
        rows.append(
            {
                "code": code,
                "label": label,
                "samples": mine,
                "passed": passed,
                "failed": failed,
                "pending": sum(1 for s in mine if s.result == SampleResult.PENDING),
                "rate": rate,
                "benchmark": benchmark,
                "rule": rule,
                "meets": compliance_meets(passed=passed, judged=judged, benchmark=benchmark),
            }
        )
    return rows


class ReviewDetailView(PermissionMixin, TemplateView):
    permission_required = "quality.view_review"
    template_name = "quality/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = Review.objects.get_for(self.request.user, pk=self.kwargs["pk"])
        criteria = review_summary(review)
        # Each sampled case links to its page only where the user may see the case (issue 14.4);
        # otherwise its number is shown without a link. One query for the whole sample.
        samples = [s for c in criteria for s in c["samples"]]
        visible = selectors.cases_visible_to(self.request.user, [s.case_id for s in samples])
        for sample in samples:
            sample.case_url = (
                reverse("cases:case_detail", args=[sample.case.case_number]) if sample.case_id in visible else ""
            )
        context.update(review=review, criteria=criteria)
        return context


class ReviewSampleDrawView(ServiceActionView):
    permission_required = "quality.change_review"
    model = Review
    scope_action = "change"
    post_only = True

    def perform(self, data):
        return services.review_draw_sample(review=self.object, by=self.request.user)

    def get_success_message(self, count):
        return f"{count} cases drawn with seed {self.object.seed}."


class ReviewCompleteView(ReviewSampleDrawView):
    success_message = "Review completed."

    def perform(self, data):
        services.review_complete(review=self.object, by=self.request.user)

    def get_success_message(self, result):
        return self.success_message


# The case closure checklist's question the data answers (quality.rules DEFAULT_CRITERIA).
PRE_CLOSURE_NOTICE = "pre-closure notice"


class SampleScoreView(ServiceActionView):
    permission_required = "quality.change_reviewsample"
    template_name = "quality/sample_score.html"
    form_class = ScoreForm
    model = ReviewSample
    context_object_name = "sample"

    def get_object_queryset(self):
        return ReviewSample.objects.select_related("review", "case")

    @property
    def sample(self) -> ReviewSample:
        return self.object

    @property
    def frozen(self) -> bool:
        """A completed review's scores are frozen (``services.sample_score`` refuses them): the page
        shows the score read-only, with no button."""
        return self.sample.review.status == ReviewStatus.COMPLETED

    @cached_property
    def rule(self):
        return selectors.criterion_rules(on=self.sample.review.period_end).get(self.sample.criterion)

    @property
    def checklist(self) -> list[str]:
        return list(self.rule.checklist) if self.rule else []

    @cached_property
    def closure_evidence(self):
        """Case closure: what the case record says about the pre-closure notice (45 CFR 303.11(d))."""
        if self.sample.criterion != Criterion.CASE_CLOSURE:
            return None
        from cases.selectors import closure_notice_evidence

        return closure_notice_evidence(case=self.sample.case)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["checklist"] = self.checklist
        evidence = self.closure_evidence
        if self.sample.result == SampleResult.PENDING and evidence is not None and evidence.met:
            # The record answers the notice question: ticked for the reviewer, who may still untick it.
            kwargs["initial"] = {f"q{i}": True for i, q in enumerate(self.checklist) if PRE_CLOSURE_NOTICE in q.lower()}
        if self.sample.result != SampleResult.PENDING:
            kwargs["initial"] = {
                "result": self.sample.result,
                "notes": self.sample.notes,
                **{f"q{i}": self.sample.answers.get(q, False) for i, q in enumerate(self.checklist)},
            }
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.frozen:
            for field in form.fields.values():
                field.disabled = True
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rule=self.rule, closure_evidence=self.closure_evidence, frozen=self.frozen, **kwargs
        )

    def perform(self, data):
        services.sample_score(
            sample=self.sample,
            answers=self.form.answers(),
            result=data["result"],
            notes=data["notes"],
            by=self.request.user,
        )

    def get_success_message(self, result):
        return f"{self.sample.case.case_number} scored."

    def get_success_url(self):
        nxt = selectors.review_next_pending_sample(review=self.sample.review)
        return (
            reverse("quality:sample_score", kwargs={"pk": nxt})
            if nxt
            else reverse("quality:review_detail", kwargs={"pk": self.sample.review_id})
        )


class ReviewExportView(PermissionMixin, View):
    permission_required = "quality.view_review"

    def get(self, request, pk):
        review = Review.objects.get_for(request.user, pk=pk)
        summary = review_summary(review)

        def rows():
            for crit in summary:
                for s in crit["samples"]:
                    yield [
                        crit["label"],
                        crit["benchmark"],
                        crit["rate"] if crit["rate"] is not None else "",
                        s.case.case_number,
                        s.stratum,
                        s.get_result_display(),
                        "; ".join(f"{q}: {'yes' if a else 'no'}" for q, a in s.answers.items()),
                        s.notes,
                        s.scored_by.username if s.scored_by else "",
                        s.scored_at or "",
                    ]

        header = [
            "criterion",
            "benchmark_pct",
            "compliance_pct",
            "case_number",
            "stratum",
            "result",
            "answers",
            "notes",
            "scored_by",
            "scored_at",
        ]
        return csv_response(f"review-{review.pk}.csv", header, rows())


# ---- improvement plans ---------------------------------------------------------------------------


class PlanListView(FilteredListView):
    model = ImprovementPlan
    template_name = "quality/plan_list.html"

    def get_base_queryset(self):
        today = timezone.localdate()
        scope = super().get_base_queryset()
        if self.request.GET.get("overdue") == "on":  # the home card "Plans with overdue actions"
            scope = selectors.plans_with_overdue_actions(user=self.request.user, today=today)
        return (
            selectors.plan_list()
            .filter(pk__in=scope)
            .annotate(overdue=Count("actions", filter=Q(actions__completed_on__isnull=True, actions__due_on__lt=today)))
            .order_by("status", "target_on", "id")
        )


class PlanCreateView(ServiceActionView):
    permission_required = "quality.add_improvementplan"
    template_name = "core/form_page.html"
    form_class = PlanForm
    title = "New improvement plan"

    def get_initial(self):
        return {"topic": self.request.GET.get("topic", "")[:40]}

    def perform(self, data):
        return services.plan_create(by=self.request.user, **data)


class PlanDetailView(PermissionMixin, ChartPageMixin, TemplateView):
    permission_required = "quality.view_improvementplan"
    template_name = "quality/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = ImprovementPlan.objects.select_related("owner").get_for(self.request.user, pk=self.kwargs["pk"])
        today = timezone.localdate()
        actions = list(plan.actions.select_related("owner"))
        points = []
        if plan.topic in TRACKED_LABELS:
            points = selectors.monthly_trend(measure=plan.topic, months=24)
        context.update(
            plan=plan,
            actions=actions,
            notes=list(plan.notes.select_related("author")),
            overdue=[a for a in actions if a.is_overdue(today)],
            today=today,
            points=points,
            action_form=PlanActionForm(),
            note_form=PlanNoteForm(),
        )
        return context

    def get_charts(self, context):
        plan, points = context["plan"], context["points"]
        if not points:
            return []
        return [
            trend_chart(
                title=plan.get_topic_display(),
                labels=[p.snapshot.taken_on.strftime("%Y-%m") for p in points],
                series={"Actual": [p.value for p in points], "Target": [plan.target for _ in points]},
                alt="Line chart of the measure by month against the plan's target, in percent; the table "
                "below holds the same figures.",
            )
        ]


class PlanActionAddView(ServiceActionView):
    permission_required = "quality.add_planaction"
    model = ImprovementPlan
    form_class = PlanActionForm
    post_only = True
    error_prefix = "The action was not added: "
    success_message = "Action added."

    def perform(self, data):
        services.plan_action_add(plan=self.object, by=self.request.user, **data)


class PlanActionCompleteView(ServiceActionView):
    permission_required = "quality.change_planaction"
    model = PlanAction
    scope_action = "change"
    post_only = True
    success_message = "Action marked done."

    def perform(self, data):
        services.plan_action_complete(action=self.object, completed_on=timezone.localdate(), by=self.request.user)

    def get_success_url(self):
        return reverse("quality:plan_detail", kwargs={"pk": self.object.plan_id})


class PlanNoteAddView(ServiceActionView):
    permission_required = "quality.add_plannote"
    model = ImprovementPlan
    post_only = True
    form_class = PlanNoteForm
    error_prefix = "The note was not added: "
    success_message = "Note added."

    def perform(self, data):
        services.plan_note_add(plan=self.object, text=data["text"], by=self.request.user)


class PlanCloseView(ConfirmStepMixin, ServiceActionView):
    """Close an improvement plan from its page (14.4), after a confirmation (14.5)."""

    permission_required = "quality.change_improvementplan"
    model = ImprovementPlan
    post_only = True
    success_message = "Plan closed."

    def get_confirmation(self, request, pk) -> Confirmation:
        plan = self.object
        return Confirmation(
            title=f"Close the improvement plan “{plan.title}”?",
            consequences=[
                "The plan leaves the list of open plans; its actions and notes stay.",
                "It is then frozen: no action or note can be added, and no open action marked done.",
            ],
            button="Yes, close the plan",
            danger=False,
            cancel_url=reverse("quality:plan_detail", kwargs={"pk": pk}),
        )

    def perform(self, data):
        services.plan_close(plan=self.object, by=self.request.user)


# ---- goals ---------------------------------------------------------------------------------------


class GoalListView(FilteredListView):
    model = PerformanceGoal
    template_name = "quality/goal_list.html"
    paginate_by = 50
    select_related = ("caseworker",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goals = list(context["object_list"])
        context["rows"] = selectors.goal_actuals(goals=goals, snapshot=selectors.snapshot_latest())
        return context


class GoalCreateView(ServiceActionView):
    permission_required = "quality.add_performancegoal"
    template_name = "core/form_page.html"
    form_class = GoalForm
    title = "New performance goal"
    success_url = reverse_lazy("quality:goal_list")

    def perform(self, data):
        data = dict(data)
        if data["level"] == "unit":
            data["caseworker"] = None
        else:
            data["unit"] = ""
        services.goal_create(by=self.request.user, **data)

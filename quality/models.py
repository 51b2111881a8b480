"""Quality models: the legal tables as dated rows, expenditures, measure snapshots,
self-assessment reviews, improvement plans and performance goals.

Quality data belongs to the whole office: every row is visible to whoever holds the model's view
permission (``scope_filter`` returns None); the case lists behind a figure are read through
``Case.objects.restrict`` so a reviewer only ever sees cases in scope.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import AuditedModel, DetailUrlMixin, OfficeWide, RestrictedQuerySet, staff_reference

from .choices import (
    Criterion,
    GoalLevel,
    MeasureName,
    PlanStatus,
    ReviewStatus,
    SampleResult,
    SnapshotLevel,
    Timeframe,
)
from .fiscal import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

FISCAL_YEAR_VALIDATORS = [MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)]

# Keys of values stored in snapshots and tracked by plans/goals: the five measures and the timeframes.
TRACKED_CHOICES = [
    *MeasureName.choices,
    *[(f"timeframe_{v}", f"Timeframe: {label}") for v, label in Timeframe.choices],
]
PLAN_TOPIC_CHOICES = [
    *TRACKED_CHOICES,
    *[(f"criterion_{v}", f"Self-assessment: {label}") for v, label in Criterion.choices],
]


class IncentiveTable(models.TextChoices):
    ESTABLISHMENT = "establishment", "Table 1: paternity and support orders"
    COLLECTIONS = "collections", "Table 2: current and arrears collections"
    COST_EFFECTIVENESS = "cost_effectiveness", "Table 3: cost-effectiveness"


class CriterionRule(OfficeWide, AuditedModel):
    """A self-assessment criterion's checklist (the questions a reviewer answers), dated. Its
    benchmark (45 CFR 308.2) is a legal number: the row ``us.self_assessment.<criterion>.benchmark``,
    set on the instance by ``quality.selectors.criterion_rules``."""

    benchmark: Decimal | None = None
    benchmark_citation = ""
    benchmark_confirm = False

    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    effective_from = models.DateField()
    checklist = models.JSONField(default=list, help_text="Questions a reviewer answers for each sampled case.")
    citation = models.CharField(max_length=200)
    needs_confirmation = models.BooleanField(default=False)

    class Meta:
        ordering = ["criterion", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["criterion", "effective_from"], name="quality_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} from {self.effective_from}"


class Expenditure(OfficeWide, AuditedModel):
    """Total IV-D expenditures of a fiscal year, entered by staff (cost-effectiveness denominator)."""

    fiscal_year = models.PositiveIntegerField(unique=True, validators=FISCAL_YEAR_VALIDATORS)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(max_length=200, blank=True, help_text="Where the figure comes from (e.g. OCSE-396).")
    entered_by = staff_reference()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="quality_expenditure_positive")]

    def __str__(self) -> str:
        return f"FY {self.fiscal_year}: {self.amount}"


class Snapshot(OfficeWide, models.Model):
    """One nightly run of the measures (one per date: a re-run replaces that date's values).
    Derived data: no field history (the run row records when and what was written)."""

    taken_on = models.DateField(unique=True)
    fiscal_year = models.PositiveIntegerField(validators=FISCAL_YEAR_VALIDATORS)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    value_count = models.PositiveIntegerField(default=0)
    lines = models.JSONField(default=dict, blank=True, help_text="Office OCSE-157 lines.")
    errors = models.JSONField(default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on"]
        get_latest_by = "taken_on"

    def __str__(self) -> str:
        return f"Snapshot {self.taken_on}"


class SnapshotValue(OfficeWide, models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="values")
    level = models.CharField(max_length=12, choices=SnapshotLevel.choices)
    unit_key = models.CharField(max_length=80, blank=True, help_text="County name or caseworker id; blank for office.")
    unit_label = models.CharField(max_length=200, blank=True)
    measure = models.CharField(max_length=40, choices=TRACKED_CHOICES)
    numerator = models.DecimalField(max_digits=16, decimal_places=2)
    denominator = models.DecimalField(max_digits=16, decimal_places=2)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    incentive_percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["level", "unit_label", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "level", "unit_key", "measure"], name="quality_snapshot_value_unique"
            )
        ]
        indexes = [models.Index(fields=["level", "unit_key", "measure"])]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.level} {self.unit_label} {self.measure} {self.value}"


class Review(DetailUrlMixin, OfficeWide, AuditedModel):
    """A self-assessment review of a period (45 CFR 308): a seeded sample per criterion."""

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    sample_size = models.PositiveIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(500)], help_text="Cases drawn per criterion."
    )
    seed = models.PositiveIntegerField(help_text="Random seed: the same seed always draws the same sample.")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    created_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    sampled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="quality_review_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReviewSample(OfficeWide, AuditedModel):
    """One sampled case under one criterion, scored by a reviewer against the checklist."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="samples")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=80, blank=True)
    result = models.CharField(max_length=10, choices=SampleResult.choices, default=SampleResult.PENDING)
    answers = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    scored_by = staff_reference()
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "criterion", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion", "case"], name="quality_sample_unique")]
        indexes = [models.Index(fields=["review", "criterion", "result"])]

    def __str__(self) -> str:
        return f"{self.review_id} {self.criterion} case {self.case_id}: {self.result}"


class ImprovementPlan(OfficeWide, AuditedModel):
    """A plan to close a gap on a measure, timeframe or self-assessment criterion."""

    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=40, choices=PLAN_TOPIC_CHOICES)
    baseline = models.DecimalField(max_digits=10, decimal_places=2)
    target = models.DecimalField(max_digits=10, decimal_places=2)
    target_on = models.DateField()
    owner = staff_reference()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "target_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quality:plan_detail", kwargs={"pk": self.pk})


class PlanAction(OfficeWide, AuditedModel):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today=None) -> bool:
        return self.completed_on is None and self.due_on < (today or timezone.localdate())


class PlanNote(OfficeWide, AuditedModel):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class PerformanceGoal(OfficeWide, AuditedModel):
    """An expectation for a unit or a caseworker on a tracked measure in a fiscal year."""

    level = models.CharField(max_length=12, choices=GoalLevel.choices)
    unit = models.CharField(max_length=80, blank=True)
    caseworker = staff_reference()
    measure = models.CharField(max_length=40, choices=TRACKED_CHOICES)
    fiscal_year = models.PositiveIntegerField(validators=FISCAL_YEAR_VALIDATORS)
    target = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        ordering = ["-fiscal_year", "level", "unit", "measure"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="unit") & ~Q(unit="") & Q(caseworker__isnull=True))
                | (Q(level="caseworker") & Q(caseworker__isnull=False)),
                name="quality_goal_level_subject",
            ),
            models.UniqueConstraint(
                fields=["level", "unit", "caseworker", "measure", "fiscal_year"], name="quality_goal_unique"
            ),
        ]

    def __str__(self) -> str:
        who = self.unit if self.level == GoalLevel.UNIT else str(self.caseworker)
        return f"{who}: {self.get_measure_display()} {self.target} (FY {self.fiscal_year})"

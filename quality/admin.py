"""Quality admin: the legal tables are editable here (dated rows), everything keeps its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import FrozenRowMixin, ReadOnlyAdmin

from .models import (
    CriterionRule,
    Expenditure,
    ImprovementPlan,
    PerformanceGoal,
    PlanAction,
    PlanNote,
    Review,
    ReviewSample,
    Snapshot,
    SnapshotValue,
)
from .selectors import criterion_rule_scored_against, plan_frozen, review_frozen


@admin.register(CriterionRule)
class CriterionRuleAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    """A version a review was scored against is never edited in place (``criterion_rule_revise``
    writes a new one)."""

    list_display = ("criterion", "effective_from", "citation", "needs_confirmation")
    list_filter = ("criterion", "needs_confirmation")
    search_fields = ("citation",)

    def frozen(self, obj):
        return criterion_rule_scored_against(obj)


@admin.register(Expenditure)
class ExpenditureAdmin(SimpleHistoryAdmin):
    list_display = ("fiscal_year", "amount", "source", "entered_by", "updated_at")
    search_fields = ("source",)
    list_filter = ("fiscal_year",)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("taken_on", "fiscal_year", "started_at", "finished_at", "value_count")
    list_filter = ("fiscal_year",)
    search_fields = ("taken_on",)


@admin.register(SnapshotValue)
class SnapshotValueAdmin(ReadOnlyAdmin):
    """Derived by the nightly measures run: visible, never edited."""

    list_display = ("snapshot", "level", "unit_label", "measure", "numerator", "denominator", "value")
    list_filter = ("level", "measure")
    search_fields = ("unit_label", "unit_key")
    list_select_related = ("snapshot",)


@admin.register(Review)
class ReviewAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    """A completed review (and its samples) is read-only: its rates were reported."""

    list_display = ("title", "period_start", "period_end", "sample_size", "seed", "status")
    list_filter = ("status",)
    search_fields = ("title",)

    def frozen(self, obj):
        return review_frozen(obj.pk)


@admin.register(ReviewSample)
class ReviewSampleAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    list_display = ("review", "criterion", "case", "stratum", "result", "scored_by", "scored_at")
    list_filter = ("criterion", "result")
    search_fields = ("case__case_number", "review__title")
    raw_id_fields = ("case",)
    list_select_related = ("review", "case", "scored_by")

    def frozen(self, obj):
        return review_frozen(obj.review_id)


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    """A closed plan (its actions and notes) is read-only: its record is its outcome."""

    list_display = ("title", "topic", "baseline", "target", "target_on", "owner", "status")
    list_filter = ("status", "topic")
    search_fields = ("title",)

    def frozen(self, obj):
        return plan_frozen(obj.pk)


@admin.register(PlanAction)
class PlanActionAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    list_display = ("description", "plan", "owner", "due_on", "completed_on")
    list_filter = ("completed_on",)
    search_fields = ("description", "plan__title")

    def frozen(self, obj):
        return plan_frozen(obj.plan_id)


@admin.register(PlanNote)
class PlanNoteAdmin(FrozenRowMixin, SimpleHistoryAdmin):
    list_display = ("plan", "author", "created_at")
    search_fields = ("text", "plan__title")
    list_filter = ("created_at",)

    def frozen(self, obj):
        return plan_frozen(obj.plan_id)


@admin.register(PerformanceGoal)
class PerformanceGoalAdmin(SimpleHistoryAdmin):
    list_display = ("level", "unit", "caseworker", "measure", "fiscal_year", "target")
    list_filter = ("level", "measure", "fiscal_year")
    search_fields = ("unit", "caseworker__username")

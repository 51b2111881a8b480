"""Quality admin: the legal tables are editable here (dated rows), everything keeps its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

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


@admin.register(CriterionRule)
class CriterionRuleAdmin(SimpleHistoryAdmin):
    list_display = ("criterion", "effective_from", "citation", "needs_confirmation")
    list_filter = ("criterion", "needs_confirmation")
    search_fields = ("citation",)


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
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ("title", "period_start", "period_end", "sample_size", "seed", "status")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(ReviewSample)
class ReviewSampleAdmin(SimpleHistoryAdmin):
    list_display = ("review", "criterion", "case", "stratum", "result", "scored_by", "scored_at")
    list_filter = ("criterion", "result")
    search_fields = ("case__case_number", "review__title")
    raw_id_fields = ("case",)
    list_select_related = ("review", "case", "scored_by")


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "topic", "baseline", "target", "target_on", "owner", "status")
    list_filter = ("status", "topic")
    search_fields = ("title",)


@admin.register(PlanAction)
class PlanActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "plan", "owner", "due_on", "completed_on")
    list_filter = ("completed_on",)
    search_fields = ("description", "plan__title")


@admin.register(PlanNote)
class PlanNoteAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "author", "created_at")
    search_fields = ("text", "plan__title")
    list_filter = ("created_at",)


@admin.register(PerformanceGoal)
class PerformanceGoalAdmin(SimpleHistoryAdmin):
    list_display = ("level", "unit", "caseworker", "measure", "fiscal_year", "target")
    list_filter = ("level", "measure", "fiscal_year")
    search_fields = ("unit", "caseworker__username")

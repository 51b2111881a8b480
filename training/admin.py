"""Training admin registrations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LabelledTabularInline, ReadOnlyAdmin

from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    NeedsRating,
    NeedsResponse,
    NeedsSurvey,
    NeedsTopic,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
    ReminderRun,
    SessionEvaluation,
    TrainingReminder,
    TrainingSession,
)


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "level", "requirement", "recurrence_months", "is_fti_awareness", "is_active")
    list_filter = ("level", "requirement", "is_fti_awareness", "is_active", "has_test")
    search_fields = ("code", "title", "policy_references")


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ("course", "starts_at", "trainer", "capacity", "location", "status")
    list_filter = ("status", "course")
    search_fields = ("course__title", "location", "trainer__username")
    date_hierarchy = "starts_at"
    raw_id_fields = ("trainer",)


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ("session", "user", "status", "attended", "pre_score", "post_score", "result")
    list_filter = ("status", "result", "attended")
    search_fields = ("user__username", "user__last_name", "session__course__title")
    raw_id_fields = ("session", "user")


@admin.register(CourseCompletion)
class CourseCompletionAdmin(SimpleHistoryAdmin):
    list_display = ("user", "course", "completed_on", "source", "score", "certificate_number")
    list_filter = ("course", "source")
    search_fields = ("user__username", "user__last_name", "course__title", "certificate_number")
    date_hierarchy = "completed_on"
    raw_id_fields = ("user", "enrolment", "recorded_by")


@admin.register(SessionEvaluation)
class SessionEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("enrolment", "content_rating", "trainer_rating", "relevance_rating", "created_at")
    list_filter = ("content_rating", "trainer_rating")
    search_fields = ("comments", "enrolment__user__username")
    raw_id_fields = ("enrolment",)


class NeedsTopicInline(LabelledTabularInline):
    model = NeedsTopic
    extra = 1


@admin.register(NeedsSurvey)
class NeedsSurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "opens_on", "closes_on")
    search_fields = ("title",)
    inlines = [NeedsTopicInline]


@admin.register(NeedsResponse)
class NeedsResponseAdmin(SimpleHistoryAdmin):
    list_display = ("survey", "respondent", "created_at")
    list_filter = ("survey",)
    search_fields = ("respondent__username", "comments")


@admin.register(NeedsRating)
class NeedsRatingAdmin(SimpleHistoryAdmin):
    list_display = ("response", "topic", "priority")
    list_filter = ("priority",)
    search_fields = ("topic__title",)


@admin.register(NeedsTopic)
class NeedsTopicAdmin(SimpleHistoryAdmin):
    list_display = ("title", "survey", "course")
    list_filter = ("survey",)
    search_fields = ("title",)


@admin.register(TrainingReminder)
class TrainingReminderAdmin(ReadOnlyAdmin):
    list_display = ("user", "course", "status", "due_on", "created_at", "emailed_at", "read_at")
    list_filter = ("status", "course")
    search_fields = ("user__username",)


@admin.register(ReminderRun)
class ReminderRunAdmin(ReadOnlyAdmin):
    list_display = ("run_on", "started_at", "finished_at", "rows_checked", "reminders_created", "emails_sent")
    list_filter = ("run_on",)
    search_fields = ("run_on",)


class PolicyVersionInline(admin.StackedInline):
    model = PolicyVersion
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title")
    search_fields = ("code", "title")
    filter_horizontal = ("courses",)
    inlines = [PolicyVersionInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    list_display = ("document", "version", "effective_on", "requires_acknowledgement")
    list_filter = ("requires_acknowledgement", "document")
    search_fields = ("document__title", "version", "citations")


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("version", "user", "acknowledged_at")
    list_filter = ("version__document",)
    search_fields = ("user__username",)

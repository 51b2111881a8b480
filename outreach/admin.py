"""Outreach admin registrations (change history through django-simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from . import models


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(models.Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "email", "wants_announcements", "is_active"]
    list_filter = ["wants_announcements", "is_active"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(models.ContactLog)
class ContactLogAdmin(SimpleHistoryAdmin):
    list_display = ["occurred_on", "organisation", "channel", "recorded_by"]
    list_filter = ["channel"]
    search_fields = ["organisation__name", "summary"]
    list_select_related = ["organisation", "recorded_by"]


@admin.register(models.MediaContact)
class MediaContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "outlet", "email", "wants_announcements", "is_active"]
    list_filter = ["wants_announcements", "is_active"]
    search_fields = ["name", "outlet", "email"]


@admin.register(models.Material)
class MaterialAdmin(SimpleHistoryAdmin):
    list_display = ["title", "language", "audience", "version", "stock", "is_current"]
    list_filter = ["language", "audience", "is_current"]
    search_fields = ["title"]
    readonly_fields = ["stock"]  # stock moves only through distributions and restocking


@admin.register(models.MaterialDistribution)
class MaterialDistributionAdmin(SimpleHistoryAdmin):
    list_display = ["distributed_on", "material", "quantity", "location"]
    search_fields = ["material__title", "location"]
    list_select_related = ["material"]


@admin.register(models.Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "audience", "starts_at", "status"]
    list_filter = ["kind", "audience", "status", "is_online"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"


@admin.register(models.Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "event", "email", "attended", "walk_in"]
    list_filter = ["attended", "walk_in"]
    search_fields = ["name", "email", "event__title"]
    list_select_related = ["event"]


@admin.register(models.FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["description", "event", "due_on", "assigned_to", "done_at"]
    search_fields = ["description"]
    list_select_related = ["event", "assigned_to"]


@admin.register(models.Announcement)
class AnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(models.AnnouncementDelivery)
class AnnouncementDeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["announcement", "email", "recipient_kind", "status", "sent_at"]
    list_filter = ["status", "recipient_kind"]
    search_fields = ["email", "announcement__title"]
    list_select_related = ["announcement"]


@admin.register(models.MediaInquiry)
class MediaInquiryAdmin(SimpleHistoryAdmin):
    list_display = ["outlet", "reporter", "received_at", "deadline", "status", "spokesperson"]
    list_filter = ["status"]
    search_fields = ["outlet", "reporter", "question"]
    list_select_related = ["spokesperson"]


@admin.register(models.MediaReminder)
class MediaReminderAdmin(ReadOnlyAdmin):
    list_display = ["inquiry", "kind", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["inquiry__outlet"]


@admin.register(models.ReminderRun)
class ReminderRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "due_soon_count", "overdue_count"]
    search_fields = ["errors"]
    list_filter = ["finished_at"]


@admin.register(models.Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "event", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["title"]


@admin.register(models.SurveyQuestion)
class SurveyQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["survey", "position", "text", "kind", "required"]
    list_filter = ["kind"]
    search_fields = ["text"]


@admin.register(models.SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["survey", "created_at", "used_at"]
    list_filter = ["used_at"]
    search_fields = ["survey__title"]
    exclude = ["token_hash"]


@admin.register(models.SurveyInvitee)
class SurveyInviteeAdmin(ReadOnlyAdmin):
    """Only the safe fields, listed: never ``sealed_token`` (a waiting link's token, which ties the
    attendee to their answer) nor ``email_claimed_at`` (docs/outreach.md "Anonymity")."""

    list_display = ["survey", "registration", "email_status"]
    list_filter = ["email_status"]
    search_fields = ["survey__title"]
    fields = ["survey", "registration", "email_status", "email_error"]


@admin.register(models.SurveyResponse)
class SurveyResponseAdmin(SimpleHistoryAdmin):
    list_display = ["survey", "submitted_at"]
    search_fields = ["survey__title"]
    list_filter = ["submitted_at"]


@admin.register(models.SurveyAnswer)
class SurveyAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["response", "question", "rating", "yes_no"]
    search_fields = ["text"]
    list_filter = ["rating"]

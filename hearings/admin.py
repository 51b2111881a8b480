"""Hearings admin registrations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin import ContactCopyAdminMixin
from core.admin import LabelledTabularInline, ReadOnlyAdmin

from .models import ComplianceAction, Hearing, HearingLetter, HearingRequest


class HearingInline(LabelledTabularInline):
    model = Hearing
    extra = 0
    raw_id_fields = ["officer", "scheduled_by"]


class ComplianceActionInline(LabelledTabularInline):
    model = ComplianceAction
    extra = 0
    raw_id_fields = ["assigned_to"]


@admin.register(HearingRequest)
class HearingRequestAdmin(ContactCopyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "status",
        "issue",
        "requested_on",
        "filing_deadline",
        "is_late",
        "in_jurisdiction",
        "outcome",
    ]
    list_filter = ["status", "issue", "is_late", "in_jurisdiction", "outcome", "jurisdiction"]
    search_fields = ["number", "requester_name", "complaint__number"]
    raw_id_fields = ["complaint", "case", "good_cause_decided_by", "decided_by", "created_by", "reopened_from"]
    readonly_fields = ["number"]
    inlines = [HearingInline, ComplianceActionInline]

    def contact_person(self, obj):
        return obj.complaint.complainant_person if obj.complaint_id else None


@admin.register(Hearing)
class HearingAdmin(SimpleHistoryAdmin):
    list_display = ["request", "starts_at", "officer", "mode", "status", "beyond_target"]
    list_filter = ["status", "mode", "beyond_target"]
    search_fields = ["request__number", "location"]
    raw_id_fields = ["request", "officer", "scheduled_by"]


@admin.register(ComplianceAction)
class ComplianceActionAdmin(SimpleHistoryAdmin):
    list_display = ["request", "description", "due_on", "status", "done_on"]
    list_filter = ["status"]
    search_fields = ["request__number", "description"]


@admin.register(HearingLetter)
class HearingLetterAdmin(ReadOnlyAdmin):
    """Letters sent (notices of hearing, decisions): written once by the services, read-only here."""

    list_display = ["request", "kind", "party", "addressee", "issued_on"]
    list_filter = ["kind", "party"]
    search_fields = ["request__number", "addressee"]

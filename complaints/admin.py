"""Complaints admin registrations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin import ContactCopyAdminMixin
from core.admin import LabelledTabularInline, ReadOnlyAdmin

from .models import Communication, Complaint, Notice, Referral, ReminderRun


class CommunicationInline(LabelledTabularInline):
    model = Communication
    extra = 0


class ReferralInline(LabelledTabularInline):
    model = Referral
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(ContactCopyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "status",
        "category",
        "received_on",
        "due_on",
        "investigator",
        "unknown_case",
        "past_known_limit",
    ]
    list_filter = ["status", "category", "channel", "jurisdiction", "unknown_case", "past_known_limit"]
    search_fields = ["number", "complainant_name", "case_number_received"]
    raw_id_fields = ["case", "complainant_person", "investigator", "extended_by", "resolved_by", "filed_by"]
    readonly_fields = ["number"]
    inlines = [CommunicationInline, ReferralInline]

    def contact_person(self, obj):
        return obj.complainant_person


@admin.register(Communication)
class CommunicationAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "occurred_on", "direction", "party", "channel"]
    list_filter = ["direction", "party", "channel"]
    search_fields = ["complaint__number", "party_name", "summary"]


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "target_kind", "target_name", "forward_by", "forwarded_on", "status"]
    list_filter = ["status", "target_kind", "forwarded_late"]
    search_fields = ["complaint__number", "target_name"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "message", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["message", "user__username"]


@admin.register(ReminderRun)
class ReminderRunAdmin(ReadOnlyAdmin):
    list_display = ["run_on", "started_at", "finished_at", "due_soon", "overdue", "referrals", "emails_sent"]

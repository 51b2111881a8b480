"""Admin of payment files, disbursement files, bank accounts, statements and exceptions
(imported by admin.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.access import can_view_fti
from cases.admin import FtiAdminMixin
from core.admin import HistoryReadOnlyAdmin, ReadOnlyAdmin

from .models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    DisbursementExport,
    DisbursementExportEntry,
    DisbursementReturn,
    NachaReturnFile,
    OffsetCertification,
    OffsetCollection,
    PartnerFile,
    PayeeAccount,
    PaymentFile,
    ReconciliationException,
)
from .services.partner_files import PARTNER_FILE_FTI_FIELDS, partner_file_carries_fti, partner_file_report_shown


@admin.register(PaymentFile)
class PaymentFileAdmin(HistoryReadOnlyAdmin):
    list_display = (
        "name",
        "status",
        "via",
        "employer_name",
        "entries",
        "posted",
        "held",
        "duplicates",
        "late",
        "created_at",
    )
    list_filter = ("status", "via")
    search_fields = ("name", "reference", "sha256", "employer_name")
    exclude = ("content",)


@admin.register(DisbursementExport)
class DisbursementExportAdmin(HistoryReadOnlyAdmin):
    list_display = ("reference", "export_date", "entry_count", "total_credit", "entry_hash")
    list_filter = ("export_date",)
    search_fields = ("reference",)
    exclude = ("content",)


@admin.register(DisbursementExportEntry)
class DisbursementExportEntryAdmin(HistoryReadOnlyAdmin):
    list_display = ("trace_number", "export", "disbursement", "amount")
    search_fields = ("trace_number", "export__reference")
    raw_id_fields = ("export", "disbursement", "payee_account")


@admin.register(NachaReturnFile)
class NachaReturnFileAdmin(HistoryReadOnlyAdmin):
    list_display = ("name", "status", "via", "returns", "notifications", "duplicates", "unmatched", "created_at")
    list_filter = ("status", "via")
    search_fields = ("name", "sha256")
    exclude = ("content",)


@admin.register(DisbursementReturn)
class DisbursementReturnAdmin(HistoryReadOnlyAdmin):
    list_display = ("received_on", "kind", "code", "reason", "amount", "outcome", "disbursement")
    list_filter = ("kind", "outcome", "code")
    raw_id_fields = ("return_file", "export_entry", "disbursement", "work_item")


@admin.register(BankStatement)
class BankStatementAdmin(HistoryReadOnlyAdmin):
    list_display = ("name", "status", "as_of_date", "transactions_count", "matched", "partial", "unmatched")
    list_filter = ("status", "via")
    search_fields = ("name", "sha256", "file_id")
    exclude = ("content",)


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "as_of_date",
        "account",
        "type_code",
        "direction",
        "amount",
        "customer_reference",
        "match_status",
        "book_reference",
    )
    list_filter = ("match_status", "direction", "account")
    search_fields = ("customer_reference", "bank_reference", "book_reference")


@admin.register(BankAccount)
class BankAccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "account_number", "routing_number", "purpose", "active")
    list_filter = ("purpose", "active")
    search_fields = ("name", "account_number")


@admin.register(PayeeAccount)
class PayeeAccountAdmin(SimpleHistoryAdmin):
    list_display = ("person", "routing_number", "account_type", "active", "created_at")
    list_filter = ("account_type", "active")
    search_fields = ("person__last_name", "routing_number")
    raw_id_fields = ("person",)


@admin.register(ReconciliationException)
class ReconciliationExceptionAdmin(SimpleHistoryAdmin):
    list_display = ("opened_on", "kind", "amount", "difference", "status", "resolved_by")
    list_filter = ("status", "kind")
    search_fields = ("transaction__customer_reference", "resolution")
    readonly_fields = (
        "transaction",
        "kind",
        "amount",
        "difference",
        "opened_on",
        "status",
        "resolution",
        "resolved_by",
        "resolved_at",
    )


@admin.register(PartnerFile)
class PartnerFileAdmin(HistoryReadOnlyAdmin):
    """Partner files are written by the import and export services only (the content, which holds
    SSNs and FTI, is downloaded from the file's page, where each download is logged)."""

    list_display = ("kind", "direction", "name", "status", "record_count", "control_number", "county", "created_at")
    list_filter = ("kind", "direction", "status")
    search_fields = ("name", "sha256", "control_number")
    exclude = ("content",)

    # A file carrying FTI (IRS Publication 1075): its report (``PARTNER_FILE_FTI_FIELDS``) only to an
    # administrator cleared for FTI, each display logged; its history (whose diffs carry the report)
    # likewise. Asked once per file and request (``partner_file_report_shown`` logs).
    @staticmethod
    def _report_shown(request, obj) -> bool:
        shown = request.__dict__.setdefault("caseworks_partner_report_shown", {})
        if obj.pk not in shown:
            shown[obj.pk] = partner_file_report_shown(request=request, partner_file=obj)
        return shown[obj.pk]

    def get_exclude(self, request, obj=None):
        excluded = tuple(super().get_exclude(request, obj) or ())
        if obj is None or self._report_shown(request, obj):
            return excluded
        return excluded + tuple(f for f in PARTNER_FILE_FTI_FIELDS if f not in excluded)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and partner_file_carries_fti(obj.kind) and not can_view_fti(request.user):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)

    def render_history_view(self, request, template, context, **kwargs):
        if context.get("object") is not None:
            self._report_shown(request, context["object"])
        return super().render_history_view(request, template, context, **kwargs)


@admin.register(OffsetCertification)
class OffsetCertificationAdmin(HistoryReadOnlyAdmin):
    """What was certified to the Federal Offset Program, with its date (read-only: written by the export)."""

    list_display = ("certified_on", "case", "case_type", "transaction", "amount", "exclusions", "partner_file")
    list_filter = ("case_type", "transaction")
    date_hierarchy = "certified_on"
    exclude = ("ssn",)  # full SSNs are shown only in the permitted, logged person page


@admin.register(OffsetCollection)
class OffsetCollectionAdmin(FtiAdminMixin, HistoryReadOnlyAdmin):
    """Federal tax offset collections as imported (FTI: IRS Publication 1075; read-only, administrators
    only): every row is FTI, listed only to a user cleared for it and each display logged."""

    fti_rows = None

    list_display = ("offset_date", "case", "case_type", "transaction", "status", "joint_return", "partner_file")
    list_filter = ("status", "case_type", "joint_return")

"""Cases admin registrations (history on every model via SimpleHistoryAdmin)."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryReadOnlyAdmin, LabelledTabularInline, MoneyAdmin, ReadOnlyAdmin

from .access import can_view_fti, fti_reads_record
from .choices import FTI_SOURCES
from .models import (
    Address,
    Allocation,
    AssistanceSpell,
    Case,
    CaseBalance,
    CaseDocument,
    CaseNote,
    CaseParticipant,
    Collection,
    Disbursement,
    Employer,
    Employment,
    FviOverride,
    LedgerEntry,
    LedgerRun,
    LocateAttempt,
    Obligation,
    OrderReview,
    Person,
    SentLetter,
    SupportOrder,
    WorkItem,
)
from .redaction import contact_copy, document_title, people_mark, protected_q, protects, withheld_fields
from .services.documents import document_restore


class WhereaboutsAdminMixin:
    """Admin applies ``cases.redaction`` like every other channel: an FVI person's whereabouts rows
    are not listed, searched or opened, their whereabouts columns are left out of the person's form,
    and the change history of any of it (whose diffs carry the values) is refused."""

    hide_protected_rows = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.exclude(protected_q("person__")) if self.hide_protected_rows else queryset

    def get_exclude(self, request, obj=None):
        excluded = tuple(super().get_exclude(request, obj) or ())
        return excluded + tuple(f for f in withheld_fields(obj) if f not in excluded) if obj is not None else excluded

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and protects(obj):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)


class ContactCopyAdminMixin:
    """Admin applies ``cases.redaction.contact_copy`` as the pages do, to a row keeping the phone and
    e-mail someone gave (a complaint, a hearing request): when they are a case person whose
    whereabouts are withheld, ``contact_email`` and ``contact_phone`` are left out of the form (kept
    as stored) and the row's change history (whose diffs carry them) is refused. A subclass says
    whose contact it is (``contact_person``)."""

    def contact_person(self, obj):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def contact_withheld(self, obj) -> bool:
        return (
            obj is not None
            and contact_copy(person=self.contact_person(obj), email=obj.contact_email, phone=obj.contact_phone).withheld
        )

    def get_exclude(self, request, obj=None):
        excluded = tuple(super().get_exclude(request, obj) or ())  # type: ignore[misc]
        if not self.contact_withheld(obj):
            return excluded
        return excluded + tuple(f for f in ("contact_email", "contact_phone") if f not in excluded)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if self.contact_withheld(obj):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)  # type: ignore[misc]


class FtiAdminMixin:
    """Admin shows federal tax information (IRS Publication 1075) as every other channel does
    (``cases.access``): to a user not cleared for FTI (``can_view_fti``: the permission and current
    FTI training; superusers included) the FTI rows are not listed, filtered, searched or opened,
    the ``fti_fields`` are left out of the list, its filters and the form, and the history of an
    FTI row (whose diffs carry them) is refused. To a cleared user each list page, change page and
    history page showing FTI rows is logged (``fti_reads_record``). ``fti_rows``: the FTI rows
    (``None``: every row of the model is FTI); a row is FTI when its ``source`` is (``FTI_SOURCES``)."""

    fti_rows: Q | None = Q(source__in=FTI_SOURCES)
    fti_fields: tuple[str, ...] = ("source", "hold_reason")

    @staticmethod
    def fti_cleared(request) -> bool:
        cleared = getattr(request, "caseworks_fti_cleared", None)
        if cleared is None:  # asked by several admin hooks a page: the training check once
            cleared = request.caseworks_fti_cleared = can_view_fti(request.user)
        return cleared

    @staticmethod
    def is_fti(obj) -> bool:
        return obj is not None and getattr(obj, "source", None) in FTI_SOURCES

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.fti_cleared(request):
            return queryset
        return queryset.none() if self.fti_rows is None else queryset.exclude(self.fti_rows)

    def _without_fti(self, request, names):
        return names if self.fti_cleared(request) else type(names)(n for n in names if n not in self.fti_fields)

    def get_list_display(self, request):
        return self._without_fti(request, tuple(super().get_list_display(request)))

    def get_list_filter(self, request):
        return self._without_fti(request, tuple(super().get_list_filter(request)))

    def get_exclude(self, request, obj=None):
        excluded = tuple(super().get_exclude(request, obj) or ())
        if self.fti_cleared(request):
            return excluded
        return excluded + tuple(f for f in self.fti_fields if f not in excluded)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if self.is_fti(obj) and not self.fti_cleared(request):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)

    def _fti_shown(self, request, rows) -> None:
        if self.fti_cleared(request) and rows:
            fti_reads_record(request=request, collections=[r for r in rows if self.is_fti(r)])

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        self._fti_shown(request, list(changelist.result_list) if changelist is not None else [])
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        self._fti_shown(request, [(getattr(response, "context_data", None) or {}).get("original")])
        return response

    def render_history_view(self, request, template, context, **kwargs):
        response = super().render_history_view(request, template, context, **kwargs)
        self._fti_shown(request, [context.get("object")])
        return response


class ParticipantInline(LabelledTabularInline):
    model = CaseParticipant
    extra = 0
    raw_id_fields = ("person",)


class AssistanceSpellInline(LabelledTabularInline):
    """The family's assistance history: written only by ``case_assistance_change``."""

    model = AssistanceSpell
    extra = 0
    fields = ("status", "start_on", "end_on", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssistanceSpell)
class AssistanceSpellAdmin(MoneyAdmin):
    """Spells change only through ``case_assistance_change`` (the case's admin page uses it)."""

    list_display = ("case", "status", "start_on", "end_on", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("case__case_number",)
    raw_id_fields = ("case",)


@admin.register(Person)
class PersonAdmin(WhereaboutsAdminMixin, SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "ssn_last4", "date_of_birth", "family_violence", "paternity_status")
    list_filter = ("family_violence", "paternity_status", "sex")
    search_fields = ("last_name", "first_name", "ssn_last4")
    exclude = ("ssn",)  # full SSNs are shown only in the permitted, logged detail view


@admin.register(Address)
class AddressAdmin(WhereaboutsAdminMixin, SimpleHistoryAdmin):
    hide_protected_rows = True
    list_display = ("person", "city", "state", "valid_from", "valid_to", "source", "undeliverable_on")
    list_filter = ("state", "source")
    search_fields = ("person__last_name", "city", "postal_code")
    raw_id_fields = ("person",)


@admin.register(SentLetter)
class SentLetterAdmin(WhereaboutsAdminMixin, HistoryReadOnlyAdmin):
    """The letter log: read-only (a returned letter is marked on the case page). ``address_text`` is
    the block as printed: for an FVI person the confidential arrangement, never an address. A letter
    printed with an address before its person was given the FVI keeps that copy: its address and
    block are left out of the page and its history is refused while the person has the indicator
    (``cases.redaction.WHEREABOUTS_TEXT_FIELDS``)."""

    list_display = ("sent_at", "kind", "recipient_name", "case", "channel", "language", "confidential", "returned_on")
    list_filter = ("kind", "channel", "language", "confidential")
    search_fields = ("reference", "recipient_name", "case__case_number")
    raw_id_fields = ("case", "person", "address")


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("case_number", "county", "status", "stage", "assistance_status", "caseworker", "next_deadline_on")
    list_filter = ("status", "stage", "assistance_status", "jurisdiction", "interstate_role", "county")
    search_fields = ("case_number", "other_state_case_id")
    list_select_related = ("caseworker",)
    raw_id_fields = ("caseworker",)
    inlines = [ParticipantInline, AssistanceSpellInline]

    def save_model(self, request, obj, form, change):
        """A change of assistance status goes through ``case_assistance_change`` (it closes the
        open spell and opens the next from today), never as a bare column edit."""
        if change and "assistance_status" in form.changed_data:
            from .services import case_assistance_change

            status = obj.assistance_status
            obj.assistance_status = form.initial["assistance_status"]
            super().save_model(request, obj, form, change)
            case_assistance_change(case=obj, status=status, effective_on=timezone.localdate(), by=request.user)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)


@admin.register(CaseParticipant)
class CaseParticipantAdmin(SimpleHistoryAdmin):
    list_display = ("case", "role", "person")
    list_filter = ("role",)
    search_fields = ("case__case_number", "person__last_name")
    raw_id_fields = ("case", "person")


@admin.register(CaseNote)
class CaseNoteAdmin(SimpleHistoryAdmin):
    list_display = ("case", "author", "created_at")
    search_fields = ("case__case_number", "body")
    raw_id_fields = ("case",)


@admin.register(CaseDocument)
class CaseDocumentAdmin(SimpleHistoryAdmin):
    """Read-only: documents are attached on the case page (checked by content) and opened only through
    ``cases:document_download`` (scope, FVI, audit); admin shows who added what, never the file's link.
    A document showing an FVI person's whereabouts has its file name and history withheld.
    A withdrawn document (attached to the wrong case) is listed here with who withdrew it and why;
    the "Restore" action (administrators) lists it on its case again (``document_restore``)."""

    list_display = ("case", "shown_title", "kind", "content_type", "size", "uploaded_by", "uploaded_at", "withdrawn_at")
    list_select_related = ("case", "uploaded_by", "shows_whereabouts_of")
    list_filter = ("kind", "content_type", ("withdrawn_at", admin.EmptyFieldListFilter))
    actions = ("restore",)
    search_fields = ("case__case_number", "title")
    readonly_fields = (
        "case",
        "person",
        "kind",
        "title",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "shows_whereabouts_of",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawn_reason",
    )
    exclude = ("file",)

    @admin.action(description="Restore the selected withdrawn documents to their cases", permissions=["restore"])
    def restore(self, request, queryset):
        restored = 0
        for document in queryset.filter(withdrawn_at__isnull=False):
            document_restore(
                document=document, reason="Withdrawal undone by an administrator in admin", by=request.user
            )
            restored += 1
        messages.success(request, f"Restored {restored} document(s); each is listed on its case again.")

    def has_restore_permission(self, request):
        return request.user.is_superuser

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        people_mark(d.shows_whereabouts_of for d in changelist.result_list)  # one query for the page's titles
        return changelist

    @admin.display(description="title")
    def shown_title(self, obj):
        return document_title(obj)

    def get_exclude(self, request, obj=None):
        return ("file", *(f for f in withheld_fields(obj) if f != "file")) if obj is not None else ("file",)

    def get_readonly_fields(self, request, obj=None):
        withheld = set(withheld_fields(obj)) if obj is not None else set()
        return tuple(f for f in self.readonly_fields if f not in withheld)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and withheld_fields(obj):
            return False
        return super().has_view_history_or_change_history_permission(request, obj)


@admin.register(FviOverride)
class FviOverrideAdmin(SimpleHistoryAdmin):
    list_display = ("person", "court_name", "court_order_reference", "agency", "created_at", "used_at", "used_via")
    list_filter = ("used_via",)
    search_fields = ("court_order_reference", "person__last_name")
    raw_id_fields = ("person", "case")


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "fein", "city", "state", "contact_email", "eiwo_enrolled")
    list_filter = ("state", "eiwo_enrolled")
    search_fields = ("name", "fein")


@admin.register(Employment)
class EmploymentAdmin(WhereaboutsAdminMixin, SimpleHistoryAdmin):
    hide_protected_rows = True
    list_display = ("person", "employer", "started_on", "ended_on", "gross_monthly_income")
    list_filter = ("ended_on",)
    search_fields = ("person__last_name", "employer__name")
    raw_id_fields = ("person", "employer")


class ObligationInline(LabelledTabularInline):
    model = Obligation
    extra = 0


@admin.register(SupportOrder)
class SupportOrderAdmin(SimpleHistoryAdmin):
    list_display = (
        "order_number",
        "version",
        "case",
        "kind",
        "status",
        "issued_on",
        "effective_on",
        "health_coverage_required",
    )
    list_filter = ("kind", "status", "health_coverage_required")
    search_fields = ("order_number", "case__case_number")
    raw_id_fields = ("case", "supersedes")
    inlines = [ObligationInline]


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("order", "kind", "amount", "frequency", "start_on", "end_on", "accrued_through")
    list_filter = ("kind", "frequency")
    search_fields = ("order__order_number", "order__case__case_number")
    raw_id_fields = ("order",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):  # no field history: the ledger is its own (docs/ledger.md)
    list_display = ("case", "entry_type", "bucket", "amount", "due_on", "posted_on")
    list_filter = ("entry_type", "bucket", "obligation_kind")
    search_fields = ("case__case_number",)
    raw_id_fields = ("case", "obligation", "collection", "reverses")


@admin.register(Collection)
class CollectionAdmin(FtiAdminMixin, WhereaboutsAdminMixin, MoneyAdmin):
    list_display = (
        "source_reference",
        "case",
        "amount",
        "collected_on",
        "received_on",
        "source",
        "status",
        "received_via",
        "overpayment_policy",
    )
    list_filter = ("status", "source", "received_via")
    search_fields = ("source_reference", "case_number_received", "batch_reference")
    raw_id_fields = ("case", "employer", "agency")


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):  # no field history: the ledger is its own (docs/ledger.md)
    list_display = ("collection", "case", "bucket", "payee", "amount", "allocated_on", "reversed_on")
    list_filter = ("bucket", "payee")
    search_fields = ("collection__source_reference", "case__case_number")
    raw_id_fields = ("collection", "case")


@admin.register(Disbursement)
class DisbursementAdmin(MoneyAdmin):
    list_display = ("case", "payee", "amount", "received_on", "due_by", "disbursed_on", "status", "is_late")
    list_filter = ("status", "is_late", "payee")
    search_fields = ("case__case_number", "export_batch")
    raw_id_fields = ("case", "collection")


@admin.register(CaseBalance)
class CaseBalanceAdmin(ReadOnlyAdmin):  # no field history: the ledger is its own (docs/ledger.md)
    list_display = ("case", "monthly_obligation", "total_arrears", "months_in_arrears", "last_payment_on", "updated_at")
    search_fields = ("case__case_number",)
    raw_id_fields = ("case",)


@admin.register(LedgerRun)
class LedgerRunAdmin(ReadOnlyAdmin):
    """Written by the scheduled ledger jobs: visible, never edited."""

    list_display = ("kind", "run_on", "started_at", "finished_at", "error")
    list_filter = ("kind",)
    date_hierarchy = "started_at"


@admin.register(WorkItem)
class WorkItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "case", "kind", "due_on", "assigned_to", "unit", "status")
    list_filter = ("status", "kind", "unit")
    search_fields = ("title", "case__case_number", "dedupe_key")
    raw_id_fields = ("case", "assigned_to", "created_by")


@admin.register(LocateAttempt)
class LocateAttemptAdmin(WhereaboutsAdminMixin, SimpleHistoryAdmin):
    list_display = ("case", "person", "source", "attempted_on", "result")
    list_filter = ("source", "result")
    search_fields = ("case__case_number", "person__last_name")
    raw_id_fields = ("case", "person")


@admin.register(OrderReview)
class OrderReviewAdmin(SimpleHistoryAdmin):
    list_display = (
        "case",
        "order",
        "status",
        "requested_on",
        "guideline_monthly",
        "current_monthly",
        "outcome",
        "completed_on",
    )
    list_filter = ("status", "outcome", "guideline", "requested_by")
    search_fields = ("case__case_number", "order__order_number")
    list_select_related = ("case", "order")
    raw_id_fields = ("case", "order", "new_order", "reviewer")

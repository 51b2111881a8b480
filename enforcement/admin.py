"""Enforcement admin registrations.

Rules are versioned: an existing version is read-only here; "add" writes a new dated version
through ``rule_revise`` (the change is audited and history kept).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin import WhereaboutsAdminMixin
from cases.models import Person
from cases.redaction import protected_q
from core.admin import HistoryReadOnlyAdmin, LabelledTabularInline, ReadOnlyAdmin

from .models import (
    Appearance,
    BankMatch,
    CourtHearing,
    CriminalReferral,
    EiwoControl,
    EnforcementAction,
    IncomeWithholdingOrder,
    LicenceIncomeCheck,
    Petition,
    RemedyRule,
    SweepChunk,
    SweepRun,
)
from .services.rules import REVISABLE_FIELDS, rule_revise


@admin.register(RemedyRule)
class RemedyRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "remedy",
        "jurisdiction",
        "version",
        "effective_from",
        "enabled",
        "arrears_min",
        "months_min",
        "notice_days",
        "contest_days",
        "citation",
    )
    list_filter = ("jurisdiction", "remedy", "enabled", "to_confirm")
    search_fields = ("citation", "notes", "change_reason")
    readonly_fields = ("version", "changed_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # versions are history: never edited in place
            return [f.name for f in RemedyRule._meta.concrete_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        base = RemedyRule.objects.filter(remedy=obj.remedy, jurisdiction=obj.jurisdiction).order_by("-version").first()
        if base is None:
            obj.changed_by = request.user
            obj.full_clean()
            obj.save()
            return
        changes = {name: form.cleaned_data[name] for name in REVISABLE_FIELDS if name in form.cleaned_data}
        new = rule_revise(
            rule=base,
            effective_from=obj.effective_from,
            reason=obj.change_reason or "Admin change",
            by=request.user,
            **changes,
        )
        obj.pk = new.pk


class SweepChunkInline(LabelledTabularInline):
    model = SweepChunk
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SweepChunk._meta.concrete_fields]


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "as_of",
        "started_at",
        "finished_at",
        "status",
        "cases_examined",
        "proposed",
        "advanced",
        "released",
        "errors",
    )
    list_filter = ("status",)
    search_fields = ("triggered_by",)
    inlines = [SweepChunkInline]


@admin.register(SweepChunk)
class SweepChunkAdmin(ReadOnlyAdmin):
    """Written by the sweep workers: visible, never edited."""

    list_display = ("run", "low", "high", "status", "worker", "finished_at", "cases_examined", "proposed", "error")
    list_filter = ("status",)
    search_fields = ("worker",)
    list_select_related = ("run",)


@admin.register(EnforcementAction)
class EnforcementActionAdmin(HistoryReadOnlyAdmin):
    """Read-only: an action moves through its steps on its page (notice, contest, activation with
    the Fam. Code 17520.5 income check, release), each a service that checks the step and writes its
    event; a status changed here would skip them (e.g. send a licence the law exempts)."""

    list_display = (
        "id",
        "case",
        "remedy",
        "status",
        "proposed_on",
        "total_arrears",
        "months_in_arrears",
        "timeframe_due_on",
        "taken_on",
    )
    list_filter = ("status", "remedy", "rule__jurisdiction")
    search_fields = ("case__case_number",)
    raw_id_fields = ("case", "rule", "sweep_run", "notice_issued_by", "contest_decided_by")
    list_select_related = ("case",)


@admin.register(LicenceIncomeCheck)
class LicenceIncomeCheckAdmin(HistoryReadOnlyAdmin):
    """Recorded on the action's page (``action_income_check_record``): visible with its history here."""

    list_display = ("action", "checked_on", "county", "household_income", "median_income", "percent", "exempt")
    list_filter = ("exempt", "licence_class")
    search_fields = ("action__case__case_number", "county")
    raw_id_fields = ("action", "checked_by")
    list_select_related = ("action",)


@admin.register(BankMatch)
class BankMatchAdmin(WhereaboutsAdminMixin, SimpleHistoryAdmin):
    """An account locates its holder (docs/partner-files.md "FVI"): the matches of a person whose
    whereabouts are withheld (``cases.redaction.protected_q``, read now) are not listed, searched or
    opened here, nor their history, as employment rows are not (42 USC 654(26))."""

    hide_protected_rows = True
    list_display = ("person", "institution", "account_last4", "matched_on", "status")
    list_filter = ("status",)
    search_fields = ("institution", "person__last_name")
    raw_id_fields = ("person",)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and Person.objects.filter(protected_q(), pk=obj.person_id).exists():
            return False
        return super().has_view_history_or_change_history_permission(request, obj)


class CourtHearingInline(LabelledTabularInline):
    model = CourtHearing
    extra = 0


@admin.register(Petition)
class PetitionAdmin(SimpleHistoryAdmin):
    list_display = ("id", "case", "kind", "status", "court_name", "docket_number", "filed_on", "outcome")
    list_filter = ("kind", "status", "outcome")
    search_fields = ("docket_number", "case__case_number", "court_name")
    raw_id_fields = ("case", "resulting_order", "created_by")
    inlines = [CourtHearingInline]


class AppearanceInline(LabelledTabularInline):
    model = Appearance
    extra = 0


@admin.register(CourtHearing)
class CourtHearingAdmin(SimpleHistoryAdmin):
    list_display = ("id", "petition", "scheduled_for", "court_part", "judge", "result")
    list_filter = ("result",)
    search_fields = ("petition__docket_number", "judge")
    raw_id_fields = ("petition",)
    inlines = [AppearanceInline]


@admin.register(Appearance)
class AppearanceAdmin(SimpleHistoryAdmin):
    list_display = ("id", "hearing", "party", "name", "appeared", "represented_by")
    list_filter = ("party", "appeared")
    search_fields = ("name", "hearing__petition__docket_number")
    raw_id_fields = ("hearing",)
    list_select_related = ("hearing",)


@admin.register(CriminalReferral)
class CriminalReferralAdmin(SimpleHistoryAdmin):
    list_display = ("id", "case", "agency", "agency_name", "referred_on", "status", "outcome")
    list_filter = ("agency", "status", "outcome")
    search_fields = ("case__case_number", "reference_number", "agency_name")
    raw_id_fields = ("case", "created_by")


from . import admin_files  # noqa: E402,F401  payment files and bank reconciliation


@admin.register(IncomeWithholdingOrder)
class IncomeWithholdingOrderAdmin(ReadOnlyAdmin):
    """Issued documents are never edited (a change is an amended order); the kinds include the NMSN
    sent alone (NMS) and its termination (NMT), filterable by kind. The employer's name and
    address are left out here: for an NCP with the family violence indicator they are whereabouts
    (the order's page shows them through ``cases.redaction``)."""

    list_display = (
        "control_number",
        "kind",
        "case",
        "issued_on",
        "delivery",
        "eiwo_batch_control_number",
        "ack_status",
        "ended_on",
    )
    list_filter = ("kind", "delivery", "ack_status")
    search_fields = ("control_number", "remittance_id", "eiwo_batch_control_number")
    list_select_related = ("case",)
    exclude = (
        "employer",
        "employment",
        "employer_name",
        "employer_line1",
        "employer_line2",
        "employer_city",
        "employer_state",
        "employer_postal_code",
        "employer_fein",
    )


@admin.register(EiwoControl)
class EiwoControlAdmin(ReadOnlyAdmin):
    list_display = ("control_number", "kind", "partner_file", "record_count", "created_at")
    list_filter = ("kind",)
    search_fields = ("control_number",)
    exclude = ("employer",)

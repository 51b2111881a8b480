from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessLog, DomainEvent, Job, LegalParameter


class ValuesFilter(admin.AllValuesFieldListFilter):
    """Each value of a free-text field as a filter link (Django's ``AllValuesFieldListFilter``), the
    blank value named "(none)": Django's own shows it as a link with no text, which a screen reader
    cannot announce (axe-core: link-name). Registered below for every text field without choices,
    the fields Django would give its own, so every admin's ``list_filter = ("unit",)`` gets it."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": "(none)"} if choice["display"] == "" else choice


admin.FieldListFilter.register(
    lambda field: isinstance(field, models.CharField | models.TextField) and not field.choices,
    ValuesFilter,
    take_priority=True,
)


class LabelledInlineFormSet(BaseInlineFormSet):
    """An inline's rows, each "delete" box named for a screen reader (see ``LabelledTabularInline``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"


class LabelledTabularInline(admin.TabularInline):
    """Django's tabular inline, each field named for a screen reader: the inline shows its labels as
    column headers, which label no field (axe-core: label and select-name, critical), so each
    field's input carries its label as ``aria-label``. Every tabular inline of the office is one."""

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(formfield.label or db_field.verbose_name))
        return formfield


class NoEditMixin:
    """Visible in admin, never added, changed or deleted there (no delete permission also removes
    the "delete selected" bulk action): rows written only by services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenRowMixin:
    """Rows editable in admin until a rule of their app freezes them (``frozen``: a completed
    review, a closed plan): a frozen row is then view only, never changed, deleted (singly or by the
    "delete selected" action, which asks per row) or reverted to an older version."""

    def frozen(self, obj) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return (obj is None or not self.frozen(obj)) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not self.frozen(obj)) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def save_model(self, request, obj, form, change):
        # A row added to (or moved onto) a frozen one's parent: a sample of a completed review, a
        # note of a closed plan.
        if self.frozen(obj):
            raise PermissionDenied("This row belongs to a record that is frozen: nothing was saved.")
        super().save_model(request, obj, form, change)  # type: ignore[misc]


class ReadOnlyAdmin(NoEditMixin, admin.ModelAdmin):
    """Audit rows (and other rows only services write, without field history) in admin: read-only."""


class HistoryReadOnlyAdmin(NoEditMixin, SimpleHistoryAdmin):
    """Rows only services write, read-only in admin with their field history visible (import
    records, the letter log)."""


class MoneyAdmin(HistoryReadOnlyAdmin):
    """Money (ledger entries, collections, allocations, disbursements, balances, payment and bank
    files) is visible in admin with its history and never added, changed, deleted or reverted
    there: corrections go through the ledger services (reversal, redistribution, release) with a
    reason. No delete permission also removes the "delete selected" bulk action."""


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "verb", "summary", "actor", "actor_label", "case_id")
    list_filter = ("verb",)
    search_fields = ("verb", "summary", "actor__username", "actor_label")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip_address", "path", "object_type", "object_id", "outcome")
    list_filter = ("kind", "outcome")
    search_fields = ("username", "path", "object_id")
    date_hierarchy = "at"


@admin.register(LegalParameter)
class LegalParameterAdmin(SimpleHistoryAdmin):
    """Administrators add next year's figure as a new dated row; every change keeps its history."""

    list_display = ("key", "jurisdiction", "effective_on", "value", "citation", "confirm")
    list_filter = ("jurisdiction", "confirm")
    search_fields = ("key", "citation", "note")
    date_hierarchy = "effective_on"
    ordering = ("jurisdiction", "key", "-effective_on")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Background jobs (outbox and leases): read-only; a stuck run is resumed from its run page."""

    list_display = (
        "created_at",
        "task",
        "key",
        "group",
        "status",
        "attempts",
        "claimed_by",
        "expires_at",
        "finished_at",
    )
    list_filter = ("status", "task")
    search_fields = ("key", "group", "claimed_by")
    date_hierarchy = "created_at"

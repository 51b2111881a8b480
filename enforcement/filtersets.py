"""Filters shared by the specialists' queue, the court lists and the partner API."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from core.api.filters import UtcIsoDateTimeFilter
from core.forms import DateInput

from .choices import ActionStatus, PartnerFileDirection, PartnerFileStatus, PetitionKind, PetitionStatus, Remedy
from .models import EnforcementAction, PartnerFile, Petition

no_nul = RegexValidator(r"^[^\x00]*$", "Invalid character.")


class NulSafeCharFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.setdefault("validators", []).append(no_nul)
        self.extra.setdefault("max_length", 60)


class EnforcementActionFilterSet(django_filters.FilterSet):
    case_number = NulSafeCharFilter(field_name="case__case_number", lookup_expr="iexact", label="Case number")
    remedy = django_filters.ChoiceFilter(choices=Remedy.choices)
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label="Stage")
    county = NulSafeCharFilter(field_name="case__county", lookup_expr="iexact")
    due_before = django_filters.DateFilter(
        field_name="timeframe_due_on", lookup_expr="lte", label="Due by", widget=DateInput()
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only", widget=forms.CheckboxInput)
    open = django_filters.BooleanFilter(method="filter_open", label="Open only", widget=forms.CheckboxInput)
    due_within = django_filters.ChoiceFilter(
        method="filter_due_within", label="Due or next step within", empty_label="Any time", choices=[("7", "7 days")]
    )
    sweep_run = django_filters.NumberFilter(
        field_name="sweep_run_id", min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    class Meta:
        model = EnforcementAction
        fields = [
            "case_number",
            "remedy",
            "status",
            "county",
            "due_before",
            "overdue",
            "open",
            "sweep_run",
            "due_within",
        ]

    def filter_overdue(self, queryset, name, value):
        return queryset.timeframe_overdue(timezone.localdate()) if value else queryset

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset

    def filter_due_within(self, queryset, name, value):
        """The dashboard's "due in 7 days" (``action_selectors.actions_due_within``)."""
        from .action_selectors import actions_due_within

        return actions_due_within(queryset, today=timezone.localdate(), within_days=int(value)) if value else queryset


class EnforcementActionApiFilterSet(django_filters.FilterSet):
    case_number = NulSafeCharFilter(field_name="case__case_number", lookup_expr="iexact")
    remedy = django_filters.ChoiceFilter(choices=Remedy.choices)
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = EnforcementAction
        fields = ["case_number", "remedy", "status", "updated_since"]


class PetitionFilterSet(django_filters.FilterSet):
    case_number = NulSafeCharFilter(field_name="case__case_number", lookup_expr="iexact", label="Case number")
    kind = django_filters.ChoiceFilter(choices=PetitionKind.choices)
    status = django_filters.ChoiceFilter(choices=PetitionStatus.choices)
    docket_number = NulSafeCharFilter(lookup_expr="iexact")
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Petition
        fields = ["case_number", "kind", "status", "docket_number", "updated_since"]


def _partner_kind_choices():
    from .services.partner_files import partner_file_kinds

    return [(k, entry.label) for k, entry in sorted(partner_file_kinds().items())]


class PartnerFileFilterSet(django_filters.FilterSet):
    """Partner files: the list page and ``GET /api/v1/partner-files/`` (``kind``, ``direction``, ``since``)."""

    kind = django_filters.ChoiceFilter(choices=_partner_kind_choices)
    direction = django_filters.ChoiceFilter(choices=PartnerFileDirection.choices)
    status = django_filters.ChoiceFilter(choices=PartnerFileStatus.choices)
    since = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Created at or after (ISO 8601 date-time)"
    )

    class Meta:
        model = PartnerFile
        fields = ["kind", "direction", "status", "since"]

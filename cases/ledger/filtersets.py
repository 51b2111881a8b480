"""Filters of the ledger lists (held collections, late disbursements)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q

from ..choices import FTI_SOURCES, CollectionSource, CollectionStatus, DisbursementStatus
from ..models import Collection, Disbursement
from .fti import can_view_fti


class _ReceivedBetween(django_filters.FilterSet):
    received_from = django_filters.DateFilter(
        field_name="received_on",
        lookup_expr="gte",
        label="Received from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="Received to", widget=forms.DateInput(attrs={"type": "date"})
    )


class CollectionFilterSet(_ReceivedBetween):
    q = django_filters.CharFilter(method="search", label="Reference or case number", max_length=64)
    source = django_filters.ChoiceFilter(choices=CollectionSource.choices)

    class Meta:
        model = Collection
        fields = ["q", "source", "received_from", "received_to"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is None or not can_view_fti(user):
            # Filtering by a tax-offset source would reveal FTI (IRS Publication 1075).
            self.filters["source"].extra["choices"] = [c for c in CollectionSource.choices if c[0] not in FTI_SOURCES]

    def search(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        return queryset.filter(Q(source_reference__icontains=value) | Q(case_number_received__icontains=value))


class DisbursementFilterSet(_ReceivedBetween):
    status = django_filters.ChoiceFilter(choices=DisbursementStatus.choices)

    class Meta:
        model = Disbursement
        fields = ["status", "received_from", "received_to"]


class CollectionApiFilterSet(django_filters.FilterSet):
    """The partner API's collections list (``GET /api/v1/collections/``, issue 17.3). No partner key
    sees federal tax information: a tax-offset ``source`` is not a choice here (a 400), as it is not
    shown in the rows (IRS Publication 1075)."""

    case_number = django_filters.CharFilter(
        method="filter_case_number",
        max_length=40,
        validators=[RegexValidator(r"^[^\x00]*$", "Invalid character.")],
        help_text="The collections of this case.",
    )
    received_since = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", help_text="Received on or after this date."
    )
    collected_since = django_filters.DateFilter(
        field_name="collected_on",
        lookup_expr="gte",
        help_text="Date of collection (45 CFR 302.51) on or after this date.",
    )
    status = django_filters.ChoiceFilter(choices=CollectionStatus.choices)
    source = django_filters.ChoiceFilter(
        choices=[c for c in CollectionSource.choices if c[0] not in FTI_SOURCES],
        help_text="Federal tax refund offsets are federal tax information: not a filter, and their source is null.",
    )

    class Meta:
        model = Collection
        fields = ["case_number", "received_since", "collected_since", "status", "source"]

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case__case_number=value.strip().upper())

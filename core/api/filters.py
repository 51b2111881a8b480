"""The API's filter backend: a filter a partner sends must mean something.

django-filter treats an empty value, or a boolean it cannot read, as "no filter" — right for an HTML
form, wrong for a partner's program, which would then get every row back for a typo. Here both are
a 400 naming the parameter. Booleans are ``true`` or ``false``, as the OpenAPI schema says. The same
FilterSets serve the pages, where the lenient reading stays.
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django_filters import BooleanFilter, IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            self.check_parameters(request.query_params, filterset)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not self.filters_given(request.query_params, filterset_class):
            # Nothing to filter by: no FilterSet built (each one deep-copies its filters and builds
            # its form: on a cursor page of a large list that cost more than the rows, issue 17.3).
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.filterset = filterset  # views that filter computed rows read the cleaned values
        return filterset.qs

    @staticmethod
    def filters_given(params, filterset_class) -> bool:
        """Whether ``params`` name any of the FilterSet's parameters (or it has a required filter)."""
        return any(
            filter_.extra.get("required") or any(param in params for param in _parameter_names(name, filter_))
            for name, filter_ in filterset_class.base_filters.items()
        )

    @staticmethod
    def check_parameters(params, filterset) -> None:
        errors = {}
        for name, filter_ in filterset.filters.items():
            for param in _parameter_names(name, filter_):
                if param not in params:
                    continue
                values = params.getlist(param)
                if any(value.strip() == "" for value in values):
                    errors[param] = ["This value may not be empty."]
                elif isinstance(filter_, BooleanFilter) and any(value not in ("true", "false") for value in values):
                    errors[param] = ["Must be true or false."]
        if errors:
            raise ValidationError(errors)


def _parameter_names(name, filter_) -> list[str]:
    """Range-style filters read two parameters (``name_min``/``name_max`` or ``_after``/``_before``)."""
    widget = filter_.field.widget
    suffixes = getattr(widget, "suffixes", None)
    if suffixes:
        return [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
    return [name]


class _UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant read as UTC. Python accepts offsets up to ±23:59 and years to 9999; the
    database takes offsets to ±15:59 only, and the instant in UTC may fall outside year 1–9999: both
    are a field error here, never a database error later."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None or instant.tzinfo is None:
            return instant
        try:
            return instant.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a date and time within years 1 to 9999.", code="invalid") from None


class UtcIsoDateTimeFilter(IsoDateTimeFilter):
    """``IsoDateTimeFilter`` whose value is normalised to UTC (``updated_since``, ``since``)."""

    field_class = _UtcIsoDateTimeField

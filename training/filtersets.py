"""Filters shared by the compliance page and the compliance API."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from accounts.choices import Role

from .choices import ComplianceStatus
from .models import Course


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise forms.ValidationError("NUL characters are not allowed.")
    return value


class ComplianceFilterSet(django_filters.FilterSet):
    """Filters the staff (unit, role); ``course`` and ``status`` filter the computed rows."""

    # Labels say what they filter (django-filter would print "Groups name" and "[invalid name]").
    unit = django_filters.CharFilter(
        field_name="unit", lookup_expr="iexact", max_length=80, validators=[_no_nul], label="Unit"
    )
    role = django_filters.ChoiceFilter(
        field_name="groups__name",
        choices=[(r.value, r.label) for r in Role],
        distinct=True,
        label="Role",
        empty_label="Any role",
    )
    course = django_filters.ModelChoiceFilter(
        queryset=Course.objects.filter(is_active=True), method="keep_course", label="Course", empty_label="Any course"
    )
    status = django_filters.ChoiceFilter(
        choices=ComplianceStatus.choices, method="keep", label="Training status", empty_label="Any status"
    )

    class Meta:
        model = get_user_model()
        fields = ["unit", "role", "course", "status"]

    def keep(self, queryset, name, value):
        return queryset

    def keep_course(self, queryset, name, value: int):  # the type hint documents the id in the API schema
        return queryset

    def row_filters(self) -> dict:
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status")
        return {"course": data.get("course"), "statuses": [status] if status else None}

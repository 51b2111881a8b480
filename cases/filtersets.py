"""CaseFilterSet: one filter set for the caseload page and the partner API."""

from __future__ import annotations

import re
from datetime import timedelta

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from core.api.filters import UtcIsoDateTimeFilter

from .choices import AssistanceStatus, CaseStage, CaseStatus, WorkItemKind, WorkItemPriority
from .models import Case, CaseParticipant, Person, WorkItem

CASE_NUMBER_RE = re.compile(r"^(NY|CA)-?\d+$", re.IGNORECASE)
DEADLINE_CHOICES = [("overdue", "Overdue"), ("due_soon", "Due soon")]


def deadline_filter(queryset, field: str, value: str):
    """Rows whose date ``field`` is ``overdue`` (before today) or ``due_soon`` (from today to the
    office's due-soon horizon, ``cases.deadlines.due_soon_days``); any other value: all rows."""
    from .deadlines import due_soon_days

    today = timezone.localdate()
    if value == "overdue":
        return queryset.filter(**{f"{field}__lt": today})
    if value == "due_soon":
        return queryset.filter(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=due_soon_days())})
    return queryset


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen order, then case number: cases that tie on the chosen field (most have no
    arrears; many share a deadline) keep one order, so consecutive pages neither repeat nor skip
    a case."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        # Empty items (``?ordering=,,``) are refused by the form (``CaseFilterForm``).
        ordering = [self.get_ordering_value(param) for param in value]
        if not any(field.lstrip("-") == "case_number" for field in ordering):
            ordering.append("case_number")
        return qs.order_by(*ordering)


class CaseFilterForm(forms.Form):
    def clean_ordering(self):
        """``?ordering=,`` (an empty item) is refused, as the schema says (each item one of the
        sort keys): bad input gets a clear error rather than being silently ignored."""
        value = self.cleaned_data.get("ordering")
        if self.data.get("ordering") in EMPTY_VALUES:
            return value  # no sort asked
        if value and any(item in EMPTY_VALUES for item in value):
            raise forms.ValidationError("Give sort keys separated by commas, with no empty item.")
        return value


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        max_length=80,
        help_text="Case number, participant name, or last 4 digits of an SSN.",
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, empty_label="Any status")
    stage = django_filters.ChoiceFilter(
        choices=[c for c in CaseStage.choices if c[0] != "closed"], empty_label="Any stage"
    )
    county = django_filters.CharFilter(field_name="county", lookup_expr="iexact", max_length=60)
    assistance_status = django_filters.ChoiceFilter(choices=AssistanceStatus.choices, empty_label="Any assistance")
    has_arrears = django_filters.ChoiceFilter(
        method="filter_has_arrears", label="Has arrears", choices=[("true", "Yes"), ("false", "No")], empty_label="Any"
    )
    deadline = django_filters.ChoiceFilter(
        method="filter_deadline",
        label="Deadline",
        choices=DEADLINE_CHOICES,
        empty_label="Any deadline",
    )
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label="Updated since")
    ordering = StableOrderingFilter(
        fields=(
            ("case_number", "case_number"),
            ("next_deadline_on", "deadline"),
            ("updated_at", "updated"),
            ("balance__total_arrears", "arrears"),
        ),
        field_labels={
            "case_number": "Case number",
            "next_deadline_on": "Deadline",
            "updated_at": "Last updated",
            "balance__total_arrears": "Arrears",
        },
        label="Sort",
    )

    class Meta:
        model = Case
        fields = ["status", "county", "assistance_status"]
        form = CaseFilterForm

    # The last four digits of an SSN searched by ``q`` (set by ``filter_search``), logged once the
    # rows are filtered: the page and the API share this FilterSet, so neither can forget the log.
    ssn_last4_searched = ""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.ssn_last4_searched and self.request is not None:
            from .access import ssn_last4_search_record

            ssn_last4_search_record(request=self.request, cases=queryset, last4=self.ssn_last4_searched)
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if CASE_NUMBER_RE.match(value):
            digits = re.sub(r"\D", "", value)
            return queryset.filter(case_number__iexact=f"{value[:2].upper()}-{int(digits):06d}")
        if value.isdigit() and len(value) == 4:
            self.ssn_last4_searched = value
            people = CaseParticipant.objects.filter(case=OuterRef("pk"), person__ssn_last4=value)
            return queryset.filter(Exists(people))
        if value.isdigit():
            return queryset.filter(case_number__endswith=value)
        words = value.split()
        people = CaseParticipant.objects.filter(case=OuterRef("pk"))
        for word in words[:3]:
            people = people.filter(Q(person__last_name__istartswith=word) | Q(person__first_name__istartswith=word))
        return queryset.filter(Q(case_number__icontains=value) | Exists(people))

    def filter_has_arrears(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        return (
            queryset.filter(balance__total_arrears__gt=0)
            if value == "true"
            else queryset.exclude(balance__total_arrears__gt=0)
        )

    def filter_deadline(self, queryset, name, value):
        return deadline_filter(queryset, "next_deadline_on", value)


class WorkItemFilterSet(django_filters.FilterSet):
    """The work-item queue's filters (issue 15.2); each label says what it filters."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains", max_length=80)
    kind = django_filters.ChoiceFilter(label="Kind of work", empty_label="Any kind", choices=WorkItemKind.choices)
    priority = django_filters.ChoiceFilter(
        label="Priority", empty_label="Any priority", choices=WorkItemPriority.choices
    )
    deadline = django_filters.ChoiceFilter(
        method="filter_deadline",
        label="Due",
        choices=DEADLINE_CHOICES,
        empty_label="Any due date",
    )

    class Meta:
        model = WorkItem
        fields = ["q", "kind", "priority"]

    def filter_deadline(self, queryset, name, value):
        return deadline_filter(queryset, "due_on", value)


class PersonApiFilterSet(django_filters.FilterSet):
    """The partner API's people list (``GET /api/v1/people/``, issue 17.3)."""

    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="People whose record changed at or after this instant (ISO 8601).",
    )
    case_number = django_filters.CharFilter(
        method="filter_case_number",
        max_length=40,
        validators=[RegexValidator(r"^[^\x00]*$", "Invalid character.")],
        help_text="The participants of this case (one of the key's counties).",
    )

    class Meta:
        model = Person
        fields = ["updated_since", "case_number"]

    def filter_case_number(self, queryset, name, value):
        # Only a case the caller may see: a person of an Albany case who is also on a Kings case is
        # not found by the Kings case's number with an Albany key.
        participants = CaseParticipant.objects.restrict(getattr(self.request, "user", None), "view").filter(
            case__case_number=value.strip().upper()
        )
        return queryset.filter(pk__in=participants.values("person_id"))

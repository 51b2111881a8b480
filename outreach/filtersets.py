"""FilterSets shared by the list pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone

from core.forms import DateInput

from .choices import OPEN_INQUIRY_STATUSES, Audience, EventKind, EventStatus, InquiryStatus, Language, OrganisationKind
from .models import Event, Material, MediaInquiry, Organisation


class SafeCharFilter(django_filters.CharFilter):
    """Text search with a length cap (NUL bytes are refused by middleware)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "icontains")
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


class EventFilterSet(django_filters.FilterSet):
    q = SafeCharFilter(field_name="title", label="Title")
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    status = django_filters.ChoiceFilter(choices=EventStatus.choices)
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label="From", widget=DateInput()
    )
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label="To", widget=DateInput())
    is_online = django_filters.BooleanFilter(widget=forms.NullBooleanSelect, label="Online")
    upcoming = django_filters.ChoiceFilter(
        label="Coming up", method="filter_upcoming", empty_label="Any time", choices=[("30", "Scheduled, next 30 days")]
    )

    class Meta:
        model = Event
        fields = ["q", "audience", "kind", "status", "date_from", "date_to", "is_online", "upcoming"]

    def filter_upcoming(self, queryset, name, value):
        """The home card "Outreach events, next 30 days": the events ``selectors.upcoming_events`` counts."""
        from .selectors import upcoming_events

        return queryset.filter(pk__in=upcoming_events(days=int(value)).values("pk")) if value else queryset


class OrganisationFilterSet(django_filters.FilterSet):
    q = SafeCharFilter(field_name="name", label="Name")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]


class MaterialFilterSet(django_filters.FilterSet):
    q = SafeCharFilter(field_name="title", label="Title")
    language = django_filters.ChoiceFilter(choices=Language.choices)
    audience = django_filters.ChoiceFilter(choices=Audience.choices)

    class Meta:
        model = Material
        fields = ["q", "language", "audience", "is_current"]


class MediaInquiryFilterSet(django_filters.FilterSet):
    q = SafeCharFilter(field_name="outlet", label="Outlet")
    status = django_filters.ChoiceFilter(choices=InquiryStatus.choices)
    due = django_filters.ChoiceFilter(
        choices=[("overdue", "Overdue"), ("due_soon", "Due soon"), ("open", "Open")],
        method="filter_due",
        label="Deadline",
    )

    class Meta:
        model = MediaInquiry
        fields = ["q", "status", "due", "spokesperson"]

    def filter_due(self, queryset, name, value):
        from .services import due_soon_window

        now = timezone.now()
        queryset = queryset.filter(status__in=OPEN_INQUIRY_STATUSES)
        if value == "overdue":
            return queryset.filter(deadline__lt=now)
        if value == "due_soon":
            return queryset.filter(deadline__gte=now, deadline__lte=now + due_soon_window())
        return queryset

import django_filters
from django.db.models import Q

from .choices import Issue, Outcome, RequestStatus
from .models import HearingRequest
from .selectors import QUEUE_FILTERS


class HearingRequestFilterSet(django_filters.FilterSet):
    """State hearing requests: the staff list page (``q``: the request number or the requester's name)."""

    q = django_filters.CharFilter(label="Number or name", method="filter_q", max_length=100)
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    issue = django_filters.ChoiceFilter(choices=Issue.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    is_late = django_filters.BooleanFilter(label="Late")
    in_jurisdiction = django_filters.BooleanFilter(label="In jurisdiction")
    queue = django_filters.ChoiceFilter(
        label="Queue",
        method="filter_queue",
        empty_label="Any",
        choices=[(k, label) for k, (label, _) in QUEUE_FILTERS.items()],
    )

    class Meta:
        model = HearingRequest
        fields = ["q", "status", "issue", "outcome", "is_late", "in_jurisdiction", "queue"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__iexact=value) | Q(requester_name__icontains=value)) if value else queryset

    def filter_queue(self, queryset, name, value):
        """The home cards' queues (``selectors.QUEUE_FILTERS``): the same condition as the figure."""
        return queryset.filter(QUEUE_FILTERS[value][1]()) if value in QUEUE_FILTERS else queryset


class HearingRequestApiFilterSet(HearingRequestFilterSet):
    """``GET /api/v1/hearings/``: the page's filters, but ``q`` matches the request number only. The
    API never returns the requester's name ("no contact details"), so a search on it would let a key
    confirm the name a prefix at a time."""

    q = django_filters.CharFilter(
        label="Request number", method="filter_number", max_length=100, help_text="The request number (exact)."
    )

    def filter_number(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(number__iexact=value) if value else queryset

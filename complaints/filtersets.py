import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import User

from .choices import OPEN_STATUSES, Category, Channel, ComplaintStatus
from .models import Complaint


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Number or name", method="filter_q", max_length=100)
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    investigator = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name__in=["ombudsperson", "coordinator"]).distinct()
    )
    due = django_filters.ChoiceFilter(
        label="Due",
        method="filter_due",
        empty_label="Any",
        choices=[
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("week", "Due within 7 days"),
            ("unassigned", "Open, no investigator"),
        ],
    )
    flagged = django_filters.ChoiceFilter(
        label="Flag",
        method="filter_flag",
        empty_label="Any",
        choices=[("late", "Past 90 days"), ("unknown_case", "Unknown case number"), ("extended", "Extended")],
    )

    class Meta:
        model = Complaint
        fields = ["q", "status", "category", "channel", "investigator", "due", "flagged"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(
                Q(number__iexact=value) | Q(complainant_name__icontains=value) | Q(case_number_received__iexact=value)
            )
            if value
            else queryset
        )

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        open_qs = queryset.filter(status__in=OPEN_STATUSES)
        if value == "open":  # the home card "Open complaints" (selectors.queue_counts)
            return open_qs
        if value == "overdue":
            return open_qs.filter(due_on__lt=today)
        if value == "week":
            return open_qs.filter(due_on__range=(today, today + timezone.timedelta(days=7)))
        if value == "unassigned":
            return open_qs.filter(investigator__isnull=True)
        return queryset

    def filter_flag(self, queryset, name, value):
        return {
            "late": queryset.filter(past_known_limit=True),
            "unknown_case": queryset.filter(unknown_case=True),
            "extended": queryset.filter(extended_at__isnull=False),
        }.get(value, queryset)

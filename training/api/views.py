from django.contrib.auth import get_user_model
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from core.api.views import PartnerGenericViewSet

from ..filtersets import ComplianceFilterSet
from ..selectors import compliance_rows
from .serializers import ComplianceRowSerializer


class ComplianceFilterBackend(DjangoFilterBackend):
    """Runs the shared FilterSet (400 on bad input) and keeps it for the row filters."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            from django_filters.utils import translate_validation

            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


class ComplianceViewSet(mixins.ListModelMixin, PartnerGenericViewSet):
    """Required-training compliance of every active staff member: one row per required course."""

    scope_resource = "training"
    serializer_class = ComplianceRowSerializer
    filterset_class = ComplianceFilterSet
    filter_backends = [ComplianceFilterBackend]

    def get_queryset(self):
        return get_user_model().objects.all()

    @extend_schema(summary="Required-training compliance (paginated)",
                   description="Status is current, due_soon (within 30 days of the due date), overdue or never.")
    def list(self, request, *args, **kwargs):
        users = self.filter_queryset(self.get_queryset())
        filterset = getattr(self, "filterset", None)
        rows = compliance_rows(users=users, **(filterset.row_filters() if filterset else {}))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from core.api.filters import StrictFilterBackend
from core.api.views import PartnerGenericViewSet

from ..filtersets import ComplianceFilterSet
from ..selectors import compliance_rows
from .serializers import ComplianceRowSerializer


class ComplianceViewSet(mixins.ListModelMixin, PartnerGenericViewSet):
    """Required-training compliance of every active staff member: one row per required course."""

    scope_resource = "training"
    serializer_class = ComplianceRowSerializer
    filterset_class = ComplianceFilterSet
    filter_backends = [StrictFilterBackend]  # keeps the FilterSet on the view for the row filters

    def get_queryset(self):
        return get_user_model().objects.all()

    @extend_schema(
        summary="Required-training compliance (paginated)",
        description="Status is current, due_soon (within 30 days of the due date), overdue or never.",
    )
    def list(self, request, *args, **kwargs):
        users = self.filter_queryset(self.get_queryset())
        filterset = getattr(self, "filterset", None)
        rows = compliance_rows(users=users, **(filterset.row_filters() if filterset else {}))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

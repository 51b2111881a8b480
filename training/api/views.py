from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from core.api.filters import StrictFilterBackend
from core.api.views import PartnerGenericViewSet

from ..filtersets import ComplianceFilterSet
from ..selectors import compliance_rows, staff_of_counties
from .serializers import ComplianceRowSerializer


class ComplianceViewSet(mixins.ListModelMixin, PartnerGenericViewSet):
    """Required-training compliance of the active staff of the key's counties (every county's for a
    state-wide key): one row per required course."""

    scope_resource = "training"
    serializer_class = ComplianceRowSerializer
    filterset_class = ComplianceFilterSet
    filter_backends = [StrictFilterBackend]  # keeps the FilterSet on the view for the row filters

    def get_queryset(self):
        # A key reads its counties' objects only (as every partner read): its counties' staff.
        key = self.key
        if key is None:  # the schema generator's view, no request
            return staff_of_counties([])
        return staff_of_counties(None if key.all_counties else list(key.counties))

    @extend_schema(
        summary="Required-training compliance (paginated)",
        description="The staff of the key's counties (a staff member's county; every staff member for a "
        "state-wide key; staff of no county only then). Status is current, due_soon (within 30 days of the "
        "due date), overdue or never.",
    )
    def list(self, request, *args, **kwargs):
        users = self.filter_queryset(self.get_queryset())
        filterset = getattr(self, "filterset", None)
        rows = compliance_rows(users=users, **(filterset.row_filters() if filterset else {}))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

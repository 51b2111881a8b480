from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import PartnerReadOnlyViewSet, RestrictedQuerysetMixin
from hearings.filtersets import HearingRequestApiFilterSet
from hearings.models import Hearing, HearingRequest

from .serializers import HearingRequestSerializer


@extend_schema_view(
    list=extend_schema(summary="State hearing requests (no contact details)"),
    retrieve=extend_schema(summary="One state hearing request"),
)
class HearingRequestViewSet(RestrictedQuerysetMixin, PartnerReadOnlyViewSet):  # the key's counties
    scope_resource = "hearings"
    serializer_class = HearingRequestSerializer
    filterset_class = HearingRequestApiFilterSet
    lookup_field = "number"
    lookup_value_converter = "str"
    queryset = (
        HearingRequest.objects.select_related("case", "complaint")
        .prefetch_related(Prefetch("hearings", queryset=Hearing.objects.select_related("officer")))
        .order_by("-requested_on", "-pk")
    )

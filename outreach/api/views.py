"""Partner API: the outreach calendar as public-safe data (scope outreach:read)."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import PartnerListRetrieveViewSet

from ..filtersets import EventFilterSet
from ..models import Event
from .serializers import OutreachEventSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Outreach events",
        description="Events with date, place and audience, newest first; "
        "filter by `date_from`/`date_to` (YYYY-MM-DD), `audience`, `kind`, `status`, `is_online`, `q`. "
        "Attendees appear only as counts.",
        tags=["outreach"],
    ),
    retrieve=extend_schema(summary="One outreach event", tags=["outreach"]),
)
class OutreachEventViewSet(PartnerListRetrieveViewSet):
    scope_resource = "outreach"
    lookup_value_converter = "int"
    serializer_class = OutreachEventSerializer
    filterset_class = EventFilterSet

    def get_queryset(self):
        return (
            Event.objects.select_related("host_organisation")
            .annotate(
                registered=Count("registrations", distinct=True),
                attendees=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
            )
            .order_by("-starts_at", "-id")
        )

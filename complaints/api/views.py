from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from cases.selectors import case_visible_by_number
from complaints import services
from complaints.choices import Channel
from complaints.models import Complaint
from core.api.views import PartnerGenericViewSet

from .serializers import ComplaintCreatedSerializer, ComplaintCreateSerializer, ComplaintStatusSerializer


class ComplaintViewSet(mixins.RetrieveModelMixin, PartnerGenericViewSet):
    """Partner agencies file complaints on someone's behalf and follow the ones they filed."""

    scope_resource = "complaints"
    lookup_field = "number"
    lookup_value_converter = "str"
    serializer_class = ComplaintStatusSerializer

    def get_queryset(self):
        # An agency sees only the complaints it filed (``Complaint.scope_filter``): read through
        # ``restrict()``, so another agency's complaint answers 404 and the probe is logged as an
        # access denial, as every scoped read.
        return Complaint.objects.restrict(self.request.user, "view").select_related("case")

    @extend_schema(
        request=ComplaintCreateSerializer,
        responses={
            201: ComplaintCreatedSerializer,
            200: OpenApiResponse(
                ComplaintCreatedSerializer,
                description="Replay: the agency filed this complaint before (same fields); nothing was "
                "filed again, the first complaint is returned.",
            ),
        },
    )
    def create(self, request):
        incoming = ComplaintCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        contact = data.pop("contact")
        # The number is looked up in the key's counties: another county's case is unknown to the key
        # (recorded as received and flagged, no link, nothing written on that case), the same answer
        # as a number that does not exist.
        case = case_visible_by_number(user=request.user, case_number=data["case_number"])
        try:
            complaint = services.complaint_file(channel=Channel.API, agency=self.agency, case=case, **contact, **data)
        except services.ComplaintAlreadyFiled as repeat:  # a retried request: the first answer again
            return Response(ComplaintCreatedSerializer(repeat.complaint).data, status=status.HTTP_200_OK)
        return Response(ComplaintCreatedSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ComplaintStatusSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

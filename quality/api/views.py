"""Partner API: the OCSE-157 lines and the five measures for a fiscal year, computed live."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from ..measures import ocse157
from .serializers import Ocse157QuerySerializer, Ocse157Serializer


class Ocse157APIView(PartnerAPIView):
    scope_resource = "performance"

    @extend_schema(
        operation_id="performance_ocse157",
        parameters=[
            OpenApiParameter(
                "fiscal_year", int, required=True, description="Federal fiscal year (Oct 1 – Sep 30), 2000–2100."
            )
        ],
        responses={200: Ocse157Serializer},
    )
    def get(self, request):
        query = Ocse157QuerySerializer(
            data={"fiscal_year": request.query_params.get("fiscal_year", "").replace("\x00", "")}
        )
        query.is_valid(raise_exception=True)
        report = ocse157(fiscal_year=query.validated_data["fiscal_year"])
        data = {
            "fiscal_year": report.fiscal_year,
            "lines": report.lines,
            "measures": [
                {
                    "name": m.name,
                    "numerator": m.numerator,
                    "denominator": m.denominator,
                    "value": m.value,
                    "incentive_percentage": m.incentive_percentage,
                }
                for m in report.measures
            ],
        }
        return Response(Ocse157Serializer(data).data)

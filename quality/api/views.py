"""Partner API: the OCSE-157 lines and the five measures for a fiscal year, computed live."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from core.api.schema import ErrorSerializer
from core.api.views import PartnerAPIView

from ..measures import ocse157
from .serializers import Ocse157QuerySerializer, Ocse157Serializer

# The report is the office's (the state's) federal report, every county's cases in each line and the
# office's expenditures in the cost-effectiveness measure, with incentive percentages that only the
# whole caseload earns (45 CFR 305.2, 305.33): a key limited to counties would read other counties'
# figures, and the same lines cut to its counties would be another report (no expenditures, no
# incentive) under the federal report's name. Only a state-wide key reads it (``state_wide_only``).
STATE_WIDE_ONLY_OCSE157 = (
    "The OCSE-157 report counts every county's cases (the office's federal report): only a state-wide key "
    "(all counties) may read it."
)


class Ocse157APIView(PartnerAPIView):
    scope_resource = "performance"
    state_wide_only = True
    state_wide_only_message = STATE_WIDE_ONLY_OCSE157

    @extend_schema(
        operation_id="performance_ocse157",
        description="The OCSE-157 lines and the five federal performance measures for a fiscal year, computed "
        "from the office's current data over every county's cases: a state-wide key only.",
        parameters=[
            OpenApiParameter(
                "fiscal_year", int, required=True, description="Federal fiscal year (Oct 1 – Sep 30), 2000–2100."
            )
        ],
        responses={
            200: Ocse157Serializer,
            403: OpenApiResponse(
                ErrorSerializer,
                description="The key lacks `performance:read`, or is limited to counties: the report counts "
                "every county's cases, so only a state-wide key may read it. The refusal is written to the "
                "access log (reason `state_wide_only`).",
            ),
        },
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

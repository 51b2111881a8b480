"""POST /api/v1/guidelines/ny/ and /ca/: the calculators for partners (scope guidelines:read —
a calculation reads tables and writes nothing)."""

from datetime import date
from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from . import ca_guideline, ny_guideline
from .tables import TableGap

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0"), "coerce_to_string": True}


def _validate_as_of(value: date) -> date:
    if not date(1989, 9, 15) <= value <= date(2100, 12, 31):
        raise serializers.ValidationError("Give a date from 1989-09-15 to 2100-12-31.")
    return value


class NyGuidelineInput(serializers.Serializer):
    parent_incomes = serializers.ListField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0")),
        min_length=2, max_length=2, help_text="Two annual incomes after the statutory deductions, payor first.")
    children = serializers.IntegerField(min_value=1, max_value=20)
    as_of = serializers.DateField(validators=[_validate_as_of])


class NyGuidelineOutput(serializers.Serializer):
    combined_income = serializers.DecimalField(**MONEY)
    capped_income = serializers.DecimalField(**MONEY)
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    basic_obligation_annual = serializers.DecimalField(**MONEY)
    payor_share = serializers.DecimalField(max_digits=6, decimal_places=4, coerce_to_string=True)
    payor_obligation_annual = serializers.DecimalField(**MONEY)
    payor_obligation_monthly = serializers.DecimalField(**MONEY)
    cap = serializers.DecimalField(**MONEY)
    cap_effective_on = serializers.DateField()
    notes = serializers.ListField(child=serializers.CharField())


class CaGuidelineInput(serializers.Serializer):
    high_earner_net_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    total_net_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    high_earner_timeshare = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=Decimal("0"),
                                                     max_value=Decimal("1"))
    children = serializers.IntegerField(min_value=1, max_value=10)
    as_of = serializers.DateField(validators=[_validate_as_of])

    def validate(self, attrs):
        if attrs["high_earner_net_monthly"] > attrs["total_net_monthly"]:
            raise serializers.ValidationError(
                {"high_earner_net_monthly": ["Cannot exceed total_net_monthly."]})
        return attrs


class CaGuidelineOutput(serializers.Serializer):
    k = serializers.DecimalField(max_digits=8, decimal_places=4, coerce_to_string=True)
    base_amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    multiplier = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=True)
    monthly_support = serializers.DecimalField(**MONEY)
    payor = serializers.ChoiceField(choices=["high_earner", "low_earner"])
    notes = serializers.ListField(child=serializers.CharField())


class _GuidelineAPIView(PartnerAPIView):
    scope_resource = "guidelines"
    scope_overrides = {"post": "guidelines:read"}

    def post(self, request):
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = self.calculate(data.validated_data)
        except (TableGap, ValueError) as exc:
            raise serializers.ValidationError({"detail": str(exc)})
        return Response(self.output_class(result).data)


class NyGuidelineAPIView(_GuidelineAPIView):
    input_class, output_class = NyGuidelineInput, NyGuidelineOutput

    @extend_schema(request=NyGuidelineInput, responses={200: NyGuidelineOutput}, operation_id="guidelines_ny",
                   summary="New York CSSA basic child support obligation (DRL 240(1-b))")
    def post(self, request):
        return super().post(request)

    def calculate(self, data):
        return ny_guideline(parent_incomes=tuple(data["parent_incomes"]), children=data["children"],
                            as_of=data["as_of"])


class CaGuidelineAPIView(_GuidelineAPIView):
    input_class, output_class = CaGuidelineInput, CaGuidelineOutput

    @extend_schema(request=CaGuidelineInput, responses={200: CaGuidelineOutput}, operation_id="guidelines_ca",
                   summary="California guideline child support (Fam. Code 4055)")
    def post(self, request):
        return super().post(request)

    def calculate(self, data):
        return ca_guideline(**data)

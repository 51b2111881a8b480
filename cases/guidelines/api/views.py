"""POST /api/v1/guidelines/ny/ and /ca/: the calculators for partners (scope guidelines:read —
a calculation reads tables and writes nothing).

Every input added for the full guidelines is optional, so today's calls keep their meaning; bad
input is a 400 keyed by the field (``{"as_of": [...]}``)."""

from datetime import date
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from .. import ca_guideline, ny_guideline
from ..ca import MAX_ENTERED_THRESHOLD
from ..tables import GuidelineInputError, TableGap

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0"), "coerce_to_string": True}
SIGNED: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}
AMOUNT: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


def _validate_as_of(value: date) -> date:
    if not date(1989, 9, 15) <= value <= date(2100, 12, 31):
        raise serializers.ValidationError("Give a date from 1989-09-15 to 2100-12-31.")
    return value


class ParameterSerializer(serializers.Serializer):
    """A legal parameter row the calculation used."""

    key = serializers.CharField()
    effective_on = serializers.DateField()
    value = serializers.CharField(help_text="The value as a decimal string.")
    citation = serializers.CharField()
    confirm = serializers.BooleanField(help_text="From a secondary source: check against the citation.")


class NyDeductionsInput(serializers.Serializer):
    fica = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))
    local_tax = serializers.DecimalField(
        **AMOUNT, required=False, default=Decimal("0"), help_text="New York City or Yonkers income tax actually paid."
    )
    maintenance_paid = serializers.DecimalField(
        **AMOUNT,
        required=False,
        default=Decimal("0"),
        help_text="Maintenance this parent pays to the other parent: deducted from this parent's income "
        "(DRL 240(1-b)(b)(5)(vii)(C)) and, from 2016-01-24, added to the other parent's "
        "((b)(5)(iii)(I), L. 2015 c. 387).",
    )
    other_support_paid = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))


class NyAddOnsInput(serializers.Serializer):
    child_care_annual = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))
    health_insurance_annual = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))
    unreimbursed_health_annual = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))
    education_annual = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))


def _per_parent(child: serializers.Field, help_text: str) -> serializers.ListField:
    """An optional input of two values, one per parent, payor first."""
    return serializers.ListField(child=child, min_length=2, max_length=2, required=False, help_text=help_text)


class NyGuidelineInput(serializers.Serializer):
    parent_incomes = _per_parent(
        serializers.DecimalField(**AMOUNT),
        "Two annual incomes after the statutory deductions, payor first. Or give gross_incomes.",
    )
    gross_incomes = _per_parent(
        serializers.DecimalField(**AMOUNT), "Two annual gross incomes, payor first (instead of parent_incomes)."
    )
    deductions = _per_parent(NyDeductionsInput(), "With gross_incomes: each parent's annual deductions, payor first.")
    add_ons = NyAddOnsInput(
        required=False,
        help_text="Annual costs for the children paid by the custodial parent; "
        "the payor's income share of each is added.",
    )
    children = serializers.IntegerField(min_value=1, max_value=20)
    as_of = serializers.DateField(validators=[_validate_as_of])

    def validate(self, attrs):
        if ("parent_incomes" in attrs) == ("gross_incomes" in attrs):
            field = "gross_incomes" if "gross_incomes" in attrs else "parent_incomes"
            raise serializers.ValidationError({field: ["Give either parent_incomes or gross_incomes (not both)."]})
        if "deductions" in attrs and "gross_incomes" not in attrs:
            raise serializers.ValidationError({"deductions": ["Deductions go with gross_incomes."]})
        return attrs


class NyGuidelineOutput(serializers.Serializer):
    combined_income = serializers.DecimalField(**MONEY)
    capped_income = serializers.DecimalField(**MONEY)
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    basic_obligation_annual = serializers.DecimalField(**MONEY)
    payor_share = serializers.DecimalField(max_digits=6, decimal_places=4, coerce_to_string=True)
    payor_obligation_annual = serializers.DecimalField(**MONEY)
    payor_obligation_monthly = serializers.DecimalField(
        **MONEY, help_text="Basic obligation after the low-income rules."
    )
    cap = serializers.DecimalField(**MONEY)
    cap_effective_on = serializers.DateField()
    cssa_incomes = serializers.ListField(
        child=serializers.DecimalField(**MONEY),
        help_text="Each parent's income after the deductions, maintenance received from the other parent "
        "included, payor first.",
    )
    maintenance_received = serializers.ListField(
        child=serializers.DecimalField(**MONEY),
        help_text="Maintenance each parent receives from the other, added to its income "
        "(DRL 240(1-b)(b)(5)(iii)(I), from 2016-01-24), payor first.",
    )
    poverty_guideline = serializers.DecimalField(**MONEY)
    self_support_reserve = serializers.DecimalField(**MONEY)
    low_income_rule = serializers.ChoiceField(choices=["", "poverty", "reserve"])
    above_cap = serializers.BooleanField()
    all_income_basic_annual = serializers.DecimalField(**MONEY)
    payor_obligation_all_income_annual = serializers.DecimalField(**MONEY)
    payor_obligation_all_income_monthly = serializers.DecimalField(**MONEY)
    payor_add_ons_annual = serializers.DecimalField(
        **MONEY,
        help_text=(
            "Add-ons added on top of the basic obligation: 0 when a low-income rule applies, whose amount is the "
            "whole obligation, add-ons included (DRL 240(1-b)(b)(1), (d))."
        ),
    )
    payor_add_ons_monthly = serializers.DecimalField(**MONEY)
    payor_total_monthly = serializers.DecimalField(**MONEY, help_text="Basic obligation plus add-ons.")
    parameters = ParameterSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class CaAddOnsInput(serializers.Serializer):
    child_care_monthly = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))
    uninsured_health_monthly = serializers.DecimalField(**AMOUNT, required=False, default=Decimal("0"))


class CaGuidelineInput(serializers.Serializer):
    high_earner_net_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    total_net_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    high_earner_timeshare = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("1")
    )
    children = serializers.IntegerField(min_value=1, max_value=10)
    as_of = serializers.DateField(validators=[_validate_as_of])
    low_income_adjustment = serializers.ChoiceField(choices=["apply", "rebutted"], required=False, default="apply")
    rebuttal_reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)
    low_income_threshold = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_ENTERED_THRESHOLD,
        required=False,
        error_messages={
            "min_value": "The low-income threshold is a monthly amount above 0.",
            "max_value": f"The low-income threshold is at most {MAX_ENTERED_THRESHOLD} a month.",
        },
        help_text="Only for a date before 2024-09-01: the Judicial Council's low-income threshold for that year "
        "(monthly net income, former Fam. Code 4055(b)(7)); the presumption and the adjustment then apply as "
        "from 2024-09-01. Refused for a date from 2024-09-01, when the law sets the threshold from the minimum "
        "wage.",
    )
    add_ons = CaAddOnsInput(
        required=False,
        help_text=(
            "Monthly costs (Fam. Code 4062). From 2024-09-01 shared in proportion to net incomes after the child "
            "support paid (4061(a), (d)); before, one-half to each parent (former 4061(a))."
        ),
    )

    def validate(self, attrs):
        if attrs["high_earner_net_monthly"] > attrs["total_net_monthly"]:
            raise serializers.ValidationError({"high_earner_net_monthly": ["Cannot exceed total_net_monthly."]})
        if attrs.get("low_income_adjustment") == "rebutted" and not attrs.get("rebuttal_reason", "").strip():
            raise serializers.ValidationError({"rebuttal_reason": ["Record why the presumption is rebutted."]})
        return attrs


class CaChildShareSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 for the youngest child, 2 for the next youngest, …")
    child = serializers.CharField(
        source="label", help_text='"Youngest child", "Next youngest child", "3rd youngest child", …'
    )
    born_on = serializers.DateField(allow_null=True, help_text="Null: the calculator was not given the children.")
    amount = serializers.DecimalField(**MONEY)


class CaGuidelineOutput(serializers.Serializer):
    k = serializers.DecimalField(max_digits=8, decimal_places=4, coerce_to_string=True)
    fraction = serializers.DecimalField(
        max_digits=8,
        decimal_places=4,
        coerce_to_string=True,
        help_text="The income-band fraction of the table in force.",
    )
    table_effective_on = serializers.DateField()
    base_amount = serializers.DecimalField(**SIGNED)
    multiplier = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=True)
    monthly_support_before_adjustment = serializers.DecimalField(**MONEY)
    low_income_adjustment = serializers.ChoiceField(choices=["applied", "rebutted", "not_applicable"])
    low_income_threshold = serializers.DecimalField(
        **MONEY,
        allow_null=True,
        help_text="From 2024-09-01 the minimum-wage threshold of SB 343; before, the figure given as input "
        "(null when none was given: no adjustment calculated).",
    )
    low_income_threshold_entered = serializers.BooleanField(
        help_text="True when the threshold is the Judicial Council's figure given as input (former 4055(b)(7))."
    )
    low_income_reduction = serializers.DecimalField(**MONEY)
    monthly_support = serializers.DecimalField(**MONEY, help_text="Guideline amount after the low-income adjustment.")
    payor = serializers.ChoiceField(choices=["high_earner", "low_earner"])
    add_on_rule = serializers.ChoiceField(
        choices=["equal", "income_proportional"],
        help_text="How the add-ons were divided: one-half each (former Fam. Code 4061(a), before 2024-09-01) or "
        "in proportion to net incomes after the child support paid (4061(a), (d) as amended by SB 343).",
    )
    payor_add_on_share = serializers.DecimalField(
        max_digits=6, decimal_places=4, coerce_to_string=True, help_text="The payor's share of each add-on."
    )
    payor_add_ons_monthly = serializers.DecimalField(**MONEY)
    payor_total_monthly = serializers.DecimalField(**MONEY)
    child_allocation = CaChildShareSerializer(
        many=True,
        help_text="monthly_support child by child, youngest first (Fam. Code 4055(b)(8)): the youngest child's "
        "amount is the support for one child, the next youngest's the support for two children less that for "
        "one, and so on; the amounts add up to monthly_support. Empty for one child.",
    )
    parameters = ParameterSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class _GuidelineAPIView(PartnerAPIView):
    input_class: type[serializers.Serializer]
    output_class: type[serializers.Serializer]
    scope_resource = "guidelines"
    scope_overrides = {"post": "guidelines:read"}

    def post(self, request):
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = self.calculate(data.validated_data)
        except GuidelineInputError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]})
        except TableGap as exc:
            raise serializers.ValidationError({"as_of": [str(exc)]})
        return Response(self.output_class(self.represent(result)).data)

    def represent(self, result) -> dict:
        return {**vars(result), "parameters": [p.as_dict() for p in result.parameters]}


def guideline_schema(*, operation_id: str, summary: str):
    """The OpenAPI operation of a calculator view: its ``input_class`` in, its ``output_class`` out."""

    def decorate(view: type[_GuidelineAPIView]) -> type[_GuidelineAPIView]:
        return extend_schema_view(
            post=extend_schema(
                request=view.input_class,
                responses={200: view.output_class},
                operation_id=operation_id,
                summary=summary,
            )
        )(view)

    return decorate


@guideline_schema(operation_id="guidelines_ny", summary="New York CSSA child support obligation (DRL 240(1-b))")
class NyGuidelineAPIView(_GuidelineAPIView):
    input_class, output_class = NyGuidelineInput, NyGuidelineOutput

    def calculate(self, data):
        incomes = (
            {"parent_incomes": tuple(data["parent_incomes"])}
            if "parent_incomes" in data
            else {
                "gross_incomes": tuple(data["gross_incomes"]),
                "deductions": tuple(data["deductions"]) if "deductions" in data else None,
            }
        )
        return ny_guideline(children=data["children"], as_of=data["as_of"], add_ons=data.get("add_ons"), **incomes)

    def represent(self, result) -> dict:
        return {
            **super().represent(result),
            "cssa_incomes": [i.cssa_income for i in result.incomes],
            "maintenance_received": [i.maintenance_received for i in result.incomes],
            "above_cap": result.above_cap,
        }


@guideline_schema(
    operation_id="guidelines_ca", summary="California guideline child support (Fam. Code 4055 as amended by SB 343)"
)
class CaGuidelineAPIView(_GuidelineAPIView):
    input_class, output_class = CaGuidelineInput, CaGuidelineOutput

    def calculate(self, data):
        return ca_guideline(**data)

    def represent(self, result) -> dict:
        return {**super().represent(result), "fraction": result.band_fraction}

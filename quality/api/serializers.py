from rest_framework import serializers

from ..fiscal import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR


class Ocse157QuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR)


class Ocse157LinesSerializer(serializers.Serializer):
    def get_fields(self):
        fields = {key: serializers.IntegerField() for key in ("1", "2", "5a", "6", "28", "29")}
        fields.update({key: serializers.DecimalField(max_digits=16, decimal_places=2) for key in ("24", "25")})
        return fields


class MeasureSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=["paternity", "orders", "current_collections", "arrears_collections", "cost_effectiveness"]
    )
    numerator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="Percentage (two decimals); a ratio for cost_effectiveness.",
    )
    incentive_percentage = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class Ocse157Serializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    lines = Ocse157LinesSerializer()
    measures = MeasureSerializer(many=True)

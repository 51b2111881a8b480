from rest_framework import serializers

from ..choices import ComplianceStatus


class ComplianceUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name()


class ComplianceCourseSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    """One required course for one staff member: status on today's date and the date it falls due."""

    user = ComplianceUserSerializer()
    unit = serializers.CharField(source="user.unit")
    roles = serializers.ListField(child=serializers.CharField())
    course = ComplianceCourseSerializer()
    status = serializers.ChoiceField(choices=ComplianceStatus.choices)
    last_completed = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(source="due_on", allow_null=True)

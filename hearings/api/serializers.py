from rest_framework import serializers

from core.api.schema import one_of
from hearings.choices import GoodCause, HearingStatus, Mode, Outcome, RequestStatus
from hearings.models import Hearing, HearingRequest


class HearingSerializer(serializers.ModelSerializer):
    officer = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=one_of(HearingStatus.choices))
    mode = serializers.CharField(read_only=True, help_text=one_of(Mode.choices))

    class Meta:
        model = Hearing
        fields = ["starts_at", "mode", "status", "officer", "beyond_target"]

    def get_officer(self, obj) -> str:
        return str(obj.officer)


class HearingRequestSerializer(serializers.ModelSerializer):
    case_number = serializers.SerializerMethodField()
    complaint_number = serializers.SerializerMethodField()
    hearings = HearingSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=one_of(RequestStatus.choices))
    outcome = serializers.CharField(read_only=True, help_text=one_of(Outcome.choices) + " Empty until decided.")
    good_cause = serializers.CharField(read_only=True, help_text=one_of(GoodCause.choices) + " Empty unless late.")

    class Meta:
        model = HearingRequest
        fields = [
            "number",
            "status",
            "issue",
            "in_jurisdiction",
            "requested_on",
            "basis",
            "filing_deadline",
            "is_late",
            "good_cause",
            "hold_by",
            "decide_by",
            "outcome",
            "decided_on",
            "case_number",
            "complaint_number",
            "hearings",
        ]

    def get_case_number(self, obj) -> str:
        return obj.case.case_number if obj.case_id else ""

    def get_complaint_number(self, obj) -> str:
        return obj.complaint.number if obj.complaint_id else ""

"""Partner API: enforcement actions and court actions, read-only (no addresses: FVI-safe)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api.pagination import PageOrCursorPagination
from core.api.views import PartnerAPIView, PartnerReadOnlyViewSet, RestrictedQuerysetMixin

from ..choices import ActionStatus
from ..filtersets import EnforcementActionApiFilterSet, PetitionFilterSet
from ..models import CourtHearing, EnforcementAction, Petition
from ..services.actions import RuleNoLongerMet, action_notice_issue


class RuleRefSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    effective_from = serializers.DateField()
    citation = serializers.CharField()
    conditions = serializers.CharField(source="threshold_text")


class EnforcementActionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.case_number")
    rule = RuleRefSerializer()
    reference = serializers.CharField()

    class Meta:
        model = EnforcementAction
        fields = [
            "id", "reference", "case_number", "remedy", "status", "rule", "proposed_on", "total_arrears",
            "assigned_arrears", "unassigned_arrears", "months_in_arrears", "delinquent_since",
            "notice_issued_on", "notice_total_arrears", "notice_months_in_arrears", "contest_opens_on", "contest_ends_on", "contested_on", "contest_decision",
            "activated_on", "partner", "ended_on", "release_reason", "timeframe_due_on", "taken_on", "updated_at",
        ]


class CourtHearingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourtHearing
        fields = ["scheduled_for", "court_part", "judge", "result"]


class CourtActionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.case_number")
    hearings = CourtHearingSerializer(many=True)
    resulting_order = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = ["id", "case_number", "kind", "status", "court_name", "docket_number", "filed_on", "served_on",
                  "outcome", "outcome_on", "resulting_order", "hearings", "updated_at"]

    def get_resulting_order(self, obj) -> str | None:
        order = obj.resulting_order
        return f"{order.order_number} v{order.version}" if order else None


@extend_schema_view(
    list=extend_schema(summary="Enforcement actions (filter by case_number, remedy, status, updated_since)"),
    retrieve=extend_schema(summary="One enforcement action"),
)
class EnforcementActionViewSet(RestrictedQuerysetMixin, PartnerReadOnlyViewSet):  # the key's counties
    scope_resource = "enforcement"
    lookup_value_converter = "int"
    serializer_class = EnforcementActionSerializer
    filterset_class = EnforcementActionApiFilterSet
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("-id",)  # the primary key: keyset pages (?pagination=cursor), newest first
    queryset = EnforcementAction.objects.select_related("case", "rule").order_by("-updated_at", "-id")


@extend_schema_view(
    list=extend_schema(summary="Court actions: petitions with their hearings and outcome"),
    retrieve=extend_schema(summary="One court action"),
)
class CourtActionViewSet(RestrictedQuerysetMixin, PartnerReadOnlyViewSet):  # the key's counties
    scope_resource = "court_actions"
    lookup_value_converter = "int"
    serializer_class = CourtActionSerializer
    filterset_class = PetitionFilterSet
    queryset = (Petition.objects.select_related("case", "resulting_order")
                .prefetch_related(Prefetch("hearings", queryset=CourtHearing.objects.order_by("scheduled_for")))
                .order_by("-updated_at", "-id"))


class NoticeConflictSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["rule_no_longer_met", "not_proposed"],
                                   help_text="rule_no_longer_met: the case no longer meets the rule on the notice "
                                             "date; not_proposed: the notice was already issued or the action ended.")
    detail = serializers.CharField(help_text="Why, in words (e.g. the arrears today and the rule's threshold).")


class EnforcementActionIssueNoticeAPIView(PartnerAPIView):
    """``POST /api/v1/enforcement-actions/{id}/issue-notice/``: issue the notice of a proposed action,
    through the same service as the action page. The case is checked against the rule on the notice
    date: if it no longer meets it, 409 ``{"code": "rule_no_longer_met", "detail": ...}`` and
    nothing changes."""

    scope_resource = "enforcement"
    extra_error_responses = {"409": ("The case no longer meets the rule, or the notice was already issued",
                                     NoticeConflictSerializer)}

    @extend_schema(request=None, responses={200: EnforcementActionSerializer},
                   summary="Issue the notice of a proposed enforcement action")
    def post(self, request, pk: int):
        action = get_object_or_404(EnforcementAction.objects.restrict(request.user, "change")  # the key's counties
                                   .select_related("case", "rule"), pk=pk)
        if action.status != ActionStatus.PROPOSED:
            return Response({"code": "not_proposed",
                             "detail": f"The action is {action.get_status_display().lower()}: no notice to issue."},
                            status=status.HTTP_409_CONFLICT)
        try:
            action = action_notice_issue(action=action, by=None, agency=self.agency)
        except RuleNoLongerMet as exc:
            return Response({"code": RuleNoLongerMet.code, "detail": exc.reason}, status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return Response({"code": "not_proposed", "detail": " ".join(exc.messages)},
                            status=status.HTTP_409_CONFLICT)
        return Response(EnforcementActionSerializer(action).data)

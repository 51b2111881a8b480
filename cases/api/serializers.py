"""Partner API representations of cases. No addresses and no SSNs: whereabouts are released only
through a court's one-time FVI override (42 USC 654(26)); FTI never appears here."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Address, Case, CaseBalance, CaseParticipant, Obligation, SupportOrder


class BalanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseBalance
        fields = ["monthly_obligation", "current_due_month", "current_paid_month", "unassigned_arrears",
                  "assigned_arrears", "total_arrears", "months_in_arrears", "last_payment_on", "last_payment_amount",
                  "delinquent_since"]


class ParticipantSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    family_violence = serializers.BooleanField(source="person.family_violence")
    person_id = serializers.IntegerField(source="person.id")

    class Meta:
        model = CaseParticipant
        fields = ["role", "person_id", "first_name", "last_name", "family_violence"]


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["kind", "amount", "frequency", "start_on", "end_on"]


class OrderSerializer(serializers.ModelSerializer):
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = SupportOrder
        fields = ["order_number", "version", "kind", "court_name", "issued_on", "effective_on", "status", "obligations"]


class CaseSerializer(serializers.ModelSerializer):
    balance = BalanceSerializer(read_only=True, allow_null=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = ["case_number", "county", "jurisdiction", "assistance_status", "status", "stage", "closure_reason",
                  "closed_on", "application_received_on", "opened_on", "interstate_role", "other_state",
                  "other_state_case_id", "interstate_referred_on", "next_deadline_on", "next_deadline_kind",
                  "updated_at", "balance", "participants"]


class CaseDetailSerializer(CaseSerializer):
    orders = OrderSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "orders"]


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["line1", "line2", "city", "state", "postal_code", "valid_from", "valid_to"]


class OverrideUseSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    court_order_reference = serializers.CharField()
    addresses = AddressSerializer(many=True)

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from rest_framework import serializers

from complaints.choices import Category, ComplaintStatus, Outcome
from complaints.forms import clean_phone
from complaints.models import Complaint
from core.api.schema import one_of

UNKNOWN_CASE_HELP = "True when a case number was given that names no case of the key's counties."


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise serializers.ValidationError("NUL characters are not allowed.")
    return value


class ComplaintCreateSerializer(serializers.Serializer):
    complainant_name = serializers.CharField(max_length=200, validators=[_no_nul])
    contact = serializers.CharField(
        max_length=254, validators=[_no_nul], help_text="An email address or a phone number (7 to 15 digits)."
    )
    case_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        validators=[_no_nul],
        help_text="The case the complaint is about, if known. A number that names no case of the key's counties "
        "is recorded as received, without a case, and flagged `unknown_case`.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=10000, validators=[_no_nul])
    received_on = serializers.DateField()
    known_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_contact(self, value: str) -> dict:
        value = value.strip()
        if "@" in value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise serializers.ValidationError("Enter a valid email address or phone number.") from None
            return {"contact_email": value, "contact_phone": ""}
        try:
            return {"contact_email": "", "contact_phone": clean_phone(value) or _missing()}
        except DjangoValidationError:
            raise serializers.ValidationError("Enter a valid email address or phone number.") from None

    def validate_received_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The date received cannot be in the future.")
        return value

    def validate(self, attrs):
        if attrs.get("known_on") and attrs["known_on"] > attrs["received_on"]:
            raise serializers.ValidationError({"known_on": "Cannot be after the date received."})
        return attrs


def _missing():
    raise DjangoValidationError("missing")


class ComplaintStatusSerializer(serializers.ModelSerializer):
    """A complaint as the agency that filed it follows it. Staff may link it to a case later, any
    county's: a case outside the key's counties is not named (``case_number`` empty, ``unknown_case``
    as at filing), the same answer as before the link, as the intake answers another county's number
    like one that does not exist."""

    case_number = serializers.SerializerMethodField(
        help_text="The number of the complaint's case; empty when it has none (`unknown_case`, or none given) "
        "or its case is of a county outside the key's."
    )
    status = serializers.CharField(read_only=True, help_text=one_of(ComplaintStatus.choices))
    outcome = serializers.CharField(read_only=True, help_text=one_of(Outcome.choices) + " Empty while open.")

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "category",
            "received_on",
            "due_on",
            "case_number",
            "unknown_case",
            "past_known_limit",
            "resolved_on",
            "outcome",
            "hearing_deadline",
        ]
        extra_kwargs = {"unknown_case": {"help_text": UNKNOWN_CASE_HELP}}

    def case_in_reach(self, obj) -> bool:
        """Whether the complaint's case is one the key reads (its counties'); once per complaint."""
        from cases.models import Case

        if not obj.case_id:
            return False
        known = getattr(obj, "_case_in_reach", None)
        if known is None:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            known = Case.objects.restrict(user, "view").filter(pk=obj.case_id).exists()
            obj._case_in_reach = known
        return known

    def get_case_number(self, obj) -> str:
        return obj.case.case_number if self.case_in_reach(obj) else ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.case_id and not self.case_in_reach(instance):
            # As at filing: a number given that names no case of the key's counties is unknown to it.
            data["unknown_case"] = bool(instance.case_number_received)
        return data


class ComplaintCreatedSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=one_of(ComplaintStatus.choices))

    class Meta:
        model = Complaint
        fields = ["number", "status", "received_on", "due_on", "unknown_case", "past_known_limit"]
        extra_kwargs = {"unknown_case": {"help_text": UNKNOWN_CASE_HELP}}

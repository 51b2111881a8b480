"""Serializers of the enforcement partner API: enforcement and court actions, payment files, NACHA
return files and partner files (their reports, uploads and rows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import Frequency
from core.api.rows import Represent, field_representers, row_representer

from ..choices import PartnerFileDirection, PartnerFileStatus, PaymentFileStatus, ReturnFileStatus
from ..models import CourtHearing, EnforcementAction, PartnerFile, Petition, RemedyRule
from ..services.partner_files import partner_file_carries_fti, partner_file_errors_without_fti
from ..services.payments import MAX_FILE_BYTES as PAYMENT_FILE_MAX_BYTES
from ..services.returns import MAX_FILE_BYTES as RETURN_FILE_MAX_BYTES


# ---- actions -----------------------------------------------------------------------------------------------
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
            "id",
            "reference",
            "case_number",
            "remedy",
            "status",
            "rule",
            "proposed_on",
            "total_arrears",
            "assigned_arrears",
            "unassigned_arrears",
            "months_in_arrears",
            "delinquent_since",
            "notice_issued_on",
            "notice_total_arrears",
            "notice_months_in_arrears",
            *EnforcementAction.NOTICE_WITHHOLDING_FIELDS,
            "contest_opens_on",
            "contest_ends_on",
            "contested_on",
            "contest_decision",
            "activated_on",
            "partner",
            "ended_on",
            "release_reason",
            "timeframe_due_on",
            "taken_on",
            "updated_at",
        ]
        # What an income withholding notice told the NCP the employer would be told to withhold (42
        # USC 666(b)(4)(B)), kept as issued; null for other remedies and for notices issued before
        # these were kept.
        extra_kwargs: ClassVar[dict] = {
            **{
                name: {
                    "read_only": True,
                    "help_text": f"Income withholding notice: the amount to withhold if paid "
                    f"{Frequency(frequency).label.lower()}, "
                    "as the notice stated it (0.00: nothing to withhold on the notice date).",
                }
                for frequency, name in EnforcementAction.NOTICE_WITHHOLD_PER.items()
            },
            "notice_withhold_limit_percent": {
                "read_only": True,
                "help_text": "Income withholding notice: the Consumer Credit Protection Act limit it stated "
                "(percent of disposable earnings, 15 USC 1673(b)).",
            },
        }


# The list's columns from ``.values()`` (issue 17.3): the action's own, its case's number and its rule's id.
ACTION_LIST_VALUES = (
    "id",
    "case__case_number",
    "rule_id",
    *(
        name
        for name in EnforcementActionSerializer.Meta.fields
        if name not in ("id", "reference", "case_number", "rule")
    ),
)


def action_rows_represent(rows: list[dict], rules: Iterable[RemedyRule]) -> list[dict]:
    """``EnforcementActionSerializer``'s representation of ``rows`` (``ACTION_LIST_VALUES``) without
    model instances (issue 17.3): each column by its serializer field (``core.api.rows``), the
    reference from the id, and each rule of the page (``rules``: those the rows name) represented
    once as ``RuleRefSerializer`` represents it, not once per row (a page names a handful of rule versions)."""
    rule_fields = list(field_representers(RuleRefSerializer, ("version", "effective_from", "citation")).items())
    shown_rules = {
        # RuleRefSerializer's own: its fields as represented, ``conditions`` the text of ``threshold_text()``
        rule.pk: {
            **{name: show(getattr(rule, name)) for name, show in rule_fields},
            "conditions": str(rule.threshold_text()),
        }
        for rule in rules
    }
    names = tuple(EnforcementActionSerializer.Meta.fields)
    special: dict[str, tuple[str, Represent]] = {
        "reference": ("id", EnforcementAction.reference_of),
        "case_number": ("case__case_number", str),
        "rule": ("rule_id", shown_rules.__getitem__),
    }
    plain = field_representers(EnforcementActionSerializer, tuple(name for name in names if name not in special))
    fields: list[tuple[str, str, Represent]] = []
    for name in names:
        column, show = special.get(name) or (name, plain[name])
        fields.append((name, column, show))
    represent = row_representer(fields)
    return [represent(row) for row in rows]


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
        fields = [
            "id",
            "case_number",
            "kind",
            "status",
            "court_name",
            "docket_number",
            "filed_on",
            "served_on",
            "outcome",
            "outcome_on",
            "resulting_order",
            "hearings",
            "updated_at",
        ]

    def get_resulting_order(self, obj) -> str | None:
        order = obj.resulting_order
        return f"{order.order_number} v{order.version}" if order else None


class NoticeConflictSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["rule_no_longer_met", "not_proposed", "no_postal_address"],
        help_text="rule_no_longer_met: the case no longer meets the rule on the notice "
        "date; not_proposed: the notice was already issued or the action ended; no_postal_address: no postal "
        "address is on file for the noncustodial parent, nothing was sent and the action stays proposed (a work "
        "item is opened on the case).",
    )
    detail = serializers.CharField(help_text="Why, in words (e.g. the arrears today and the rule's threshold).")


# ---- uploads -----------------------------------------------------------------------------------------------
# A multipart ``file`` of at most ``max_bytes``; subclasses declare ``file`` with its help text. (A comment,
# not a docstring: drf-spectacular would print a docstring as each subclass's schema description.)
class FileUploadSerializer(serializers.Serializer):
    max_bytes: ClassVar[int]
    too_large: ClassVar[str]

    def validate_file(self, upload):
        if upload.size > self.max_bytes:
            raise serializers.ValidationError(self.too_large)
        return upload


# ---- payment files -----------------------------------------------------------------------------------------
class PaymentFileUploadSerializer(FileUploadSerializer):
    file = serializers.FileField(help_text="The NACHA CCD+ file (DED addenda), at most 25 MB.")
    max_bytes = PAYMENT_FILE_MAX_BYTES
    too_large = "The file is larger than 25 MB."


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file (0: the request itself).")
    reason = serializers.CharField()


class HeldEntrySerializer(serializers.Serializer):
    line = serializers.IntegerField()
    case_id = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField()


class LateEntrySerializer(serializers.Serializer):
    line = serializers.IntegerField()
    case_id = serializers.CharField()
    pay_date = serializers.DateField()
    due_by = serializers.DateField()
    received_on = serializers.DateField()


class PaymentFileReportSerializer(serializers.Serializer):
    file = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=PaymentFileStatus.choices)
    entries = serializers.IntegerField()
    posted = serializers.IntegerField()
    held = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    late = serializers.IntegerField(
        help_text="Remitted more than 7 business days after the pay date (42 USC 666(b)(6)(A)(i))."
    )
    padded = serializers.IntegerField(
        help_text="Records shorter than 94 characters (trailing blanks stripped "
        "in transfer) that were padded with blanks before validation."
    )
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    errors = ImportErrorSerializer(many=True)
    held_entries = HeldEntrySerializer(many=True)
    late_entries = LateEntrySerializer(many=True)


# ---- nacha returns -----------------------------------------------------------------------------------------
class NachaReturnUploadSerializer(FileUploadSerializer):
    file = serializers.FileField(help_text="The NACHA return file (returns and notifications of change), at most 5 MB.")
    max_bytes = RETURN_FILE_MAX_BYTES
    too_large = "The file is larger than 5 MB."


class ReturnItemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    code = serializers.CharField(help_text="Return reason (R01–R85) or change code (C01–C14).")
    case_number = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["held", "corrected", "noted", "duplicate", "unmatched"])
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    reason = serializers.CharField(required=False)


class NachaReturnReportSerializer(serializers.Serializer):
    file = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=ReturnFileStatus.choices)
    returns = serializers.IntegerField()
    notifications = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    held_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]  # a field named like Serializer.errors
    items = ReturnItemSerializer(many=True)


# ---- partner files -----------------------------------------------------------------------------------------
class PartnerFileErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file (0: the file as a whole, or the request).")
    reason = serializers.CharField(
        required=False,
        help_text="What is wrong, naming the field and its columns. Absent for a kind that carries federal tax "
        "information (offset-collections): a reason quotes the record's amounts (IRS Publication 1075).",
    )


class PartnerFileReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    direction = serializers.ChoiceField(choices=PartnerFileDirection.choices)
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=PartnerFileStatus.choices)
    control_number = serializers.CharField(allow_blank=True)
    records = serializers.IntegerField(help_text="Records in the file (header and trailer included).")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text='What the import did, e.g. {"matched": 3, "unmatched": 97}.'
    )
    totals = serializers.DictField(
        child=serializers.CharField(),
        help_text="Money totals, as decimal strings. Empty for a kind that carries federal tax information "
        "(offset-collections): no partner key is shown FTI (IRS Publication 1075).",
    )
    errors = PartnerFileErrorSerializer(many=True)  # type: ignore[assignment]
    replay_of = serializers.IntegerField(allow_null=True, help_text="The file first accepted with this content.")
    created_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class QueuedReportSerializer(PartnerFileReportSerializer):
    status_url = serializers.CharField(help_text="GET it until status is no longer received or processing.")


class PartnerFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The partner file, fixed-width ASCII records.")

    def validate_file(self, upload):
        # The size the upload already has, checked before the view reads it into memory (the
        # service checks the bytes it is given against the same cap).
        limit = settings.CASEWORKS_PARTNER_FILE_MAX_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(f"The file is larger than {limit} bytes.")
        return upload


def partner_file_api_report(partner_file: PartnerFile) -> dict:
    """A partner file's report as the API gives it: of a file carrying federal tax information,
    the totals (tax offset amounts) withheld and its errors reduced to their lines (a reason quotes
    the amounts), since no partner key is shown FTI (IRS Publication 1075; docs/ledger.md)."""
    report = partner_file.report
    if not partner_file_carries_fti(partner_file.kind):
        return report
    return {**report, "totals": {}, "errors": partner_file_errors_without_fti(partner_file)}


class PartnerFileSerializer(serializers.ModelSerializer):
    """A partner file's status and report (the content is fetched separately)."""

    report = serializers.SerializerMethodField()
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = PartnerFile
        fields = [
            "id",
            "kind",
            "direction",
            "status",
            "name",
            "size",
            "sha256",
            "control_number",
            "layout",
            "county",
            "created_at",
            "finished_at",
            "fetched_at",
            "report",
            "content_url",
        ]

    @extend_schema_field(PartnerFileReportSerializer)
    def get_report(self, obj) -> dict:
        return partner_file_api_report(obj)

    def get_content_url(self, obj) -> str:
        return reverse("partner_files_content", kwargs={"pk": obj.pk})

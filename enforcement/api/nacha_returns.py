"""``POST /api/v1/nacha-returns/``: the bank sends a NACHA return/NOC file for the office's
disbursement files (returns R01–R85 and notifications of change)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from ..choices import ReturnFileStatus
from ..services.returns import MAX_FILE_BYTES, ReturnReport, nacha_return_import
from .payment_files import ImportErrorSerializer
from .uploads import FileImportAPIView, FileUploadSerializer, file_import_schema


class NachaReturnUploadSerializer(FileUploadSerializer):
    file = serializers.FileField(help_text="The NACHA return file (returns and notifications of change), at most 5 MB.")
    max_bytes = MAX_FILE_BYTES
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


@extend_schema_view(post=file_import_schema(
    operation_id="nacha_returns_import", upload=NachaReturnUploadSerializer, report=NachaReturnReportSerializer,
    imported="Imported: returns held, details corrected.",
    duplicate="The same file was imported before: nothing changed.",
    rejected="Rejected: each error with its line; nothing changed. A missing or "
             "oversized `file` field is reported the same way, with line 0.",
    description="Import a NACHA return file for the office's disbursement files. The whole file is validated "
                "before anything changes; returns and notifications seen before change nothing.",
))
class NachaReturnImportAPIView(FileImportAPIView):
    scope_resource = "nacha_returns"
    upload_serializer_class = NachaReturnUploadSerializer
    import_service = staticmethod(nacha_return_import)
    statuses = ReturnFileStatus
    report_class = ReturnReport
    default_name = "returns"

"""``POST /api/v1/payment-files/``: a partner (employer, bank) sends a NACHA CCD+ payment file."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from ..choices import PaymentFileStatus
from ..services.payments import MAX_FILE_BYTES, ImportReport, payment_file_import_now
from .uploads import FileImportAPIView, FileUploadSerializer, file_import_schema


class PaymentFileUploadSerializer(FileUploadSerializer):
    file = serializers.FileField(help_text="The NACHA CCD+ file (DED addenda), at most 25 MB.")
    max_bytes = MAX_FILE_BYTES
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
    late = serializers.IntegerField(help_text="Remitted more than 7 business days after the pay date "
                                              "(42 USC 666(b)(6)(A)(i)).")
    padded = serializers.IntegerField(help_text="Records shorter than 94 characters (trailing blanks stripped "
                                                "in transfer) that were padded with blanks before validation.")
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    errors = ImportErrorSerializer(many=True)
    held_entries = HeldEntrySerializer(many=True)
    late_entries = LateEntrySerializer(many=True)


@extend_schema_view(post=file_import_schema(
    operation_id="payment_files_import", upload=PaymentFileUploadSerializer, report=PaymentFileReportSerializer,
    imported="Imported: entries posted or held.",
    duplicate="The same file was imported before: its entries are counted as "
              "duplicates and nothing is posted.",
    rejected="Rejected: the report lists each error with its line; nothing posted. "
             "A missing or oversized `file` field is reported the same way, with line 0.",
    description="Import an employer NACHA CCD+ child support payment file (DED addenda). The whole file is "
                "validated before anything is posted.",
))
class PaymentFileImportAPIView(FileImportAPIView):
    scope_resource = "payment_files"
    upload_serializer_class = PaymentFileUploadSerializer
    import_service = staticmethod(payment_file_import_now)
    statuses = PaymentFileStatus
    report_class = ImportReport
    default_name = "payment-file"

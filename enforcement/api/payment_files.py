"""``POST /api/v1/payment-files/``: a partner (employer, bank) sends a NACHA CCD+ payment file."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from ..choices import FileVia, PaymentFileStatus
from ..services.payments import MAX_FILE_BYTES, ImportReport, payment_file_import_now


class PaymentFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The NACHA CCD+ file (DED addenda), at most 25 MB.")

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError("The file is larger than 25 MB.")
        return upload


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


class PaymentFileImportAPIView(PartnerAPIView):
    scope_resource = "payment_files"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="payment_files_import",
        request={"multipart/form-data": PaymentFileUploadSerializer},
        responses={
            201: OpenApiResponse(PaymentFileReportSerializer, description="Imported: entries posted or held."),
            200: OpenApiResponse(PaymentFileReportSerializer,
                                 description="The same file was imported before: its entries are counted as "
                                             "duplicates and nothing is posted."),
            400: OpenApiResponse(PaymentFileReportSerializer,
                                 description="Rejected: the report lists each error with its line; nothing posted. "
                                             "A missing or oversized `file` field is reported the same way, with line 0."),
        },
        description="Import an employer NACHA CCD+ child support payment file (DED addenda). The whole file is "
                    "validated before anything is posted.",
    )
    def post(self, request):
        serializer = PaymentFileUploadSerializer(data=request.data)
        if not serializer.is_valid():
            return _rejected([f"file: {' '.join(map(str, errors))}" for errors in serializer.errors.values()])
        upload = serializer.validated_data["file"]
        agency = getattr(request.user, "agency", None)
        try:
            payment_file = payment_file_import_now(name=upload.name or "payment-file", content=upload.read(),
                                                   via=FileVia.API, actor_label=str(agency or "API"))
        except DjangoValidationError as exc:
            return _rejected(exc.messages)
        code = {PaymentFileStatus.IMPORTED: status.HTTP_201_CREATED,
                PaymentFileStatus.DUPLICATE: status.HTTP_200_OK}.get(payment_file.status, status.HTTP_400_BAD_REQUEST)
        return Response(payment_file.report, status=code)


def _rejected(reasons: list[str]) -> Response:
    """A request without a usable file: the report shape, line 0, nothing stored."""
    report = ImportReport(status=PaymentFileStatus.REJECTED, errors=[{"line": 0, "reason": r} for r in reasons])
    return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)

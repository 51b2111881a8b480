"""``POST /api/v1/nacha-returns/``: the bank sends a NACHA return/NOC file for the office's
disbursement files (returns R01–R85 and notifications of change)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from ..choices import FileVia, ReturnFileStatus
from ..services.returns import MAX_FILE_BYTES, ReturnReport, nacha_return_import
from .payment_files import ImportErrorSerializer


class NachaReturnUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The NACHA return file (returns and notifications of change), at most 5 MB.")

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError("The file is larger than 5 MB.")
        return upload


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


class NachaReturnImportAPIView(PartnerAPIView):
    scope_resource = "nacha_returns"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="nacha_returns_import",
        request={"multipart/form-data": NachaReturnUploadSerializer},
        responses={
            201: OpenApiResponse(NachaReturnReportSerializer, description="Imported: returns held, details corrected."),
            200: OpenApiResponse(NachaReturnReportSerializer,
                                 description="The same file was imported before: nothing changed."),
            400: OpenApiResponse(NachaReturnReportSerializer,
                                 description="Rejected: each error with its line; nothing changed. A missing or "
                                             "oversized `file` field is reported the same way, with line 0."),
        },
        description="Import a NACHA return file for the office's disbursement files. The whole file is validated "
                    "before anything changes; returns and notifications seen before change nothing.",
    )
    def post(self, request):
        serializer = NachaReturnUploadSerializer(data=request.data)
        if not serializer.is_valid():
            return _rejected([f"file: {' '.join(map(str, errors))}" for errors in serializer.errors.values()])
        upload = serializer.validated_data["file"]
        try:
            row = nacha_return_import(name=upload.name or "returns", content=upload.read(), via=FileVia.API,
                                      actor_label=str(self.agency or "API"))
        except DjangoValidationError as exc:
            return _rejected(exc.messages)
        code = {ReturnFileStatus.IMPORTED: status.HTTP_201_CREATED,
                ReturnFileStatus.DUPLICATE: status.HTTP_200_OK}.get(row.status, status.HTTP_400_BAD_REQUEST)
        return Response(row.report, status=code)


def _rejected(reasons: list[str]) -> Response:
    report = ReturnReport(status=ReturnFileStatus.REJECTED, errors=[{"line": 0, "reason": r} for r in reasons])
    return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)

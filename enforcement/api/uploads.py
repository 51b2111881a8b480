"""The one flow of a partner's file upload (``POST`` multipart ``file``) that is imported whole.

Payment files and NACHA return files differ only in their service, statuses and report: the upload
is checked for size, the service imports it (or raises ``ValidationError``), and the answer is the
file's report with 201 (imported), 200 (the same file before) or 400 (rejected, nothing changed).
A request without a usable file gets the report's shape too, each reason on line 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import PartnerAPIView

from ..choices import FileVia


# A multipart ``file`` of at most ``max_bytes``; subclasses declare ``file`` with its help text. (A comment,
# not a docstring: drf-spectacular would print a docstring as each subclass's schema description.)
class FileUploadSerializer(serializers.Serializer):
    max_bytes: ClassVar[int]
    too_large: ClassVar[str]

    def validate_file(self, upload):
        if upload.size > self.max_bytes:
            raise serializers.ValidationError(self.too_large)
        return upload


def file_import_schema(*, operation_id: str, upload: type[serializers.Serializer], report: type[serializers.Serializer],
                       imported: str, duplicate: str, rejected: str, description: str):
    """The OpenAPI operation of a ``FileImportAPIView.post``: its 201 / 200 / 400 answers."""
    return extend_schema(
        operation_id=operation_id,
        request={"multipart/form-data": upload},
        responses={
            201: OpenApiResponse(report, description=imported),
            200: OpenApiResponse(report, description=duplicate),
            400: OpenApiResponse(report, description=rejected),
        },
        description=description,
    )


class FileImportAPIView(PartnerAPIView):
    """``post`` for one file kind; subclasses name the serializer, the service, its statuses and report."""

    parser_classes = [MultiPartParser, FormParser]
    upload_serializer_class: ClassVar[type[FileUploadSerializer]]
    import_service: ClassVar[Callable[..., Any]]  # (name, content, via, actor_label) -> row with status, report
    statuses: ClassVar[Any]  # the file's status choices: IMPORTED, DUPLICATE, REJECTED
    report_class: ClassVar[Any]  # the service's report (``status``, ``errors``; ``as_dict()``)
    default_name: ClassVar[str]  # the file's name when the upload has none

    def post(self, request):
        serializer = self.upload_serializer_class(data=request.data)
        if not serializer.is_valid():
            return self._rejected([f"file: {' '.join(map(str, errors))}" for errors in serializer.errors.values()])
        upload = serializer.validated_data["file"]
        try:
            row = type(self).import_service(name=upload.name or self.default_name, content=upload.read(),
                                            via=FileVia.API, actor_label=str(self.agency or "API"))
        except DjangoValidationError as exc:
            return self._rejected(exc.messages)
        code = {self.statuses.IMPORTED: status.HTTP_201_CREATED,
                self.statuses.DUPLICATE: status.HTTP_200_OK}.get(row.status, status.HTTP_400_BAD_REQUEST)
        return Response(row.report, status=code)

    def _rejected(self, reasons: list[str]) -> Response:
        """A request without a usable file: the report's shape, line 0, nothing stored."""
        report = self.report_class(status=self.statuses.REJECTED, errors=[{"line": 0, "reason": r} for r in reasons])
        return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)

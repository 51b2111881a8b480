"""``GET /api/v1/disbursement-files/<id>/content/``: the stored NACHA PPD file, byte for byte.

The file carries payees' bank account numbers: the key needs ``disbursement_files:read`` and
every fetch is written to the access log with the partner agency's name.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from core.api.views import StoredFileAPIView

from ..models import DisbursementExport


class DisbursementFileContentAPIView(StoredFileAPIView):
    scope_resource = "disbursement_files"

    @extend_schema(
        operation_id="disbursement_files_content",
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The NACHA PPD credit file exactly as stored (ASCII, 94-character records). "
                            "It was validated by the office's NACHA parser before its disbursements were "
                            "marked sent.",
            ),
        },
        description="Download a family disbursement file again, at any time.",
    )
    def get(self, request, pk: int):
        export = get_object_or_404(DisbursementExport.objects.only("pk", "file_name", "content"), pk=pk)
        return self.file_response(export, content=export.content.encode("ascii"), name=export.file_name)

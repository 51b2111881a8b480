"""``GET /api/v1/disbursement-files/<id>/content/``: the stored NACHA PPD file, byte for byte.

The file carries payees' bank account numbers: the key needs ``disbursement_files:read`` and
every fetch is written to the access log with the partner agency's name.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer

from core.api.views import PartnerAPIView
from core.http import content_disposition
from core.models import AccessLog
from core.services import access_log_record

from ..models import DisbursementExport


class AchFileRenderer(BaseRenderer):
    """Lets a client ask for ``text/plain``; errors are still JSON text."""

    media_type = "text/plain"
    format = "txt"
    charset = "us-ascii"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str | bytes):
            return data
        return json.dumps(data)


class DisbursementFileContentAPIView(PartnerAPIView):
    scope_resource = "disbursement_files"
    renderer_classes = [JSONRenderer, AchFileRenderer]

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
        if request.query_params.get("format", "txt") not in ("json", "txt"):
            raise Http404  # an unknown or empty ``format`` names no representation (as DRF answers an unknown one)
        export = get_object_or_404(DisbursementExport.objects.only("pk", "file_name", "content"), pk=pk)
        access_log_record(kind=AccessLog.Kind.SENSITIVE_READ, request=request._request,
                          username=f"api:{self.agency or 'partner'}"[:150], obj=export, fields=["content"])
        response = HttpResponse(export.content.encode("ascii"), content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = content_disposition(f"{export.file_name}")
        response["Cache-Control"] = "no-store"
        return response

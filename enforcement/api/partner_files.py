"""Partner files through the API (issue 16 contracts).

- ``POST /api/v1/partner-files/<kind>/`` (multipart ``file``; kinds ``eiwo-acks``, ``new-hires``,
  ``offset-collections``, ``fidm``): 201 accepted, 200 replay, 400 refused with ``errors``
  ``[{line, reason}]``, 202 queued with ``status_url`` for a file too large to take synchronously.
- ``GET /api/v1/partner-files/`` (``kind``, ``direction``, ``since``), ``GET .../<id>/`` (status),
  ``GET .../<id>/content/`` (the file, byte for byte; the state office's fetch of an outbound file).

Scopes ``partner_files:read`` / ``partner_files:write``; rows limited to the key's counties.
A kind routed through the state office (``CASEWORKS_PARTNER_ROUTES``) is accepted only from a
state office's key.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.choices import AgencyKind
from core.api.views import PartnerAPIView, PartnerListRetrieveViewSet, RestrictedQuerysetMixin, StoredFileAPIView

from ..choices import FileVia, PartnerFileDirection, PartnerFileStatus, PartnerRoute
from ..filtersets import PartnerFileFilterSet
from ..models import PartnerFile
from ..services.partner_files import inbound_kinds, partner_file_fetched, partner_file_kind, partner_file_submit

API_INBOUND_KINDS = ("eiwo-acks", "new-hires", "offset-collections", "fidm")


class PartnerFileErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file (0: the file as a whole, or the request).")
    reason = serializers.CharField(help_text="What is wrong, naming the field and its columns.")


class PartnerFileReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    direction = serializers.ChoiceField(choices=PartnerFileDirection.choices)
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=PartnerFileStatus.choices)
    control_number = serializers.CharField(allow_blank=True)
    records = serializers.IntegerField(help_text="Records in the file (header and trailer included).")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="What the import did, e.g. {\"matched\": 3, \"unmatched\": 97}.")
    totals = serializers.DictField(child=serializers.CharField(), help_text="Money totals, as decimal strings.")
    errors = PartnerFileErrorSerializer(many=True)  # type: ignore[assignment]
    replay_of = serializers.IntegerField(allow_null=True, help_text="The file first accepted with this content.")
    created_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class QueuedReportSerializer(PartnerFileReportSerializer):
    status_url = serializers.CharField(help_text="GET it until status is no longer received or processing.")


class PartnerFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The partner file, fixed-width ASCII records.")


class PartnerFileSerializer(serializers.ModelSerializer):
    """A partner file's status and report (the content is fetched separately)."""

    report = serializers.SerializerMethodField()
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = PartnerFile
        fields = ["id", "kind", "direction", "status", "name", "size", "sha256", "control_number", "layout",
                  "county", "created_at", "finished_at", "fetched_at", "report", "content_url"]

    def get_report(self, obj) -> PartnerFileReportSerializer:
        return obj.report

    def get_content_url(self, obj) -> str:
        return reverse("partner_files_content", kwargs={"pk": obj.pk})


def _report_response(partner_file, code: int, **extra) -> Response:
    return Response({**partner_file.report, **extra}, status=code)


def _refused(reasons: list[str], kind: str) -> Response:
    """A request without a usable file: the report shape, line 0, nothing stored."""
    body: dict[str, Any] = {"id": None, "kind": kind, "direction": PartnerFileDirection.INBOUND, "name": "",
            "status": PartnerFileStatus.REFUSED, "control_number": "", "records": 0, "counts": {}, "totals": {},
            "errors": [{"line": 0, "reason": r} for r in reasons], "replay_of": None, "created_at": None,
            "finished_at": None}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class PartnerFileImportAPIView(PartnerAPIView):
    scope_resource = "partner_files"
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if kwargs.get("kind") not in {k.kind for k in inbound_kinds()}:
            raise Http404  # no such kind, whatever the method (``/partner-files/abc/`` is not a file either)

    @extend_schema(
        operation_id="partner_files_import",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(API_INBOUND_KINDS),
                                     description="The kind of file.")],
        request={"multipart/form-data": PartnerFileUploadSerializer},
        responses={
            201: OpenApiResponse(PartnerFileReportSerializer, description="Accepted: imported whole."),
            200: OpenApiResponse(PartnerFileReportSerializer,
                                 description="Replay: the same file (content or control number) was accepted "
                                             "before; nothing changed. `replay_of` names it."),
            202: OpenApiResponse(QueuedReportSerializer,
                                 description="Too large to import during the request: queued; poll `status_url`."),
            400: OpenApiResponse(PartnerFileReportSerializer,
                                 description="Refused: `errors` lists each problem with its line; nothing recorded."),
            405: OpenApiResponse(description="The path names a stored file (a number), not a kind: a file "
                                             "takes no POST."),
        },
        description="Send a partner file. The whole file is checked against its published layout before "
                    "anything is recorded; a file with any error is refused whole.",
    )
    def post(self, request, kind: str):
        if kind not in {k.kind for k in inbound_kinds()}:
            raise Http404
        entry = partner_file_kind(kind)
        agency = self.agency
        if entry.route == PartnerRoute.STATE and getattr(agency, "kind", None) != AgencyKind.STATE_OFFICE:
            return _refused([f"{kind} files reach this office through the state office "
                             "(CASEWORKS_PARTNER_ROUTES): send them with the state office's key."], kind)
        serializer = PartnerFileUploadSerializer(data=request.data)
        if not serializer.is_valid():
            return _refused([f"{name}: {' '.join(map(str, errors))}" for name, errors in serializer.errors.items()],
                            kind)
        upload = serializer.validated_data["file"]
        try:
            partner_file, queued = partner_file_submit(
                kind=kind, name=upload.name or kind, content=upload.read(), via=FileVia.API, agency=agency,
                key=request.user.key, actor_label=str(agency or "API"))
        except DjangoValidationError as exc:
            return _refused(exc.messages, kind)
        if queued:
            return _report_response(partner_file, status.HTTP_202_ACCEPTED,
                                    status_url=reverse("partner-file-detail", kwargs={"pk": partner_file.pk}))
        code = {PartnerFileStatus.ACCEPTED: status.HTTP_201_CREATED,
                PartnerFileStatus.REPLAY: status.HTTP_200_OK}.get(partner_file.status, status.HTTP_400_BAD_REQUEST)
        return _report_response(partner_file, code)


@extend_schema_view(
    list=extend_schema(summary="Partner files, newest first (filter by kind, direction, since)"),
    retrieve=extend_schema(summary="One partner file: its status and report (the status URL of a queued import)"),
)
class PartnerFileViewSet(RestrictedQuerysetMixin, PartnerListRetrieveViewSet):  # the key's counties
    scope_resource = "partner_files"
    lookup_value_converter = "int"
    serializer_class = PartnerFileSerializer
    filterset_class = PartnerFileFilterSet
    queryset = PartnerFile.objects.defer("content").order_by("-created_at", "-id")


class PartnerFileContentAPIView(StoredFileAPIView):
    scope_resource = "partner_files"

    @extend_schema(
        operation_id="partner_files_content",
        responses={(200, "text/plain"): OpenApiResponse(
            OpenApiTypes.STR, description="The file exactly as stored (fixed-width ASCII records, CR LF). "
                                          "Fetching an outbound file marks it sent.")},
        description="Download a partner file. Every fetch is written to the access log with the agency's name.",
    )
    def get(self, request, pk: int):
        partner_file = get_object_or_404(PartnerFile.objects.restrict(request.user, "view"), pk=pk)
        if partner_file.direction == PartnerFileDirection.OUTBOUND:
            partner_file_fetched(partner_file=partner_file, agency=self.agency)
        return self.file_response(partner_file, content=bytes(partner_file.content), name=partner_file.name,
                                  detail={"kind": partner_file.kind, "direction": partner_file.direction})

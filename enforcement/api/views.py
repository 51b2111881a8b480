"""Views of the enforcement partner API (mounted by ``urls.py``); each section says its contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.choices import AgencyKind
from core.api.pagination import PageOrCursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import (
    PartnerAPIView,
    PartnerListRetrieveViewSet,
    PartnerReadOnlyViewSet,
    RestrictedQuerysetMixin,
    StoredFileAPIView,
)

from ..choices import (
    ActionStatus,
    FileVia,
    PartnerFileDirection,
    PartnerFileStatus,
    PartnerRoute,
    PaymentFileStatus,
    ReturnFileStatus,
)
from ..filtersets import EnforcementActionApiFilterSet, PartnerFileFilterSet, PetitionFilterSet
from ..models import CourtHearing, DisbursementExport, EnforcementAction, PartnerFile, Petition, RemedyRule
from ..services.actions import NoticeNotSent, RuleNoLongerMet, action_notice_issue
from ..services.partner_files import (
    inbound_kinds,
    partner_file_carries_fti,
    partner_file_fetched,
    partner_file_kind,
    partner_file_submit,
)
from ..services.payments import ImportReport, payment_file_import_now
from ..services.returns import ReturnReport, nacha_return_import
from .serializers import (
    ACTION_LIST_VALUES,
    CourtActionSerializer,
    EnforcementActionSerializer,
    FileUploadSerializer,
    NachaReturnReportSerializer,
    NachaReturnUploadSerializer,
    NoticeConflictSerializer,
    PartnerFileReportSerializer,
    PartnerFileSerializer,
    PartnerFileUploadSerializer,
    PaymentFileReportSerializer,
    PaymentFileUploadSerializer,
    QueuedReportSerializer,
    action_rows_represent,
    partner_file_api_report,
)

# ---- actions -----------------------------------------------------------------------------------------------
# Partner API: enforcement actions and court actions, read-only (no addresses: FVI-safe).


@extend_schema_view(
    list=extend_schema(summary="Enforcement actions (filter by case_number, remedy, status, updated_since)"),
    retrieve=extend_schema(summary="One enforcement action"),
)
class EnforcementActionViewSet(RestrictedQuerysetMixin, PartnerReadOnlyViewSet):  # the key's counties
    scope_resource = "enforcement"
    lookup_value_converter = "int"
    serializer_class = EnforcementActionSerializer
    filterset_class = EnforcementActionApiFilterSet
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("-id",)  # the primary key: keyset pages (?pagination=cursor), newest first
    queryset = EnforcementAction.objects.select_related("case", "rule").order_by("-updated_at", "-id")

    # The page's rows from ``.values()`` (the columns returned, no instances), the rules they name in
    # one more query, represented exactly as ``EnforcementActionSerializer`` does (``action_rows_represent``;
    # issue 17.3). A comment, not a docstring: the schema would show it as the operation's description.
    def list(self, request, *args, **kwargs):
        page = self.paginator.paginate_rows(
            request,
            self,
            lambda: self.filter_queryset(self.get_queryset()).values(*ACTION_LIST_VALUES),
            EnforcementAction,
        )
        # The rules are office-wide reference rows: no scope.
        rules = RemedyRule.objects.filter(pk__in={row["rule_id"] for row in page}).order_by() if page else []
        return self.get_paginated_response(action_rows_represent(page, rules))


@extend_schema_view(
    list=extend_schema(summary="Court actions: petitions with their hearings and outcome"),
    retrieve=extend_schema(summary="One court action"),
)
class CourtActionViewSet(RestrictedQuerysetMixin, PartnerReadOnlyViewSet):  # the key's counties
    scope_resource = "court_actions"
    lookup_value_converter = "int"
    serializer_class = CourtActionSerializer
    filterset_class = PetitionFilterSet
    queryset = (
        Petition.objects.select_related("case", "resulting_order")
        .prefetch_related(Prefetch("hearings", queryset=CourtHearing.objects.order_by("scheduled_for")))
        .order_by("-updated_at", "-id")
    )


class EnforcementActionIssueNoticeAPIView(PartnerAPIView):
    """``POST /api/v1/enforcement-actions/{id}/issue-notice/``: issue the notice of a proposed action,
    through the same service as the action page. The case is checked against the rule on the notice
    date: if it no longer meets it, 409 ``{"code": "rule_no_longer_met", "detail": ...}`` and
    nothing changes. With no postal address on file for the NCP nothing is sent: 409
    ``{"code": "no_postal_address", ...}``, the action stays proposed and a work item is opened."""

    scope_resource = "enforcement"
    extra_error_responses = {
        "409": (
            "The case no longer meets the rule, the notice was already issued, or no postal address is on file",
            NoticeConflictSerializer,
        )
    }

    @extend_schema(
        request=None,
        responses={200: EnforcementActionSerializer},
        summary="Issue the notice of a proposed enforcement action",
    )
    def post(self, request, pk: int):
        action = get_object_or_404(
            EnforcementAction.objects.restrict(request.user, "change").select_related(  # the key's counties
                "case", "rule"
            ),
            pk=pk,
        )
        if action.status != ActionStatus.PROPOSED:
            return Response(
                {
                    "code": "not_proposed",
                    "detail": f"The action is {action.get_status_display().lower()}: no notice to issue.",
                },
                status=status.HTTP_409_CONFLICT,
            )
        try:
            action = action_notice_issue(action=action, by=None, agency=self.agency)
        except RuleNoLongerMet as exc:
            return Response({"code": RuleNoLongerMet.code, "detail": exc.reason}, status=status.HTTP_409_CONFLICT)
        except NoticeNotSent as exc:  # a work item is open on the case, kept
            return Response({"code": NoticeNotSent.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response({"code": "not_proposed", "detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(EnforcementActionSerializer(action).data)


# ---- disbursement files ------------------------------------------------------------------------------------
# ``GET /api/v1/disbursement-files/<id>/content/``: the stored NACHA PPD file, byte for byte.
#
# The file carries payees' bank account numbers: the key needs ``disbursement_files:read`` and
# every fetch is written to the access log with the partner agency's name. One file pays every
# county's families (its bytes, hashes and totals are the bank's record, not to be cut by county):
# only a state-wide key fetches it (``state_wide_only``).

STATE_WIDE_403 = (
    "The key lacks the scope for this operation, or is limited to counties: the office's bank files "
    "(disbursement files, NACHA return files) carry every county's payees, so only a state-wide key "
    "(all counties) may use this endpoint. The refusal is written to the access log."
)


class DisbursementFileContentAPIView(StoredFileAPIView):
    scope_resource = "disbursement_files"
    state_wide_only = True

    @extend_schema(
        operation_id="disbursement_files_content",
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The NACHA PPD credit file exactly as stored (ASCII, 94-character records). "
                "It was validated by the office's NACHA parser before its disbursements were "
                "marked sent.",
            ),
            403: OpenApiResponse(ErrorSerializer, description=STATE_WIDE_403),
        },
        description="Download a family disbursement file again, at any time. The file pays every county's "
        "families: a state-wide key only.",
    )
    def get(self, request, pk: int):
        export = get_object_or_404(DisbursementExport.objects.only("pk", "file_name", "content"), pk=pk)
        return self.file_response(export, content=export.content.encode("ascii"), name=export.file_name)


# ---- uploads -----------------------------------------------------------------------------------------------
# The one flow of a partner's file upload (``POST`` multipart ``file``) that is imported whole.
#
# Payment files and NACHA return files differ only in their service, statuses and report: the upload
# is checked for size, the service imports it (or raises ``ValidationError``), and the answer is the
# file's report with 201 (imported), 200 (the same file before) or 400 (rejected, nothing changed).
# A request without a usable file gets the report's shape too, each reason on line 0.


def file_import_schema(
    *,
    operation_id: str,
    upload: type[serializers.Serializer],
    report: type[serializers.Serializer],
    imported: str,
    duplicate: str,
    rejected: str,
    description: str,
    forbidden: str = "",
):
    """The OpenAPI operation of a ``FileImportAPIView.post``: its 201 / 200 / 400 answers (and its
    403, ``forbidden``, when it refuses more than a key without the scope)."""
    responses = {
        201: OpenApiResponse(report, description=imported),
        200: OpenApiResponse(report, description=duplicate),
        400: OpenApiResponse(report, description=rejected),
    }
    if forbidden:
        responses[403] = OpenApiResponse(ErrorSerializer, description=forbidden)
    return extend_schema(
        operation_id=operation_id,
        request={"multipart/form-data": upload},
        responses=responses,
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
        try:
            data = request.data
        except ParseError as exc:  # a body the multipart parser refuses: the report's shape, as documented
            return self._rejected([f"file: {exc.detail}"])
        serializer = self.upload_serializer_class(data=data)
        if not serializer.is_valid():
            return self._rejected([f"file: {' '.join(map(str, errors))}" for errors in serializer.errors.values()])
        upload = serializer.validated_data["file"]
        try:
            row = type(self).import_service(
                name=upload.name or self.default_name,
                content=upload.read(),
                via=FileVia.API,
                actor_label=str(self.agency or "API"),
                **self.import_options(),
            )
        except DjangoValidationError as exc:
            return self._rejected(exc.messages)
        code = {self.statuses.IMPORTED: status.HTTP_201_CREATED, self.statuses.DUPLICATE: status.HTTP_200_OK}.get(
            row.status, status.HTTP_400_BAD_REQUEST
        )
        return Response(row.report, status=code)

    def import_options(self) -> dict[str, Any]:
        """More keyword arguments of the service (e.g. the key, whose counties limit the file)."""
        return {}

    def _rejected(self, reasons: list[str]) -> Response:
        """A request without a usable file: the report's shape, line 0, nothing stored."""
        report = self.report_class(status=self.statuses.REJECTED, errors=[{"line": 0, "reason": r} for r in reasons])
        return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)


# ---- payment files -----------------------------------------------------------------------------------------
# ``POST /api/v1/payment-files/``: a partner (employer, bank) sends a NACHA CCD+ payment file.


@extend_schema_view(
    post=file_import_schema(
        operation_id="payment_files_import",
        upload=PaymentFileUploadSerializer,
        report=PaymentFileReportSerializer,
        imported="Imported: entries posted or held.",
        duplicate="The same file was imported before: its entries are counted as duplicates and nothing is posted.",
        rejected="Rejected: the report lists each error with its line; nothing posted. "
        "A missing or oversized `file` field is reported the same way, with line 0.",
        description="Import an employer NACHA CCD+ child support payment file (DED addenda). The whole file is "
        "validated before anything is posted. A key limited to counties posts on its counties' cases only: an "
        "entry naming any other case is held and reported as an unknown case is.",
    )
)
class PaymentFileImportAPIView(FileImportAPIView):
    scope_resource = "payment_files"
    upload_serializer_class = PaymentFileUploadSerializer
    import_service = staticmethod(payment_file_import_now)
    statuses = PaymentFileStatus
    report_class = ImportReport
    default_name = "payment-file"

    def import_options(self) -> dict[str, Any]:
        return {"key": self.key}  # the file reaches the key's counties only


# ---- nacha returns -----------------------------------------------------------------------------------------
# ``POST /api/v1/nacha-returns/``: the bank sends a NACHA return/NOC file for the office's
# disbursement files (returns R01–R85 and notifications of change). A return file answers the
# office's disbursement files, every county's payees in one (a return holds a family's money, a
# notification of change rewrites a payee's bank account): only a state-wide key sends one.


@extend_schema_view(
    post=file_import_schema(
        operation_id="nacha_returns_import",
        upload=NachaReturnUploadSerializer,
        report=NachaReturnReportSerializer,
        imported="Imported: returns held, details corrected.",
        duplicate="The same file was imported before: nothing changed.",
        rejected="Rejected: each error with its line; nothing changed. A missing or "
        "oversized `file` field is reported the same way, with line 0.",
        description="Import a NACHA return file for the office's disbursement files. The whole file is validated "
        "before anything changes; returns and notifications seen before change nothing. The file answers "
        "every county's disbursements: a state-wide key only.",
        forbidden=STATE_WIDE_403,
    )
)
class NachaReturnImportAPIView(FileImportAPIView):
    scope_resource = "nacha_returns"
    state_wide_only = True
    upload_serializer_class = NachaReturnUploadSerializer
    import_service = staticmethod(nacha_return_import)
    statuses = ReturnFileStatus
    report_class = ReturnReport
    default_name = "returns"


# ---- partner files -----------------------------------------------------------------------------------------
# Partner files through the API (issue 16 contracts).
#
# - ``POST /api/v1/partner-files/<kind>/`` (multipart ``file``; kinds ``eiwo-acks``, ``new-hires``,
#   ``offset-collections``, ``fidm``): 201 accepted, 200 replay, 400 refused with ``errors``
#   ``[{line, reason}]``, 202 queued with ``status_url`` for a file too large to take synchronously.
# - ``GET /api/v1/partner-files/`` (``kind``, ``direction``, ``since``), ``GET .../<id>/`` (status),
#   ``GET .../<id>/content/`` (the file, byte for byte; the state office's fetch of an outbound file).
#
# Scopes ``partner_files:read`` / ``partner_files:write``; rows limited to the key's counties.
# A kind routed through the state office (``CASEWORKS_PARTNER_ROUTES``) is accepted only from a
# state office's key.


API_INBOUND_KINDS = ("eiwo-acks", "new-hires", "offset-collections", "fidm")


def _report_response(partner_file, code: int, **extra) -> Response:
    return Response({**partner_file_api_report(partner_file), **extra}, status=code)


def _refused(reasons: list[str], kind: str) -> Response:
    """A request without a usable file: the report shape, line 0, nothing stored."""
    body: dict[str, Any] = {
        "id": None,
        "kind": kind,
        "direction": PartnerFileDirection.INBOUND,
        "name": "",
        "status": PartnerFileStatus.REFUSED,
        "control_number": "",
        "records": 0,
        "counts": {},
        "totals": {},
        "errors": [{"line": 0, "reason": r} for r in reasons],
        "replay_of": None,
        "created_at": None,
        "finished_at": None,
    }
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
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=list(API_INBOUND_KINDS), description="The kind of file."
            )
        ],
        request={"multipart/form-data": PartnerFileUploadSerializer},
        responses={
            201: OpenApiResponse(PartnerFileReportSerializer, description="Accepted: imported whole."),
            200: OpenApiResponse(
                PartnerFileReportSerializer,
                description="Replay: the same file (content or control number) was accepted "
                "before; nothing changed. `replay_of` names it.",
            ),
            202: OpenApiResponse(
                QueuedReportSerializer, description="Too large to import during the request: queued; poll `status_url`."
            ),
            400: OpenApiResponse(
                PartnerFileReportSerializer,
                description="Refused: `errors` lists each problem with its line; nothing recorded.",
            ),
            405: OpenApiResponse(
                description="The path names a stored file (a number), not a kind: a file takes no POST."
            ),
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
            return _refused(
                [
                    f"{kind} files reach this office through the state office "
                    "(CASEWORKS_PARTNER_ROUTES): send them with the state office's key."
                ],
                kind,
            )
        try:
            data = request.data
        except ParseError as exc:  # a body the multipart parser refuses: the report's shape, as documented
            return _refused([f"file: {exc.detail}"], kind)
        serializer = PartnerFileUploadSerializer(data=data)
        if not serializer.is_valid():
            return _refused(
                [f"{name}: {' '.join(map(str, errors))}" for name, errors in serializer.errors.items()], kind
            )
        upload = serializer.validated_data["file"]
        try:
            partner_file, queued = partner_file_submit(
                kind=kind,
                name=upload.name or kind,
                content=upload.read(),
                via=FileVia.API,
                agency=agency,
                key=request.user.key,
                actor_label=str(agency or "API"),
            )
        except DjangoValidationError as exc:
            return _refused(exc.messages, kind)
        if queued:
            return _report_response(
                partner_file,
                status.HTTP_202_ACCEPTED,
                status_url=reverse("partner-file-detail", kwargs={"pk": partner_file.pk}),
            )
        code = {PartnerFileStatus.ACCEPTED: status.HTTP_201_CREATED, PartnerFileStatus.REPLAY: status.HTTP_200_OK}.get(
            partner_file.status, status.HTTP_400_BAD_REQUEST
        )
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
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The file exactly as stored (fixed-width ASCII records, CR LF). "
                "Fetching an outbound file marks it sent.",
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description="The key lacks the scope for this operation, or the file carries federal tax "
                "information (offset-collections: IRS Publication 1075), which no partner key may fetch: "
                "the refusal is written to the access log.",
            ),
        },
        description="Download a partner file. Every fetch is written to the access log with the agency's name.",
    )
    def get(self, request, pk: int):
        partner_file = PartnerFile.objects.get_for(request.user, pk=pk)
        if partner_file_carries_fti(partner_file.kind):
            # "Partner keys never see FTI: no API scope grants it" (cases/ledger/fti.py)
            self.file_refused(partner_file, reason="fti", detail={"kind": partner_file.kind})
        if partner_file.direction == PartnerFileDirection.OUTBOUND:
            partner_file_fetched(partner_file=partner_file, agency=self.agency)
        return self.file_response(
            partner_file,
            content=bytes(partner_file.content),
            name=partner_file.name,
            detail={"kind": partner_file.kind, "direction": partner_file.direction},
        )

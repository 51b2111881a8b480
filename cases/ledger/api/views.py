"""Partner API of the ledger: a case's ledger (cursor pages, newest first) and posting collections."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from core.api.pagination import PageOrCursorPagination, StreamCursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import PartnerAPIView, PartnerGenericAPIView

from ...choices import ReceivedVia
from ...exceptions import CollectionConflict
from ...models import Case, Collection, LedgerEntry
from ...services import CollectionItem, collection_post, collections_post_batch
from ..filtersets import CollectionApiFilterSet
from .serializers import (
    BATCH_MAX_ITEMS,
    COLLECTION_LIST_VALUES,
    LEDGER_ENTRY_COLUMNS,
    CollectionBatchInSerializer,
    CollectionBatchOutSerializer,
    CollectionBatchResultSerializer,
    CollectionInSerializer,
    CollectionListSerializer,
    CollectionOutSerializer,
    LedgerEntrySerializer,
    collection_rows_represent,
)


class LedgerEntryCursorPagination(StreamCursorPagination):
    ordering = ("-id",)


class CaseLedgerAPIView(PartnerGenericAPIView):
    """``GET /api/v1/cases/{case_number}/ledger/`` — the case's ledger entries, newest first.
    Collection entries carry their ``source_reference``; a federal tax offset's source is null
    (FTI, IRS Publication 1075: no partner scope grants it)."""

    scope_resource = "cases"
    serializer_class = LedgerEntrySerializer
    pagination_class = LedgerEntryCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no case in the path
            return LedgerEntry.objects.none()
        case = get_object_or_404(
            Case.objects.restrict(self.request.user, "view").only("id"), case_number=self.kwargs["case_number"].upper()
        )
        return LedgerEntry.objects.filter(case_id=case.pk).select_related("collection").only(*LEDGER_ENTRY_COLUMNS)

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CollectionPostingAPIView(PartnerAPIView):
    """What both posting endpoints share: the scope, the documented 409 and the error mapping."""

    scope_resource = "collections"
    extra_error_responses = {
        "409": ("This agency already sent the source reference with different content", ErrorSerializer)
    }

    def post_collections(self, post):
        """Run ``post(actor_label, agency)`` (the key's agency: the sender whose references these
        are); a conflict is a 409 response, a service ValidationError a 400."""
        agency = getattr(self.request.user, "agency", None)
        try:
            return post(f"API: {agency}" if agency else "API", agency)
        except CollectionConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc


# drf-spectacular wraps a list's example row in the page envelope.
COLLECTION_EXAMPLES = [
    OpenApiExample(
        "An income withholding",
        response_only=True,
        value={
            "source_reference": "DED-2026-11-000417",
            "case_number": "NY-000123",
            "case_number_received": "NY-000123",
            "amount": "250.00",
            "received_on": "2026-11-20",
            "collected_on": "2026-11-18",
            "source": "income_withholding",
            "status": "posted",
            "hold_reason": "",
            "received_via": "file",
            "posted_at": "2026-11-20T13:05:22Z",
        },
    ),
    OpenApiExample(
        "A federal tax refund offset",
        response_only=True,
        value={
            "source_reference": "COL-3f1c0a9d5e",
            "case_number": "NY-000123",
            "case_number_received": "NY-000123",
            "amount": "612.00",
            "received_on": "2026-03-02",
            "collected_on": "2026-02-27",
            "source": None,
            "status": "posted",
            "hold_reason": None,
            "received_via": "file",
            "posted_at": "2026-03-02T08:00:00Z",
        },
    ),
]


# What a partner's programmer must know of ``source_reference`` (the OpenAPI descriptions of both
# posting endpoints).
REFERENCE_IDENTITY = (
    "`source_reference` is the idempotency key of the sending agency: every key of one partner agency "
    "shares its references (a rotated key keeps them), and another agency's receipt of the same "
    "reference is another receipt, never a replay of it. References compare without regard to letter "
    "case: `ded-1` and `DED-1` are one reference."
)


class CollectionCreateAPIView(CollectionPostingAPIView, PartnerGenericAPIView):
    """``GET /api/v1/collections/`` (scope ``collections:read``) — the collections of the key's
    counties' cases, newest first; page or cursor pages (issue 17.3). ``POST`` (``collections:write``)
    — 201 with the allocations on first receipt, 200 with the same body on an exact replay (the
    same agency's reference again, in any letter case, with the same content), 409 when the
    agency's reference comes again with different content. Another agency's reference is its own."""

    serializer_class = CollectionListSerializer
    filterset_class = CollectionApiFilterSet
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("-id",)  # the primary key: unique and indexed, newest first

    def get_queryset(self):
        return Collection.objects.restrict(self.request.user, "view").order_by("-id")

    @extend_schema(
        summary="Collections of the key's cases (filter by case_number, received_since, collected_since, status, "
        "source)",
        description="Newest first. No employer; a federal tax refund offset's source and hold reason are null "
        "(federal tax information). ``?pagination=cursor`` gives keyset pages by id, newest first.",
        responses=CollectionListSerializer(many=True),
        examples=COLLECTION_EXAMPLES,
    )
    def get(self, request, *args, **kwargs):
        page = self.paginator.paginate_rows(
            request, self, lambda: self.filter_queryset(self.get_queryset()).values(*COLLECTION_LIST_VALUES), Collection
        )
        return self.get_paginated_response(collection_rows_represent(page))

    @extend_schema(
        description="201 with the allocations on first receipt, 200 with the same body on an exact replay (this "
        "agency sent the reference before with the same content), 409 when this agency's reference comes again "
        "with different content. " + REFERENCE_IDENTITY,
        request=CollectionInSerializer,
        responses={
            201: OpenApiResponse(CollectionOutSerializer, description="Recorded and distributed (or held)"),
            200: OpenApiResponse(
                CollectionOutSerializer, description="An exact replay: this agency's first receipt of the reference"
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        incoming = CollectionInSerializer(data=request.data, context={"user": request.user})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        def post(actor_label, agency):
            result = collection_post(
                case_number=data["case_number"],
                amount=data["amount"],
                received_on=data["received_on"],
                source=data["source"],
                source_reference=data["source_reference"],
                received_via=ReceivedVia.API,
                actor_label=actor_label,
                collected_on=data.get("collected_on"),
                agency=agency,
            )
            body = CollectionOutSerializer(result.collection, context={"allocations": result.allocations}).data
            return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

        return self.post_collections(post)


class CollectionBatchAPIView(CollectionPostingAPIView):
    """``POST /api/v1/collections/batch/`` — up to 1,000 collections in one request, all or
    nothing: posted in order with the rules of ``POST /api/v1/collections/`` (an exact replay of
    the agency's own reference comes back with ``created: false``), 400 naming the item
    (``items.<index>.<field>``) and nothing written when any item is invalid, 409 when the agency's
    reference comes again with different content."""

    @extend_schema(
        request=CollectionBatchInSerializer,
        responses={
            201: OpenApiResponse(CollectionBatchOutSerializer, description="At least one item recorded"),
            200: OpenApiResponse(CollectionBatchOutSerializer, description="Every item was a replay"),
        },
        description=f"At most {BATCH_MAX_ITEMS} items, each with the rules of POST /api/v1/collections/. "
        + REFERENCE_IDENTITY,
    )
    def post(self, request, *args, **kwargs):
        incoming = CollectionBatchInSerializer(data=request.data, context={"user": request.user})
        incoming.is_valid(raise_exception=True)
        items = [CollectionItem(received_via=ReceivedVia.API, **data) for data in incoming.validated_data["items"]]

        def post(actor_label, agency):
            results = collections_post_batch(items, actor_label=actor_label, agency=agency)
            body = {
                "results": [
                    CollectionBatchResultSerializer(
                        result.collection, context={"allocations": result.allocations, "created": result.created}
                    ).data
                    for result in results
                ]
            }
            created = any(result.created for result in results)
            return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

        return self.post_collections(post)

"""Partner API: cases (list with the caseload's filters, detail) and the court's FVI override."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.pagination import PageOrCursorPagination, key_scope
from core.api.schema import ErrorSerializer
from core.api.views import PartnerAPIView, PartnerGenericViewSet, PartnerListRetrieveViewSet
from core.db import PreparedRead, column_in_array, int_array, values_prepared
from core.services import sensitive_reads_bulk_record

from ..filtersets import CaseFilterSet, PersonApiFilterSet
from ..ledger.interest import case_arrears_interest, interest_for_cases
from ..models import Case, CaseParticipant, FviOverride, Obligation, Person, SupportOrder
from ..redaction import PARENT_FVI, parent_fvi_exists
from ..services import fvi_override_use
from .serializers import (
    CASE_COLUMNS,
    CASE_LIST_VALUES,
    PARTICIPANT_VALUES,
    PERSON_LIST_REDACTION_VALUES,
    AddressSerializer,
    BalanceSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    OverrideUseSerializer,
    PersonSerializer,
    case_rows_represent,
    person_rows_cases_add,
    person_rows_represent,
    person_rows_revealed,
)


class CaseViewSet(PartnerListRetrieveViewSet):
    """``GET /api/v1/cases/`` (filters: status, county, assistance_status, has_arrears,
    updated_since, q, ordering) and ``GET /api/v1/cases/{case_number}/``. Cases are identified by
    their case number; no addresses or SSNs are ever returned. Only the key's counties' cases."""

    scope_resource = "cases"
    lookup_field = "case_number"
    lookup_value_converter = "str"
    filterset_class = CaseFilterSet
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("case_number",)  # unique and indexed: keyset pages (?pagination=cursor)

    def get_queryset(self):
        cases = Case.objects.restrict(self.request.user, "view").order_by("case_number")
        if self.action == "list":
            return cases  # list() reads .values() of the returned columns: no instances to shape
        # Only the columns the serializers return (17.3): the person's encrypted SSN and the
        # case's other columns are never read, so never decrypted.
        balance = [f"balance__{name}" for name in BalanceSerializer.Meta.fields]
        participants = CaseParticipant.objects.select_related("person").only(
            "id", "case_id", "role", "person__id", "person__first_name", "person__last_name", "person__family_violence"
        )
        queryset = (
            cases.select_related("balance")
            .only("id", *CASE_COLUMNS, *balance)
            .prefetch_related(Prefetch("participants", queryset=participants))
        )
        if self.action == "retrieve":
            queryset = queryset.defer(None).prefetch_related(
                Prefetch(
                    "orders",
                    queryset=SupportOrder.objects.order_by("-effective_on", "-version").prefetch_related(
                        Prefetch("obligations", queryset=Obligation.objects.order_by("id"))
                    ),
                )
            )
        return queryset

    def list(self, request, *args, **kwargs):
        """The page's rows from ``.values()`` (the columns returned, no instances, nothing
        decrypted), its participants in one more query, represented exactly as ``CaseSerializer``
        does (``case_rows_represent``)."""
        page = self.paginator.paginate_rows(
            request, self, lambda: self.filter_queryset(self.get_queryset()).values(*CASE_LIST_VALUES), Case
        )
        participants = CaseParticipant.objects.filter(case_id__in=[row["id"] for row in page]).values(
            *PARTICIPANT_VALUES
        )
        # California's interest on the arrears: two queries for the page's California cases, none without
        interest = interest_for_cases(
            ((row["id"], row["jurisdiction"], row["interstate_role"], row["other_state"]) for row in page),
            as_of=timezone.localdate(),
        )
        return self.get_paginated_response(case_rows_represent(page, list(participants), interest))

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        case.arrears_interest = case_arrears_interest(case=case, as_of=timezone.localdate())
        return Response(self.get_serializer(case).data)

    def get_object(self):
        number = str(self.kwargs["case_number"]).upper()
        return get_object_or_404(self.get_queryset(), case_number=number)

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer


# drf-spectacular wraps a list's example row in the page envelope.
PERSON_EXAMPLES = [
    OpenApiExample(
        "A custodial parent",
        response_only=True,
        value={
            "id": 812,
            "first_name": "Dana",
            "middle_name": "",
            "last_name": "Reyes",
            "date_of_birth": "1988-04-02",
            "sex": "F",
            "deceased_on": None,
            "family_violence": False,
            "preferred_language": "en",
            "needs_interpreter": False,
            "paternity_status": "not_needed",
            "phone": "518-555-0142",
            "email": "dana@example.org",
            "updated_at": "2026-11-30T14:02:11Z",
            "cases": [{"case_number": "NY-000123", "role": "cp"}],
        },
    ),
    OpenApiExample(
        "A person with the FVI",
        response_only=True,
        value={
            "id": 813,
            "first_name": "Sam",
            "middle_name": "",
            "last_name": "Reyes",
            "date_of_birth": "1985-09-17",
            "sex": "M",
            "deceased_on": None,
            "family_violence": True,
            "preferred_language": "en",
            "needs_interpreter": False,
            "paternity_status": "not_needed",
            "phone": "Withheld (family violence indicator, 42 USC 654(26))",
            "email": "",
            "updated_at": "2026-11-29T09:40:00Z",
            "cases": [{"case_number": "NY-000123", "role": "ncp"}],
        },
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="People of the key's cases (filter by updated_since, case_number)",
        description="Parties and children of the cases in the key's counties, by ``id`` (the ``person_id`` of "
        "the cases API). No SSN and no address; phone and e-mail are withheld for a person with the "
        "family violence indicator, and for a child on a case whose custodial parent has it (42 USC 654(26)). Each person shown is logged as a sensitive read "
        "(date of birth, phone, e-mail). Scope ``cases:read``. ``?pagination=cursor`` gives keyset pages "
        "by ``id``.",
        examples=PERSON_EXAMPLES,
    )
)
class PersonViewSet(mixins.ListModelMixin, PartnerGenericViewSet):
    """``GET /api/v1/people/`` (filters: updated_since, case_number): the people of the key's
    counties' cases (issue 17.3)."""

    scope_resource = "cases"
    serializer_class = PersonSerializer
    filterset_class = PersonApiFilterSet
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("id",)  # the primary key: unique and indexed

    def get_queryset(self):
        # A person is in scope through a case in scope (Person has no county of its own); a merged
        # duplicate is gone from every list (its survivor is listed).
        in_scope = CaseParticipant.objects.restrict(self.request.user, "view").filter(person_id=OuterRef("pk"))
        bound = self.paginator.keyset_bound(self.request, self, Person)
        if bound is not None:
            # The cursor's bound inside the EXISTS too: PostgreSQL's merge semi-join would otherwise
            # read the participants' index from its start, whatever the cursor (issue 17.3).
            in_scope = in_scope.filter(bound.on("person_id"))
        return Person.objects.filter(Exists(in_scope), merged_into__isnull=True).order_by("id")

    def list(self, request, *args, **kwargs):
        """The page's rows from ``.values()`` (no SSN read, nothing decrypted), the sensitive reads
        in one INSERT, and their cases (only cases in scope) read by the same statement on
        PostgreSQL: the audit rows cost no round trip of their own (issue 17.3)."""
        rows = self.paginator.paginate_rows(
            request,
            self,
            lambda: (
                self.filter_queryset(self.get_queryset())
                .annotate(**{PARENT_FVI: parent_fvi_exists()})
                .values(*PERSON_LIST_REDACTION_VALUES)
            ),
            Person,
        )
        participations = _participations_read(request.user, [row["id"] for row in rows])
        items = person_rows_represent(rows)
        person_rows_cases_add(
            items,
            sensitive_reads_bulk_record(
                request=request._request,
                username=f"api:{self.agency or 'partner'}",
                object_type=Person._meta.label,
                reads=person_rows_revealed(items),
                reading=participations,
            ),
        )
        return self.get_paginated_response(items)


def _participations_read(user, person_ids: list[int]) -> QuerySet | PreparedRead:
    """The people's roles on cases in ``user``'s scope (``person_id``, ``case__case_number``,
    ``role``, by case number and role). On PostgreSQL, for a partner key, by a statement compiled
    once per key scope with the ids as one array parameter (``= ANY``: the same statement for any
    page; issue 17.3; sent as the array's text, ``core.db.int_array``), else as a queryset built for
    this page."""

    def build(ids) -> QuerySet:
        participations = CaseParticipant.objects.restrict(user, "view")
        if ids is person_ids:
            participations = participations.filter(person_id__in=ids)
        else:
            participations = participations.filter(column_in_array(CaseParticipant, "person", ids))
        return participations.order_by("case__case_number", "role").values("person_id", "case__case_number", "role")

    scope = key_scope(user)
    if scope is not None and connection.vendor == "postgresql":
        prepared = values_prepared(("people:cases", scope), CaseParticipant, build)
        if prepared is not None:
            return PreparedRead(prepared, int_array(person_ids))
    return build(person_ids)


class FviOverrideUseAPIView(PartnerAPIView):
    """``POST /api/v1/cases/{case_number}/fvi-overrides/{id}/use/`` — a court's key uses a
    one-time override recorded from its order (42 USC 654(26)): the protected person's addresses,
    once. Logged; a second use answers 409."""

    scope_resource = "cases"
    extra_error_responses = {"409": ("The override was already used", ErrorSerializer)}

    @extend_schema(request=None, responses={200: OverrideUseSerializer})
    def post(self, request, case_number: str, pk: int):
        override = get_object_or_404(
            FviOverride.objects.select_related("case"),
            pk=pk,
            case__case_number=str(case_number).upper(),
            case__in=Case.objects.restrict(request.user, "view").values("pk"),
        )
        agency = getattr(request.user, "agency", None)
        if agency is None or override.agency_id != agency.pk:
            raise PermissionDenied("This override is not for your agency.")
        if override.is_used:
            return Response({"detail": "This override was already used."}, status=status.HTTP_409_CONFLICT)
        try:
            addresses = fvi_override_use(override=override, via="api", agency=agency, request=request._request)
        except DjangoPermissionDenied:
            return Response({"detail": "This override was already used."}, status=status.HTTP_409_CONFLICT)
        return Response(
            {
                "person_id": override.person_id,
                "court_order_reference": override.court_order_reference,
                "addresses": AddressSerializer(addresses, many=True).data,
            }
        )

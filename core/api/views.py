"""Base API views: scope-checked by the key, errors documented.

Subclass these for every partner endpoint and set ``scope_resource``: GET needs
``<resource>:read`` and writes need ``<resource>:write`` (accounts.api.permissions.HasScope).
"""

import json
from typing import NoReturn

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from core.http import content_disposition
from core.models import AccessLog
from core.services import access_log_record

STATE_WIDE_ONLY = (
    "This endpoint carries the office's whole bank traffic, every county's payees: "
    "only a state-wide key (all counties) may use it."
)


class PartnerViewMixin:
    scope_resource: str = ""
    # An endpoint over files of the office's whole bank traffic (a NACHA return file, a disbursement
    # file: every county's payees in one file), or over the office's whole caseload (the OCSE-157
    # report), sets this: a key limited to counties is refused
    # (403, an ``access_denied`` row), as "a key reads and writes only its counties' objects".
    state_wide_only: bool = False
    # The refusal's message (the bank files' by default; an office-wide report says why it is one).
    state_wide_only_message: str = STATE_WIDE_ONLY

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # DRF copies the principal onto the Django request; signal-based history would then try
        # to store an agency as a staff user. History rows of API writes carry no user; services
        # record the agency in their domain events instead.
        request._request.caseworks_principal = request.user
        request._request.user = AnonymousUser()
        if self.state_wide_only and not getattr(self.key, "all_counties", False):
            self.key_refused(reason="state_wide_only", message=self.state_wide_only_message)

    @property
    def agency(self):
        return getattr(self.request.user, "agency", None)

    @property
    def key(self):
        """The partner API key that authenticated the request (its scopes and counties)."""
        return getattr(self.request.user, "key", None)

    def access_logged(
        self, *, kind: str, outcome: str, obj=None, fields: list[str] | None = None, detail: dict | None = None
    ) -> None:
        """An access-log row of this request, under the agency's name (``api:<agency>``)."""
        access_log_record(
            kind=kind,
            request=self.request._request,  # type: ignore[attr-defined]
            username=f"api:{self.agency or 'partner'}"[:150],
            obj=obj,
            fields=fields or [],
            outcome=outcome,
            detail=detail,
        )

    def key_refused(
        self, *, reason: str, message: str, obj=None, fields: list[str] | None = None, **detail
    ) -> NoReturn:
        """Refuse the key this request (403), the refusal written to the access log with the
        agency's name and ``reason``."""
        self.access_logged(
            kind=AccessLog.Kind.ACCESS_DENIED,
            outcome="denied",
            obj=obj,
            fields=fields,
            detail={"reason": reason, **detail},
        )
        raise PermissionDenied(message)


# Rule 5 (STYLE.md): a viewset over a scoped model lists and fetches only the rows the key's counties
# allow (``Model.objects.restrict``), so no endpoint can forget it. A comment, not a docstring: the
# schema would show it as every subclass's description.
class RestrictedQuerysetMixin:
    scope_action = "view"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action)  # type: ignore[misc]


class PartnerAPIView(PartnerViewMixin, APIView):
    pass


class PartnerGenericAPIView(PartnerViewMixin, generics.GenericAPIView):
    pass


class PartnerGenericViewSet(PartnerViewMixin, viewsets.GenericViewSet):
    pass


class PartnerReadOnlyViewSet(PartnerViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PartnerListRetrieveViewSet(
    PartnerViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass


class PlainTextFileRenderer(BaseRenderer):
    """Lets a client ask for ``text/plain``; errors are still JSON text."""

    media_type = "text/plain"
    format = "txt"
    charset = "us-ascii"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str | bytes):
            return data
        return json.dumps(data)


class StoredFileAPIView(PartnerAPIView):
    """``GET …/<id>/content/``: a stored file byte for byte (``text/plain``), each fetch written to
    the access log with the agency's name. ``?format=`` names ``txt`` or ``json`` (errors) only."""

    renderer_classes = [JSONRenderer, PlainTextFileRenderer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.query_params.get("format", "txt") not in ("json", "txt"):
            raise Http404  # an unknown or empty format names no representation (as DRF answers an unknown one)

    def file_refused(self, obj, *, reason: str, detail: dict | None = None) -> NoReturn:
        """Refuse the key ``obj``'s content (403), the refusal written to the access log with the
        agency's name, as every fetch is."""
        self.key_refused(
            reason=reason,
            message="This file is not available to partner keys.",
            obj=obj,
            fields=["content"],
            **(detail or {}),
        )

    def file_response(self, obj, *, content: bytes, name: str, detail: dict | None = None) -> HttpResponse:
        self.access_logged(
            kind=AccessLog.Kind.SENSITIVE_READ, outcome="success", obj=obj, fields=["content"], detail=detail
        )
        response = HttpResponse(content, content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = content_disposition(name)
        response["Cache-Control"] = "no-store"
        return response

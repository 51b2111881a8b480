"""API errors are JSON with a ``detail`` (and field errors for 400), never an HTML page or a trace."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import access_denial_record

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with a record already received."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DataError):
        logger.warning("API DataError turned into 400: %s", exc)
        exc = exceptions.ValidationError({"detail": "A value is out of range."})
    elif isinstance(exc, Http404):
        request = context.get("request")
        if request is not None:
            try:
                access_denial_record(request=getattr(request, "_request", request), exception=exc)
            except Exception:  # noqa: BLE001 — never turn a 404 into a 500
                logger.exception("could not record access denial")
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response({"detail": "Internal error."}, status=500)
    return response

"""OpenAPI: every operation documents the errors it can answer, so responses match the schema."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


def one_of(choices) -> str:
    """Help text listing the values of ``choices``, for a status read as a plain string: plain
    strings keep the schema's enum names free of collisions between apps."""
    return "One of: " + ", ".join(value for value, _ in choices) + "."


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """Field name → list of messages (or ``detail``/``non_field_errors``)."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        ref_name = "ValidationError"


_ERRORS = {
    "400": ("Invalid input", ValidationErrorSerializer),
    "401": ("Missing, unknown, revoked or expired API key", ErrorSerializer),
    "403": ("The key lacks the scope for this operation", ErrorSerializer),
    "404": ("Not found (or a page past the end of the list)", ErrorSerializer),
    "429": ("Too many requests for this key", ErrorSerializer),
}


class CaseworksAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 404: an unknown object, or a page number past the end of a list.
        codes = ["400", "401", "403", "404", "429"]
        if not self.view.permission_classes or getattr(self.view, "public_endpoint", False):
            codes = [c for c in codes if c not in {"401", "403"}]
        for code in codes:
            if code not in responses:
                description, serializer = _ERRORS[code]
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=serializer, description=description), code
                )
        # ``extra_error_responses`` are the view's write operations' (a 409 conflict); a GET on the
        # same path (a list beside its POST) does not answer them.
        extra = {} if self.method == "GET" else getattr(self.view, "extra_error_responses", {})
        for code, (description, serializer) in extra.items():
            responses.setdefault(
                code, self._get_response_for_code(OpenApiResponse(response=serializer, description=description), code)
            )
        return responses

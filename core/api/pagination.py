"""List envelopes: ``{"count", "next", "previous", "results"}``; cursor pages for unbounded streams."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSizeMixin:
    """A ``page_size`` that is not a whole number from 1 to the maximum is a 400, not ignored."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class StandardPagination(StrictPageSizeMixin, PageNumberPagination):
    """``page`` is a whole number from 1: blank, ``last`` or text is a 400 (DRF reads a blank as page 1).

    A whole number past the last page stays DRF's 404.
    """

    page_size = 50

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_query_param: ["Give a whole number from 1."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


class StreamCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Cursor pages (no COUNT(*)) for ledger entries, collections and audit; ``count`` is null."""

    page_size = 50
    ordering = ("-id",)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"count": None, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"] = {"count": {"type": "integer", "nullable": True}, **result["properties"]}
        return result

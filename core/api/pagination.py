"""List envelopes: ``{"count", "next", "previous", "results"}``; cursor pages for unbounded streams."""

from typing import NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q
from rest_framework.exceptions import NotFound, ValidationError
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
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
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


class KeysetCursorPagination(StrictPageSizeMixin, CursorPagination):  # type: ignore[misc]
    """``?pagination=cursor``: keyset pages on an indexed, unique ordering (``ordering`` of the
    view's ``cursor_ordering``); ``next``/``previous`` links carry the position, no ``count``: a
    page costs the same at the millionth row as at the first (no ``OFFSET``, no ``COUNT(*)``)."""

    page_size = 50

    def __init__(self, ordering: tuple[str, ...] = ("-id",), model: type[Model] | None = None):
        self.ordering = ordering
        self.model = model

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """DRF's, and a position that is no value of the ordering's column (a forged cursor) is
        DRF's 404 "Invalid cursor", not a 500 from the database filter."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None or self.model is None:
            return cursor
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            if "\x00" in cursor.position or field.to_python(cursor.position) is None:
                raise NotFound(self.invalid_cursor_message)
        except DjangoValidationError:
            raise NotFound(self.invalid_cursor_message) from None
        return cursor


class KeysetBound(NamedTuple):
    """Where a cursor page starts: ``field`` (the cursor ordering's first column) ``lookup``
    (``"gt"`` or ``"lt"``) ``position``, as the cursor pagination filters the rows."""

    field: str
    lookup: str
    position: str

    def on(self, field: str) -> Q:
        """The same bound on another column holding the same values (``person_id`` in a subquery)."""
        return Q(**{f"{field}__{self.lookup}": self.position})


class PageOrCursorPagination(StandardPagination):
    """The list envelope existing clients know (``?page=`` with ``count``), or keyset pages with
    ``?pagination=cursor`` (issue 17.3). The view names its cursor ordering (``cursor_ordering``,
    a unique indexed column first); in cursor mode the view's own ``ordering`` filter is not
    applied (a sort given with it is a 400, not ignored)."""

    mode_query_param = "pagination"
    modes = ("page", "cursor")

    def _mode(self, request) -> str:
        mode = request.query_params.get(self.mode_query_param, "page")
        if mode not in self.modes:
            raise ValidationError({self.mode_query_param: ["Give page or cursor."]})
        return mode

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self._mode(request) == "cursor"
        if not self.cursor_mode:
            if "cursor" in request.query_params:
                raise ValidationError({"cursor": ["A cursor needs pagination=cursor."]})
            return super().paginate_queryset(queryset, request, view)
        if request.query_params.get("ordering") or request.query_params.get(self.page_query_param):
            raise ValidationError({self.mode_query_param: ["With pagination=cursor give neither ordering nor page."]})
        self.cursor = KeysetCursorPagination(getattr(view, "cursor_ordering", ("-id",)))
        return self.cursor.paginate_queryset(queryset, request, view)

    def keyset_bound(self, request, view, model: type[Model]) -> KeysetBound | None:
        """The bound the cursor page's rows will be filtered by (``None`` on a page of ``?page=``
        or the first cursor page), for a view to repeat inside a subquery: PostgreSQL does not carry
        ``id > 123`` from the outer query into an ``EXISTS`` joined on ``id``, and a merge semi-join
        would then read the subquery's index from its start at every position (issue 17.3)."""
        if self._mode(request) != "cursor":
            return None
        paginator = KeysetCursorPagination(getattr(view, "cursor_ordering", ("-id",)), model)
        cursor = paginator.decode_cursor(request)
        if cursor is None or cursor.position is None:
            return None
        order = paginator.ordering[0]
        # As CursorPagination.paginate_queryset: (cursor reversed) XOR (ordering descending) is "lt".
        lookup = "lt" if cursor.reverse != order.startswith("-") else "gt"
        return KeysetBound(order.lstrip("-"), lookup, cursor.position)

    def get_paginated_response(self, data):
        if getattr(self, "cursor_mode", False):
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["next", "previous", "results"]
        result["properties"]["count"]["description"] = "Rows matching (page mode only; absent with pagination=cursor)."
        return result

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        ordering = ", ".join(getattr(view, "cursor_ordering", ("-id",)))
        return [
            *parameters,
            {
                "name": self.mode_query_param,
                "required": False,
                "in": "query",
                "description": f"page (default: ?page= with count) or cursor (keyset pages ordered by {ordering}; "
                "follow next/previous; no count)",
                "schema": {"type": "string", "enum": list(self.modes)},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The position of a cursor page, from a next/previous link (pagination=cursor).",
                "schema": {"type": "string"},
            },
        ]

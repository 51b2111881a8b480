"""List envelopes: ``{"count", "next", "previous", "results"}``; cursor pages for unbounded streams."""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, router
from django.db.models import AutoField, BigAutoField, CharField, IntegerField, Model, Q, QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination, _reverse_ordering

from core.db import values_prepared


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


# A position no row has (an id below any, a case number no one is given), standing for the
# cursor's while a page's statement is compiled (``core.db.values_prepared``'s marker); the real one
# takes its parameters' places.
_SENTINELS: dict[type, Any] = {int: -2_000_000_017, str: "\x1fcaseworks keyset position\x1f"}
_KEYSET_FIELDS = (AutoField, BigAutoField, IntegerField, CharField)


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

    def paginate_rows(self, request, view, build: Callable[[], QuerySet], model: type[Model], scope: tuple) -> list:
        """``paginate_queryset(build(), request, view)`` for a ``.values()`` queryset of ``model``
        whose statement depends on nothing but ``scope`` (the key's) and the cursor: its statement
        is compiled once per shape (view, scope, database, direction, offset, page size, whether a
        position is given) and kept on the connection; a page only puts its position in the
        parameters, runs it and names the columns as ``.values()`` does (issue 17.3: building and
        compiling the scoped queryset cost more than running it). The paginator's state after it is
        DRF's (``CursorPagination.paginate_queryset``: the same page, positions and links)."""
        self.model = model
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, None, view)  # type: ignore[arg-type]  # DRF's reads no queryset here
        self.cursor = self.decode_cursor(request)
        offset, reverse = (0, False) if self.cursor is None else (self.cursor.offset, self.cursor.reverse)
        current_position: Any = None if self.cursor is None else self.cursor.position
        following_position: Any
        rows = self._kept_rows(view, build, model, scope, offset, reverse, current_position)
        if rows is None:  # a shape not kept (see _kept_rows): DRF's own, from the queryset
            return list(self.paginate_queryset(build(), request, view))
        self.page = rows[: self.page_size]
        # From here CursorPagination.paginate_queryset's own.
        if len(rows) > len(self.page):
            has_following_position = True
            following_position = self._get_position_from_instance(rows[-1], self.ordering)
        else:
            has_following_position = False
            following_position = None
        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = (current_position is not None) or (offset > 0)
            self.has_previous = has_following_position
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = (current_position is not None) or (offset > 0)
            if self.has_next:
                self.next_position = following_position
            if self.has_previous:
                self.previous_position = current_position
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    def _kept_rows(self, view, build, model, scope, offset, reverse, position) -> list | None:
        """The page's rows by its shape's kept statement (``core.db.values_prepared``), or None when
        the shape is not kept or the position is out of the column's range (the ORM's statement
        would differ: no bound)."""
        value = sentinel = None
        if position is not None:
            field = model._meta.get_field(self.ordering[0].lstrip("-"))
            value = _keyset_value(field, position, connections[router.db_for_read(model) or "default"])
            if value is None:
                return None
            sentinel = _SENTINELS[type(value)]
        shape = ("cursor page", type(view), scope, reverse, offset, self.page_size, position is None)
        prepared = values_prepared(
            shape, model, lambda bound: self._page_queryset(build, offset, reverse, bound), marker=sentinel
        )
        return None if prepared is None else prepared.fetch(value)

    def _page_queryset(self, build, offset, reverse, bound) -> QuerySet:
        """The page's queryset as ``CursorPagination.paginate_queryset`` would run it, the position
        ``bound`` (the sentinel, which ``keyset_bound`` gives the view the same), or a first page's
        (``bound`` None)."""
        self.sentinel = bound
        try:
            queryset = build()
        finally:
            self.sentinel = None
        queryset = queryset.order_by(*(_reverse_ordering(self.ordering) if reverse else self.ordering))
        if bound is not None:
            order = self.ordering[0]
            lookup = "lt" if reverse != order.startswith("-") else "gt"
            queryset = queryset.filter(**{f"{order.lstrip('-')}__{lookup}": bound})
        return queryset[offset : offset + self.page_size + 1]

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
    position: Any  # the cursor's text, or the sentinel a kept statement is compiled with

    def on(self, field: str) -> Q:
        """The same bound on another column holding the same values (``person_id`` in a subquery)."""
        return Q(**{f"{field}__{self.lookup}": self.position})


def _keyset_value(field, position: str, connection) -> Any:
    """``position`` as the ORM sends it to the database in ``field``'s lookup (``id__gt``), or None
    when the ORM would not bound the column by it (out of its range) or the field is not one of
    those whose statements are kept (an integer or a text)."""
    if not isinstance(field, _KEYSET_FIELDS):
        return None
    try:
        value = field.get_db_prep_value(field.get_prep_value(position), connection, prepared=True)
    except (TypeError, ValueError):
        return None
    if isinstance(field, IntegerField):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
            return None
    elif type(value) is not str:
        return None
    return value


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

    def paginate_rows(self, request, view, build: Callable[[], QuerySet], model: type[Model]) -> list:
        """The page of a ``.values()`` list: ``list(paginate_queryset(build(), request, view))``.
        A cursor page of a partner key with no filter given is read by a statement compiled once
        per shape (``KeysetCursorPagination.paginate_rows``): ``build`` (the view's scoped, filtered
        queryset) runs once per shape, not once per page. Its statement may depend on nothing but
        the key (``scope``: every column of the key a scope could read) and the cursor."""
        self.cursor_mode = self._mode(request) == "cursor"
        scope = key_scope(request.user)
        if not self.cursor_mode or scope is None or _filters_given(request, view):
            return list(self.paginate_queryset(build(), request, view))
        if request.query_params.get("ordering") or request.query_params.get(self.page_query_param):
            raise ValidationError({self.mode_query_param: ["With pagination=cursor give neither ordering nor page."]})
        self.cursor = KeysetCursorPagination(getattr(view, "cursor_ordering", ("-id",)))
        self.cursor.outer = self
        return self.cursor.paginate_rows(request, view, build, model, scope)

    def keyset_bound(self, request, view, model: type[Model]) -> KeysetBound | None:
        """The bound the cursor page's rows will be filtered by (``None`` on a page of ``?page=``
        or the first cursor page), for a view to repeat inside a subquery: PostgreSQL does not carry
        ``id > 123`` from the outer query into an ``EXISTS`` joined on ``id``, and a merge semi-join
        would then read the subquery's index from its start at every position (issue 17.3)."""
        if self._mode(request) != "cursor":
            return None
        inner = getattr(self, "cursor", None)
        if (
            isinstance(inner, KeysetCursorPagination)
            and getattr(inner, "sentinel", None) is not None
            and inner.cursor is not None
        ):
            # A statement being compiled for every position (paginate_rows): the sentinel stands for it.
            order = inner.ordering[0]
            lookup = "lt" if inner.cursor.reverse != order.startswith("-") else "gt"
            return KeysetBound(order.lstrip("-"), lookup, inner.sentinel)
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


def key_scope(user) -> tuple | None:
    """What of a partner key a list's scope may depend on (the key, its agency, counties and
    scopes); None for anyone else, whose lists are built on every request."""
    if not getattr(user, "is_partner", False):
        return None
    key = getattr(user, "key", None)
    if key is None or key.pk is None:
        return None
    return (key.pk, key.agency_id, key.all_counties, tuple(key.counties or ()), tuple(key.scopes or ()))


def _filters_given(request, view) -> bool:
    """Whether the request names a filter of the view (its FilterSet builds the queryset then)."""
    from core.api.filters import StrictFilterBackend

    backends = getattr(view, "filter_backends", ())
    if any(backend is not StrictFilterBackend for backend in backends):
        return True
    filterset_class = getattr(view, "filterset_class", None)
    return filterset_class is not None and StrictFilterBackend.filters_given(request.query_params, filterset_class)

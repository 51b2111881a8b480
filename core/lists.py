"""Lists people can work (issue 15.2): one piece that every staff list uses.

``ListViewMixin`` goes before a ``ListView`` (or ``core.views.FilteredListView``) and gives:

- **sorting** by ``?sort=<key>`` / ``?sort=-<key>``, only the keys in ``sort_fields`` (a whitelist:
  anything else is ignored, never passed to ``order_by``), ties broken by the ``sort_tiebreak``
  fields a list gives once for every key (e.g. the case number), then by ``pk`` so pages neither
  repeat nor skip a row; the headers are ``{% sortable_th "key" "Label" %}`` (a link, with
  ``aria-sort`` on the sorted ``<th>``; ``templates/partials/sortable_th.html``);
- **filters** through the view's django-filter filterset (unchanged);
- **pagination** (``paginate_by``; ``templates/partials/pagination.html``);
- **CSV export** of the filtered, sorted rows on the same URL with ``?export=csv``, through the one
  formula-safe writer (``core.csv``), streamed, as ``csv_filename`` (by default the model's plural
  name: ``work-items.csv``); ``csv_columns`` lists ``(header, getter)`` where a getter is an
  attribute path (``"case.case_number"``) or a callable taking the row, or just the attribute path
  when it is also the header (``"due_on"``). A path that meets a missing object (no case, no
  balance row) gives an empty cell and a related object is written as its text (``"caseworker"``),
  so a callable is needed only to choose between values. A list shows in its CSV only what it
  shows on the page (no extra column leaks whereabouts or FTI).

A list computed in Python (``get_queryset`` returns a list, e.g. the training compliance rows) sorts
the same way: ``sort_fields`` then holds attribute paths (``"user.last_name"``), read by ``sort_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import slugify

from .csv import csv_response

Getter = str | Callable[[Any], Any]
Column = str | tuple[str, Getter]  # an attribute path that is its own header, or (header, getter)


def filtered_rows(filterset: Any) -> QuerySet:
    """The rows a list shows for its django-filter ``filterset``: all of them before a filter is
    submitted, the filtered rows for a valid one, none for an invalid one (a filter that does not
    validate never shows everything)."""
    if not filterset.is_bound:
        return filterset.queryset
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def _get(row: Any, getter: Getter) -> Any:
    if callable(getter):
        return getter(row)
    value = row
    for part in getter.split("."):
        value = getattr(value, part, None) if value is not None else None
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def csv_column_pairs(columns: Sequence[Column]) -> list[tuple[str, Getter]]:
    """``csv_columns`` as ``(header, getter)`` pairs: a bare attribute path heads its own column."""
    return [(column, column) if isinstance(column, str) else column for column in columns]


def sort_rows(rows: Sequence[Any], fields: Sequence[str], *, descending: bool = False) -> list[Any]:
    """A computed list sorted by attribute paths (text case-insensitively; empty values last, or
    first when descending, as PostgreSQL orders NULLs); stable, so equal rows keep their order."""

    def key(row: Any) -> list[tuple[bool, Any]]:
        values = []
        for field in fields:
            value = _get(row, field)
            if isinstance(value, str):
                value = value.casefold()
            values.append((value is None or value == "", value if value not in (None, "") else 0))
        return values

    return sorted(rows, key=key, reverse=descending)


class ListViewMixin:
    """Sort whitelist, CSV export and the context the sortable headers need (see module doc)."""

    request: HttpRequest
    sort_fields: dict[str, Sequence[str]] = {}
    sort_tiebreak: Sequence[str] = ()
    default_sort: str = ""
    csv_columns: Sequence[Column] = ()
    csv_filename: str = ""

    # -- sorting ------------------------------------------------------------------------------
    def current_sort(self) -> tuple[str, bool]:
        """(key, descending) from ``?sort=``, falling back to ``default_sort``."""
        for raw in (self.request.GET.get("sort", ""), self.default_sort):
            raw = (raw or "").strip()
            key = raw.lstrip("-")
            if key in self.sort_fields:
                return key, raw.startswith("-")
        return "", False

    def sort_fields_for(self, key: str) -> list[str]:
        """The fields a sort key orders by: its own, then the list's ``sort_tiebreak``."""
        fields = list(self.sort_fields[key])
        return fields + [f for f in self.sort_tiebreak if f not in fields]

    def sort_queryset(self, queryset: QuerySet) -> QuerySet:
        key, descending = self.current_sort()
        if not key:
            return queryset
        if not isinstance(queryset, QuerySet):
            return sort_rows(queryset, self.sort_fields_for(key), descending=descending)
        fields = [
            f"-{f}" if descending and not f.startswith("-") else f.lstrip("-") if descending else f
            for f in self.sort_fields_for(key)
        ]
        if not any(f.lstrip("-") in ("pk", "id") for f in fields):
            fields.append("-pk" if descending else "pk")
        return queryset.order_by(*fields)

    def get_queryset(self):
        return self.sort_queryset(super().get_queryset())  # type: ignore[misc]

    # -- export -------------------------------------------------------------------------------
    def wants_csv(self) -> bool:
        return self.request.GET.get("export") == "csv" and bool(self.csv_columns)

    def get_csv_filename(self) -> str:
        if self.csv_filename:
            return self.csv_filename
        model = getattr(self, "model", None)
        return f"{slugify(model._meta.verbose_name_plural)}.csv" if model is not None else "export.csv"

    def csv_rows(self, queryset, getters: Sequence[Getter]) -> Iterator[list[Any]]:
        # iterator() with a chunk size keeps prefetch_related (Django >= 4.1) and memory flat.
        for row in queryset.iterator(chunk_size=500) if isinstance(queryset, QuerySet) else queryset:
            yield [_get(row, getter) for getter in getters]

    def export_csv(self):
        columns = csv_column_pairs(self.csv_columns)
        rows = self.csv_rows(self.get_queryset(), [getter for _header, getter in columns])
        return csv_response(self.get_csv_filename(), [header for header, _getter in columns], rows)

    def get(self, request, *args, **kwargs):
        if self.wants_csv():
            self.object_list = None
            return self.export_csv()
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        key, descending = self.current_sort()
        context.update(
            {
                "sort_key": key,
                "sort_desc": descending,
                "sortable": set(self.sort_fields),
                "csv_export": bool(self.csv_columns),
            }
        )
        return context


@dataclass(frozen=True)
class RowRefused:
    """``BulkActionMixin.act_on``'s answer for a row refused whose writes are kept (a raised
    ``ValidationError`` undoes them with the row's transaction)."""

    reason: str


class BulkActionMixin:
    """A bulk action on the rows ticked on a list (issue 15.2). Put before ``PermissionMixin`` and a
    ``TemplateView``; POST-only, asks first (``core.confirm``), then each row goes through the same
    scope check and service as the single action, **in a transaction of its own** (one row's refusal
    never undoes another's success). The result page lists what was done and each refusal with its
    reason; a refusal for scope is logged as an access denial.

    Subclasses set ``http_method_names = ["post"]`` and give ``form_class`` (with an ``ids`` field), ``act_on(pk, form) -> label`` (raise
    ``ObjectDoesNotExist``/``PermissionDenied``/``Http404`` for a row out of scope, ``ValidationError``
    for a row the rule refuses), ``confirmation_for(form)`` and ``list_url_name``. A row refused whose writes must stand (the
    service opened a work item to say why) is answered with a ``RowRefused`` instead of raised."""

    request: HttpRequest
    template_name: str | None = "core/bulk_result.html"
    form_class: Any = None
    list_url_name = ""
    title = "Bulk action"

    def bulk_form(self):
        return self.form_class(self.request.POST)

    def confirmation_for(self, form):  # pragma: no cover - overridden
        raise NotImplementedError

    def get_confirmation(self, request, *args, **kwargs):
        from django.urls import reverse

        from .confirm import Confirmation

        form = self.bulk_form()
        if not form.is_valid():
            return Confirmation(
                title="Nothing was done",
                button="Try again",
                cancel_url=reverse(self.list_url_name),
                consequences=[str(e) for errors in form.errors.values() for e in errors],
                danger=False,
            )
        return self.confirmation_for(form)

    def ask(self, request, *args, **kwargs):
        response = super().ask(request, *args, **kwargs)  # type: ignore[misc]
        if not self.bulk_form().is_valid():
            response.status_code = 400
        return response

    def act_on(self, pk: int, form) -> str | RowRefused:  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
        from django.db import transaction
        from django.http import Http404
        from django.urls import reverse

        from .confirm import CONFIRM_FIELD
        from .services import access_log_record

        form = self.bulk_form()
        # Asks first whatever the class order (ConfirmStepMixin wraps only a ``post`` its subclasses define).
        if not form.is_valid() or request.POST.get(CONFIRM_FIELD) != "yes":
            return self.ask(request, *args, **kwargs)
        done, refused = [], []
        for pk in form.cleaned_data["ids"]:
            try:
                with transaction.atomic():
                    label = self.act_on(pk, form)
                if isinstance(label, RowRefused):  # refused, what the row wrote kept
                    refused.append((pk, label.reason))
                else:
                    done.append(label)
            except (PermissionDenied, ObjectDoesNotExist, Http404):
                refused.append((pk, "Not found, or not yours to act on."))
                access_log_record(
                    kind="access_denied", request=request, outcome="denied", detail={"bulk": self.title, "id": pk}
                )
            except ValidationError as exc:
                refused.append((pk, "; ".join(exc.messages)))
        return self.render_to_response(
            {  # type: ignore[attr-defined]
                "title": self.title,
                "done": done,
                "refused": refused,
                "back": reverse(self.list_url_name),
            }
        )

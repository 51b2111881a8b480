"""The one CSV writer of Caseworks: every export goes through it, so none can write a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab or
carriage return let a crafted value slip such a character past a trimming import (OWASP "CSV
Injection"). Text cells starting with one of them get a leading apostrophe, which spreadsheets show
as text. Numbers (``int``, ``Decimal``, ``float``) and text that is exactly a plain number
(``-650.00``) stay as they are: a number is never a formula, and a total must stay summable.

From a view::

    return csv_response("cases.csv", ["case_number", "balance"], ((c.case_number, c.balance) for c in cases))
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from core.http import safe_filename

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: Any) -> Any:
    """One cell as it may be written: ``None`` → empty, numbers unchanged, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


class SafeCsvWriter:
    """``csv.writer`` whose every row is neutralised (same ``writerow``/``writerows``)."""

    def __init__(self, target, **kwargs: Any) -> None:
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file that hands back what is written, so a streamed response can yield each line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = SafeCsvWriter(_Echo())
    if header is not None:
        yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(
    filename: str, header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, stream: bool = True
) -> HttpResponse | StreamingHttpResponse:
    """A ``text/csv`` attachment. Streamed by default, so ``rows`` may be a generator read while
    sending (a list view's whole queryset); ``stream=False`` for a small report held in memory."""
    safe_name = safe_filename(filename, default="export.csv")
    lines = csv_lines(header, rows)
    content_type = "text/csv; charset=utf-8"
    response = (
        StreamingHttpResponse(lines, content_type=content_type)
        if stream
        else HttpResponse("".join(lines), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response

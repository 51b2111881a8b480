"""HTTP helpers shared by every app."""

from __future__ import annotations

import re

from django.http import HttpResponse


def safe_filename(name: str, *, default: str = "download") -> str:
    """A file name fit for a ``Content-Disposition`` header: letters, digits, ``._-`` only (a name
    built from stored text — a control number, an uploaded file's name — can hold anything,
    newlines and quotes included)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or default


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="…"`` (or ``inline``) with the name made safe."""
    return f'{"inline" if inline else "attachment"}; filename="{safe_filename(filename)}"'


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    """A generated PDF shown in the browser (``inline``). ``core.middleware.NoStoreMiddleware``
    keeps it out of caches, as it does every page."""
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    return response

"""HTTP helpers shared by every app."""

from __future__ import annotations

import re


def safe_filename(name: str, *, default: str = "download") -> str:
    """A file name fit for a ``Content-Disposition`` header: letters, digits, ``._-`` only (a name
    built from stored text — a control number, an uploaded file's name — can hold anything,
    newlines and quotes included)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or default


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="…"`` (or ``inline``) with the name made safe."""
    return f'{"inline" if inline else "attachment"}; filename="{safe_filename(filename)}"'

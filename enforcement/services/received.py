"""What every received file's service does first (payment files, bank statements, NACHA return
files, partner files): refuse a file over the kind's size limit, build the row that keeps it as
received, and decide which counties' cases it may reach."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from accounts.models import User

from ..models.received import ReceivedFile

F = TypeVar("F", bound=ReceivedFile)


def received_file_reach(key) -> list[str] | None:
    """The counties whose cases a file may touch: a county partner key's file reaches that key's
    counties only ("a key reads and writes only its counties' objects", docs/operations.md), a key
    with no county none; ``None`` is the whole office (a staff upload, a command, a state-wide key).
    The one rule for every file import (payment files, partner files)."""
    if key is None or key.all_counties:
        return None
    return list(key.counties)


@dataclass(frozen=True)
class ReceivedPriors:
    """The files already imported with a file's content (or control number), oldest first: the
    first, and the counties they reached together (``None``: the whole office). A file is a repeat
    only where an earlier import reached: an earlier county key's import reached its counties'
    cases only, and held every other county's entry as an unknown case's."""

    first: Any
    covered: frozenset[str] | None

    @classmethod
    def of(cls, priors: Sequence[Any]) -> ReceivedPriors:
        """From the earlier imports (rows with ``reach``), oldest first."""
        reaches = [prior.reach for prior in priors]
        covered = None if None in reaches else frozenset(county for reach in reaches for county in reach)
        return cls(first=priors[0] if priors else None, covered=covered)

    def cover(self, reach: list[str] | None) -> bool:
        """Whether they covered all of ``reach`` (``None``: the whole office): the file is a replay."""
        if self.first is None:
            return False
        if self.covered is None:
            return True
        return reach is not None and set(reach) <= self.covered

    def reached(self, county: str) -> bool:
        """Whether an earlier import reached ``county``'s cases."""
        return self.first is not None and (self.covered is None or county in self.covered)


def received_file_size_check(content: bytes, *, max_bytes: int) -> None:
    """A file over ``max_bytes`` is refused before anything of it is read or stored."""
    if len(content) > max_bytes:
        raise ValidationError({"file": f"The file is larger than {max_bytes // (1024 * 1024)} MB."})


def received_file_build(
    model: type[F], *, name: str, default_name: str, content: bytes, via: str, by: User | None, **fields: Any
) -> F:
    """An unsaved ``model`` row of a received file: its name (``default_name`` when none was given;
    no NUL, at most 200 characters), its SHA-256, the bytes as received, how it came (``via``) and
    the signed-in user who sent it (none for a command or a partner), with the kind's ``fields``."""
    return model(
        name=(name or default_name)[:200].replace("\x00", ""),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        via=via,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        **fields,
    )

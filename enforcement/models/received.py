"""What the files the office receives have in common: payment files, bank statements and NACHA
return files are each stored as received, named and hashed, one row per upload, and at most one row
per content is imported (``imported_once``): a file seen before is a duplicate and changes nothing."""

from __future__ import annotations

from django.db import models

from core.models import DetailUrlMixin, OfficeWide, RestrictedQuerySet


def imported_once(name: str, *, per_reach: bool = False) -> models.UniqueConstraint:
    """At most one ``imported`` row per content hash (replay detection rests on it). ``per_reach``:
    a file with a ``reach`` (a county key's) may be imported again where earlier imports did not
    reach, so only the whole office's import (``reach`` null) is once per content hash."""
    condition = models.Q(status="imported", reach__isnull=True) if per_reach else models.Q(status="imported")
    return models.UniqueConstraint(fields=["sha256"], condition=condition, name=name)


class ReceivedFile(DetailUrlMixin, OfficeWide, models.Model):
    """A received file's name and SHA-256; the list shows the newest first, each file's page is
    ``enforcement:<model>_detail``. A concrete model adds
    its ``content``, ``status`` and figures, and ``imported_once(<name>)`` to its constraints."""

    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"  # type: ignore[attr-defined]

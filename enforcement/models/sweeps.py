"""Nightly sweep runs: one run row, fanned out in chunks of case ids (one task per chunk)."""

from __future__ import annotations

from django.db import models

from core.models import OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import ChunkStatus, SweepStatus


class SweepRun(OfficeWide, models.Model):
    as_of = models.DateField(help_text="The day the rules and dates are evaluated for.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=SweepStatus.choices, default=SweepStatus.RUNNING, db_index=True)
    triggered_by = models.CharField(max_length=100, blank=True, help_text="beat, command or a user.")
    started_by = staff_reference()
    chunk_size = models.PositiveIntegerField(default=5000)
    chunk_count = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    cases_examined = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    advanced = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_detail = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("run_sweep", "Start an enforcement sweep")]

    def __str__(self) -> str:
        return f"Sweep {self.pk} as of {self.as_of} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SweepChunk(models.Model):
    """One slice of case ids ``[low, high)`` of a run; processed in one transaction."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="chunks")
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    worker = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cases_examined = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    advanced = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "low"]
        constraints = [models.UniqueConstraint(fields=["run", "low"], name="enf_chunk_unique")]

    def __str__(self) -> str:
        return f"Run {self.run_id} cases [{self.low}, {self.high})"

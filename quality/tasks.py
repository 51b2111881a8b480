"""Quality Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from core.jobs import LIMITS_RUN, run_leased

from . import services


@shared_task(name="quality.tasks.snapshot_task", bind=True, **LIMITS_RUN)
def snapshot_task(self, taken_on: str | None = None, job_id: int | None = None) -> int | None:
    """Nightly: store every measure per office, county and caseworker (idempotent per date; one
    transaction, under a job lease: a killed worker's snapshot is taken over and written once)."""
    day = date.fromisoformat(taken_on) if taken_on else timezone.localdate()
    return run_leased(task=self, job_id=job_id, fn=lambda lease: services.snapshot_take(taken_on=day).pk)

"""Quality Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="quality.tasks.snapshot_task")
def snapshot_task(taken_on: str | None = None) -> int:
    """Nightly: store every measure per office, county and caseworker (idempotent per date)."""
    day = date.fromisoformat(taken_on) if taken_on else timezone.localdate()
    return services.snapshot_take(taken_on=day).pk

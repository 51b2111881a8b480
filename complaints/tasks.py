"""Complaints Celery tasks: thin — load by id, call a service, idempotent."""

from datetime import date

from celery import shared_task

from core.jobs import LIMITS_RUN

from . import services


@shared_task(name="complaints.tasks.send_reminders_task", **LIMITS_RUN)
def send_reminders_task(run_on: str | None = None) -> int:
    """Daily due-soon / overdue / referral reminders (each notice once: re-runs add nothing)."""
    run = services.reminders_send(today=date.fromisoformat(run_on) if run_on else None)
    return run.pk

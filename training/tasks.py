"""Training Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

from celery import shared_task

from core.jobs import LIMITS_RUN

from .services import compliance_reminders_send


@shared_task(name="training.tasks.compliance_reminders_task", **LIMITS_RUN)
def compliance_reminders_task() -> dict:
    """Daily: remind staff of required training due soon, overdue or never taken (idempotent)."""
    run = compliance_reminders_send()
    return {"run": run.pk, "reminders": run.reminders_created, "emails": run.emails_sent, "errors": len(run.errors)}

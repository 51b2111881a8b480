"""Training Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

from celery import shared_task

from core.jobs import LIMITS_RUN, run_leased

from .services import compliance_reminders_send


@shared_task(name="training.tasks.compliance_reminders_task", bind=True, **LIMITS_RUN)
def compliance_reminders_task(self, job_id: int | None = None) -> dict | None:
    """Daily: remind staff of required training due soon, overdue or never taken (idempotent).

    Leased (``core.jobs``): a worker killed mid-run is taken over by the watchdog, which sends again
    what it left ``sending``. A relay that cannot take mail raises ``MailRelayUnavailable`` once the
    run is recorded: the task is retried, then re-sent by the watchdog."""

    def run(lease) -> dict:
        row = compliance_reminders_send(takeover=lease.takeover, raise_if_relay_down=True)
        return {"run": row.pk, "reminders": row.reminders_created, "emails": row.emails_sent, "errors": len(row.errors)}

    return run_leased(task=self, job_id=job_id, fn=run)

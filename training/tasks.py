"""Training Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

from celery import shared_task

from core.jobs import LIMITS_RUN, run_leased

from .services import compliance_reminder_emails_send, compliance_reminders_send


@shared_task(name="training.tasks.compliance_reminders_task", bind=True, **LIMITS_RUN)
def compliance_reminders_task(self, job_id: int | None = None) -> dict | None:
    """Daily: remind staff of required training due soon, overdue or never taken. The day's run is
    recorded once (a re-run the same day returns it) and its e-mails are left to a job of their own
    (``compliance_reminder_emails_task``).

    Leased (``core.jobs``): a worker killed mid-run is taken over by the watchdog (the day's run is
    one transaction: a dead worker's rolled back)."""

    def run(lease) -> dict:
        row = compliance_reminders_send()
        return {"run": row.pk, "reminders": row.reminders_created}

    return run_leased(task=self, job_id=job_id, fn=run)


@shared_task(name="training.tasks.compliance_reminder_emails_task", bind=True, **LIMITS_RUN)
def compliance_reminder_emails_task(self, run_id: int, job_id: int | None = None) -> dict | None:
    """E-mail the reminders waiting for the relay (claimed rows: nothing sent twice). A relay that
    cannot take mail raises ``MailRelayUnavailable``: this task is retried, then re-sent by the
    watchdog; a worker killed mid-send is taken over and sends again what it left ``sending``."""
    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: compliance_reminder_emails_send(run_id=run_id, takeover=lease.takeover),
    )

"""Complaints Celery tasks: thin — load by id, call a service, idempotent."""

from datetime import date

from celery import shared_task

from core.jobs import LIMITS_RUN, run_leased

from . import services


@shared_task(name="complaints.tasks.send_reminders_task", bind=True, **LIMITS_RUN)
def send_reminders_task(self, run_on: str | None = None, job_id: int | None = None) -> int | None:
    """Daily due-soon / overdue / referral reminders: the day's run is recorded once (a re-run the
    same day returns it) and its e-mails are left to a job of their own (``reminder_emails_send_task``).

    Leased (``core.jobs``): a worker killed mid-run is taken over by the watchdog (the day's run is
    one transaction: a dead worker's rolled back)."""
    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: services.reminders_send(today=date.fromisoformat(run_on) if run_on else None).pk,
    )


@shared_task(name="complaints.tasks.reminder_emails_send_task", bind=True, **LIMITS_RUN)
def reminder_emails_send_task(self, run_id: int, job_id: int | None = None) -> dict | None:
    """E-mail the reminders waiting for the relay (claimed rows: nothing sent twice). A relay that
    cannot take mail raises ``MailRelayUnavailable``: this task is retried, then re-sent by the
    watchdog; a worker killed mid-send is taken over and sends again what it left ``sending``."""
    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: services.reminder_emails_send(run_id=run_id, takeover=lease.takeover),
    )

"""Complaints Celery tasks: thin — load by id, call a service, idempotent."""

from datetime import date

from celery import shared_task

from core.jobs import LIMITS_RUN, run_leased

from . import services


@shared_task(name="complaints.tasks.send_reminders_task", bind=True, **LIMITS_RUN)
def send_reminders_task(self, run_on: str | None = None, job_id: int | None = None) -> int | None:
    """Daily due-soon / overdue / referral reminders (each notice once: re-runs add nothing).

    Leased (``core.jobs``): a worker killed mid-run is taken over by the watchdog, which sends again
    what it left ``sending``. A relay that cannot take mail raises ``MailRelayUnavailable`` once the
    run is recorded: the task is retried, then re-sent by the watchdog."""

    def run(lease) -> int:
        return services.reminders_send(
            today=date.fromisoformat(run_on) if run_on else None, takeover=lease.takeover, raise_if_relay_down=True
        ).pk

    return run_leased(task=self, job_id=job_id, fn=run)

"""Outreach Celery tasks: thin — load by id, call a service, idempotent."""

from celery import shared_task

from core.jobs import LIMITS_RUN, run_leased

from . import services


@shared_task(name="outreach.tasks.announcement_send_task", bind=True, **LIMITS_RUN)
def announcement_send_task(self, announcement_id: int, job_id: int | None = None) -> dict | None:
    """Send the pending e-mails of one announcement (rows are claimed, so a re-run sends nothing twice)."""
    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: services.announcement_send(announcement_id=announcement_id, takeover=lease.takeover),
    )


@shared_task(name="outreach.tasks.media_reminders_task", **LIMITS_RUN)
def media_reminders_task() -> dict:
    """Daily: remind spokespeople of media inquiries due soon or overdue (once per inquiry and kind)."""
    run = services.media_reminders_run()
    return {"run": run.pk, "due_soon": run.due_soon_count, "overdue": run.overdue_count, "errors": len(run.errors)}


@shared_task(name="outreach.tasks.survey_invitations_send_task", bind=True, **LIMITS_RUN)
def survey_invitations_send_task(self, survey_id: int, job_id: int | None = None) -> dict | None:
    """E-mail the survey links waiting for a survey's attendees (claimed rows: nothing sent twice)."""
    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: services.survey_invitations_send(survey_id=survey_id, takeover=lease.takeover),
    )

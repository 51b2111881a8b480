"""Outreach Celery tasks: thin — load by id, call a service, idempotent."""

from celery import shared_task

from . import services


@shared_task(name="outreach.tasks.announcement_send_task")
def announcement_send_task(announcement_id: int) -> dict:
    """Send the pending e-mails of one announcement (rows are claimed, so a re-run sends nothing twice)."""
    return services.announcement_send(announcement_id=announcement_id)


@shared_task(name="outreach.tasks.media_reminders_task")
def media_reminders_task() -> dict:
    """Daily: remind spokespeople of media inquiries due soon or overdue (once per inquiry and kind)."""
    run = services.media_reminders_run()
    return {"run": run.pk, "due_soon": run.due_soon_count, "overdue": run.overdue_count, "errors": len(run.errors)}

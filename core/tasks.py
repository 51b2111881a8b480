"""Core tasks: a health ping that touches the database (used by the real-worker test and operators)
and the background jobs' watchdog."""

from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task(name="core.ping", bind=True)
def ping_task(self, value: str = "ping", job_id: int | None = None) -> dict | None:
    from .jobs import run_leased

    return run_leased(
        task=self, job_id=job_id, fn=lambda lease: {"echo": value, "users": get_user_model().objects.count()}
    )


@shared_task(name="core.jobs_watchdog", soft_time_limit=60, time_limit=90, ignore_result=True)
def jobs_watchdog_task() -> dict:
    """Beat: re-send jobs whose worker died (expired lease) or that the broker never got (core/jobs.py)."""
    from .jobs import jobs_watchdog

    return jobs_watchdog()

"""Beat schedules as data, editable in admin (django-celery-beat).

Each app lists its periodic tasks in ``<app>/schedules.py``::

    SCHEDULES = [Schedule("Accrue charges", "cases.tasks.accrue_charges_task", hour="1", minute="0")]

After every ``migrate`` the missing ones are created; existing rows are left as an administrator
edited them (time, enabled), so a deploy never undoes an office's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .hooks import app_modules, is_last_app_migrated


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    description: str = ""
    every_seconds: int | None = None  # an interval instead of the crontab fields (e.g. the jobs watchdog)


def declared_schedules() -> list[Schedule]:
    found: list[Schedule] = []
    for _app, module in app_modules("schedules"):
        found.extend(getattr(module, "SCHEDULES", []))
    return found


def sync_schedules(*, using: str = "default") -> int:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for item in declared_schedules():
        if PeriodicTask.objects.using(using).filter(name=item.name).exists():
            continue
        if item.every_seconds:
            interval, _ = IntervalSchedule.objects.using(using).get_or_create(
                every=item.every_seconds, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.using(using).create(
                name=item.name, task=item.task, interval=interval, description=item.description
            )
            created += 1
            continue
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=item.minute,
            hour=item.hour,
            day_of_week=item.day_of_week,
            day_of_month=item.day_of_month,
            month_of_year=item.month_of_year,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.using(using).create(
            name=item.name, task=item.task, crontab=crontab, description=item.description
        )
        created += 1
    return created


def sync_schedules_after_migrate(sender, using="default", **kwargs) -> None:
    # Once per migrate/flush, after the last Caseworks app (django_celery_beat comes before them).
    if is_last_app_migrated(sender):
        from django.db import connections

        if "django_celery_beat_periodictask" in connections[using].introspection.table_names():
            sync_schedules(using=using)


# The jobs watchdog (core/jobs.py): its period is CASEWORKS_JOB_WATCHDOG_SECONDS when the row is
# first created; an administrator may change it afterwards like any schedule.
SCHEDULES = [
    Schedule(
        "Jobs watchdog",
        "core.jobs_watchdog",
        every_seconds=settings.CASEWORKS_JOB_WATCHDOG_SECONDS,
        description="Re-sends background jobs whose worker died (expired lease) or that the broker "
        "never received (transactional outbox).",
    ),
]

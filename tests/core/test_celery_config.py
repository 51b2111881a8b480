from django.db import OperationalError

from config.celery import app
from config.settings import base
from core.tasks import ping_task


def test_tasks_are_acknowledged_late_and_redelivered_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert base.REDIS_TRANSPORT_OPTIONS["visibility_timeout"] > ping_task.retry_backoff_max


def test_transient_errors_are_retried_with_backoff():
    assert OperationalError in ping_task.autoretry_for
    assert (ping_task.max_retries, ping_task.retry_backoff, ping_task.retry_jitter) == (5, 5, True)


def test_beat_schedules_live_in_the_database():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"

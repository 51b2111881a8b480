"""A real task through the real Redis broker to a real worker started by the test."""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from core.tasks import ping_task
from tests.conftest import needs_redis


@needs_redis()
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_through_redis(make_user):
    make_user("caseworker")
    broker = os.environ["CELERY_BROKER_URL"]
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    celery_app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker)
    # The app caches its result backend per thread: drop the eager-mode one so Redis is used.
    celery_app._local.__dict__.pop("backend", None)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping_task.delay("hello")
            assert result.get(timeout=20) == {"echo": "hello", "users": 1}
    finally:
        celery_app.conf.update(saved)
        celery_app._local.__dict__.pop("backend", None)

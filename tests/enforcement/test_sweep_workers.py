"""The fanned-out sweep through a real Redis broker to real workers: 1 worker or 4 give the
same actions, and a second run adds none (worker-count independence and idempotence)."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from enforcement.models import EnforcementAction, SweepRun
from enforcement.tasks import nightly_sweep_task
from tests.conftest import needs_postgres, needs_redis
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = [needs_redis(), pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker():
    broker = os.environ["CELERY_BROKER_URL"]
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    celery_app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker)
    with celery_app.connection_for_write() as conn:  # start from an empty queue
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
    yield
    celery_app.conf.update(saved)


def office():
    cases = []
    for i in range(12):
        cases.append(delinquent_case(unassigned=f"{400 + i * 350}.00"))
        cases.append(delinquent_case(jurisdiction="CA", assigned=f"{120 + i * 300}.00", days_past_due=20 + i * 10))
    return cases


def wait_for(run_id: int) -> SweepRun:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = SweepRun.objects.get(pk=run_id)
        if run.finished_at is not None:
            return run
        time.sleep(0.2)
    raise AssertionError(f"sweep run {run_id} did not finish: {SweepRun.objects.filter(pk=run_id).values()}")


def actions():
    return sorted(EnforcementAction.objects.values_list("case_id", "remedy", "status", "total_arrears", "rule_id"))


def sweep_on_workers(**worker_options) -> tuple[SweepRun, SweepRun, list]:
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30, **worker_options):
        first = wait_for(nightly_sweep_task(as_of=AS_OF.isoformat(), chunk_size=3))
        result = actions()
        second = wait_for(nightly_sweep_task(as_of=AS_OF.isoformat(), chunk_size=3))
    return first, second, result


def test_one_worker_sweeps_idempotently(real_broker):
    office()
    first, second, result = sweep_on_workers(pool="solo")
    assert first.errors == 0 and first.chunk_count > 1 and first.chunks_done == first.chunk_count
    assert first.proposed == len(result) > 0
    assert second.proposed == 0 and actions() == result


@needs_postgres()
def test_four_concurrent_workers_give_the_same_actions_as_one(real_broker):
    office()
    _, _, one = sweep_on_workers(pool="solo")
    EnforcementAction.objects.all().delete()
    first, second, four = sweep_on_workers(pool="threads", concurrency=4)
    assert first.errors == 0 and first.chunks_done == first.chunk_count
    assert four == one
    assert second.proposed == 0 and actions() == four

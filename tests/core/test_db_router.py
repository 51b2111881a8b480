"""17.4: reads go to the replica only inside replica_reads() and only when one is configured;
writes and migrations always to the primary; the queues route every scheduled task."""

import pytest
from django.conf import settings
from django.test import override_settings

from cases.models import Case
from config.db_router import ReplicaRouter, replica_reads


def test_no_replica_configured_means_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Case) is None
    assert router.db_for_write(Case) == "default"


def test_replica_reads_only_inside_the_block():
    router = ReplicaRouter()
    databases = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    with override_settings(DATABASES=databases):
        assert router.db_for_read(Case) is None
        with replica_reads():
            assert router.db_for_read(Case) == "replica"
            assert router.db_for_write(Case) == "default"
        assert router.db_for_read(Case) is None
        assert router.allow_migrate("replica", "cases") is False and router.allow_migrate("default", "cases")


@pytest.mark.parametrize("queue", ["files", "nightly"])
def test_queued_tasks_exist_and_every_schedule_has_a_queue(queue):
    from config.celery import app
    from core.schedules import declared_schedules

    app.loader.import_default_modules()
    for task in settings.CASEWORKS_TASK_QUEUES[queue]:
        assert task in app.tasks, task
    routed = {t for tasks in settings.CASEWORKS_TASK_QUEUES.values() for t in tasks}
    interactive = {"core.jobs_watchdog"}
    assert {s.task for s in declared_schedules()} <= routed | interactive

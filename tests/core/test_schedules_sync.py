"""Beat's schedules are in the database after every ``migrate`` and ``flush`` (core/schedules.py)."""

from unittest import mock

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from core import schedules


@pytest.mark.django_db
def test_a_flush_syncs_the_schedules_once_and_every_declared_schedule_is_back():
    declared = {item.name: item.task for item in schedules.declared_schedules()}
    assert "Jobs watchdog" in declared and len(declared) > 3
    with mock.patch.object(schedules, "sync_schedules", wraps=schedules.sync_schedules) as sync:
        call_command("flush", interactive=False, verbosity=0)
    assert sync.call_count == 1  # after the last Caseworks app's post_migrate, not after each app's
    assert dict(PeriodicTask.objects.values_list("name", "task")) == declared

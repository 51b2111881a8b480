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


def test_the_operations_page_says_when_each_schedule_runs_and_where_its_failure_shows():
    """docs/operations.md, "The nightly schedule and how to see a failure" (issue 18.8): a row per
    declared schedule, naming it, its task and its time as declared."""
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    table = page.split("### The nightly schedule and how to see a failure", 1)[1].split("\n\n", 1)[0]
    rows = {
        cells[2]: cells for line in table.splitlines()[2:] if len(cells := [c.strip() for c in line.split("|")]) > 4
    }
    for item in schedules.declared_schedules():
        assert item.name in rows, f"docs/operations.md: no row for the schedule {item.name!r}"
        when, _name, task, failure = rows[item.name][1:5]
        assert f"`{item.task}`" in task, (item.name, task)
        if item.every_seconds:
            assert when == f"every {item.every_seconds} s", (item.name, when)
        elif item.hour == "*":
            assert when == f"hourly at :{int(item.minute):02d}", (item.name, when)
        else:
            assert when == f"{int(item.hour):02d}:{int(item.minute):02d}", (item.name, when)
        assert failure, item.name

"""The run rows of scheduled tasks (``core.models.ScheduledRun``): started when created, unfinished and
without errors until the task says otherwise, newest first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from core.models import ScheduledRun

pytestmark = pytest.mark.django_db

RUN_MODELS = [model for model in apps.get_models() if issubclass(model, ScheduledRun)]


def test_the_daily_reminder_runs_are_scheduled_runs():
    assert {model._meta.label for model in RUN_MODELS} == {
        "complaints.ReminderRun",
        "outreach.ReminderRun",
        "training.ReminderRun",
    }


@pytest.mark.parametrize("model", RUN_MODELS, ids=lambda model: model._meta.label)
def test_a_run_starts_unfinished_without_errors_and_lists_newest_first(model):
    # given two runs, the older started an hour earlier
    fields = {"run_on": date(2026, 3, 2)} if any(f.name == "run_on" for f in model._meta.fields) else {}
    older, newer = model.objects.create(**fields), model.objects.create(**fields)
    model.objects.filter(pk=older.pk).update(started_at=timezone.now() - timedelta(hours=1))

    # then
    assert newer.started_at is not None
    assert (newer.finished_at, newer.errors) == (None, [])
    assert list(model.objects.all()) == [newer, older]

"""Data migration complaints 0003: stated hearing deadlines move to 90 days after *receipt*."""

from datetime import date
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from complaints.choices import ComplaintStatus
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_stated_deadlines_are_lengthened_never_shortened():
    # Resolved Nov 20, stated Feb 18 (from the date): received Nov 25 + 90 = Feb 23 (Tuesday).
    short = ComplaintFactory(
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 20),
        hearing_deadline=date(2027, 2, 18),
        outcome="not_upheld",
        resolution_explanation="e",
    )
    later = ComplaintFactory(
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 20),
        hearing_deadline=date(2027, 3, 31),
        outcome="not_upheld",
        resolution_explanation="e",
    )
    open_one = ComplaintFactory()
    migration = import_module("complaints.migrations.0003_hearing_deadline_from_receipt")
    migration.lengthen(_AppsWithoutDeadlineRows(), SimpleNamespace(connection=connection))
    for c in (short, later, open_one):
        c.refresh_from_db()
    assert (short.hearing_deadline, later.hearing_deadline, open_one.hearing_deadline) == (
        date(2027, 2, 23),
        date(2027, 3, 31),
        None,
    )


class _NoRows:
    """``DeadlineSetting.objects`` as migration 0003 saw it on an office that never changed a row
    (the table itself is gone since complaints 0004 moved deadlines to core.LegalParameter)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None if name == "first" else self


class _AppsWithoutDeadlineRows:
    def get_model(self, app_label, model_name):
        if model_name == "DeadlineSetting":
            return SimpleNamespace(objects=_NoRows())
        return apps.get_model(app_label, model_name)

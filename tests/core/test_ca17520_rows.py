"""California licence suspension rows against Fam. Code 17520's own text.

17520(a)(4): "'Compliance with a judgment or order for support' means that, as set forth in a judgment
or order for child or family support, the obligor is no more than 30 calendar days in arrears in
making payments in full for current support, …": listed (not in compliance) when *more than* 30
days, the seeded 30 with "more than". The four-month row stays ``confirm`` (its text was not found).
"""

import importlib
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from core.legal_seed import SEED_ROWS
from core.models import LegalParameter

pytestmark = pytest.mark.django_db
DAYS = "ca.remedy.license_suspension.days_past_due"
MONTHS = "ca.remedy.license_suspension.months_min"
ON = date(1999, 10, 1)


def _migration():
    return importlib.import_module("core.migrations.0018_ca_licence_days_row_verified_against_17520")


def _seeded(key: str) -> dict:
    return next(r for r in SEED_ROWS if r["key"] == key)


def test_the_thirty_day_row_is_seeded_verified_with_its_subdivision():
    row = _seeded(DAYS)
    assert (row["value"], row["citation"], row["confirm"]) == (D(30), "Fam. Code 17520(a)(4)", False)


def test_the_four_month_row_stays_to_confirm():
    row = _seeded(MONTHS)
    assert (row["value"], row["citation"], row["confirm"]) == (D(4), "Fam. Code 17520", True)


def _as_seeded_before() -> LegalParameter:
    LegalParameter.objects.filter(key=DAYS).delete()
    return LegalParameter.objects.create(
        key=DAYS, jurisdiction="CA", effective_on=ON, value=D(30), citation="Fam. Code 17520", confirm=True
    )


def test_core_0018_verifies_the_row_as_seeded_with_history_and_back():
    migration, editor = _migration(), SimpleNamespace(connection=connection)
    row = _as_seeded_before()
    migration.verify(apps, editor)
    row.refresh_from_db()
    assert (row.confirm, row.citation) == (False, "Fam. Code 17520(a)(4)")
    assert row.history.filter(history_change_reason=migration.REASON).count() == 1
    migration.verify(apps, editor)  # a second run changes nothing
    assert row.history.filter(history_change_reason=migration.REASON).count() == 1
    migration.unverify(apps, editor)
    row.refresh_from_db()
    assert (row.confirm, row.citation) == (True, "Fam. Code 17520")


def test_core_0018_leaves_a_row_an_administrator_corrected():
    migration, editor = _migration(), SimpleNamespace(connection=connection)
    row = _as_seeded_before()
    LegalParameter.objects.filter(pk=row.pk).update(value=D(45))
    migration.verify(apps, editor)
    row.refresh_from_db()
    assert (row.value, row.confirm, row.citation) == (D(45), True, "Fam. Code 17520")

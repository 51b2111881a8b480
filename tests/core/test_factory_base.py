"""The suite's factories set up rows without field history, and only those (tests/factory_base.py)."""

from __future__ import annotations

import threading

import pytest

from cases.models import Case, Person
from tests.cases.factories import CaseFactory
from tests.factory_base import HISTORY, _set_up_rows

pytestmark = pytest.mark.django_db


def test_a_factorys_rows_have_no_history_and_what_follows_is_recorded():
    case = CaseFactory()  # its parties come from sub-factories
    assert not Case.history.filter(id=case.pk).exists()
    assert not Person.history.filter(id=case.cp.pk).exists()

    cp = case.cp
    cp.phone = "518-555-0100"
    cp.save()
    Person.objects.create(first_name="Ada", last_name="Direct")

    assert list(Person.history.filter(id=cp.pk).values_list("history_type", "phone")) == [("~", "518-555-0100")]
    assert Person.history.filter(last_name="Direct", history_type="+").exists()
    assert bool(HISTORY)  # the switch is back on after each create


def test_the_switch_is_this_threads_only():
    """The live server's thread (browser tests) records while the test's thread builds rows."""
    seen = []
    with _set_up_rows():
        assert not HISTORY
        other = threading.Thread(target=lambda: seen.append(bool(HISTORY)))
        other.start()
        other.join()
    assert seen == [True]
    assert HISTORY


def test_factory_history_makes_factories_record(factory_history):
    case = CaseFactory()
    assert Case.history.filter(id=case.pk, history_type="+").exists()
    assert Person.history.filter(id=case.cp.pk, history_type="+").exists()

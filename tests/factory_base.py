"""The base of the suite's model factories: the rows a test sets up are written without field history.

A factory's row is the test's starting point, not a change anyone made, so it gets no
simple-history row (issue 18.1: simple-history was about a seventh of the model-heavy tests' time,
and the suite's busy CPU fell by about a tenth without the set-up's rows). What the test then
does — through services, views, admin or plain ``save()`` calls — is recorded as in production:
the switch is per thread and only inside a factory's create, so the live server's thread in the
browser tests always records.

A test about the history of rows it set up asks for the ``factory_history`` fixture
(``tests/conftest.py``), and its factories write history as production code would.

django-simple-history reads ``settings.SIMPLE_HISTORY_ENABLED`` at each save and delete; the suite
sets it to ``HISTORY`` (``tests/conftest.py``), whose truth is this thread's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from factory.django import DjangoModelFactory


class _HistorySwitch(threading.local):
    """True (history is written) unless this thread is inside a factory's create."""

    recording = True
    factories_record = False  # ``factory_history``: this test's factories write history too

    def __bool__(self) -> bool:
        return self.recording


HISTORY = _HistorySwitch()


@contextmanager
def _set_up_rows() -> Iterator[None]:
    before = HISTORY.recording
    HISTORY.recording = HISTORY.factories_record
    try:
        yield
    finally:
        HISTORY.recording = before


class ModelFactory(DjangoModelFactory):
    """``DjangoModelFactory`` whose rows (and the rows of its sub-factories) keep no field history."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with _set_up_rows():
            return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        with _set_up_rows():
            super()._after_postgeneration(instance, create, results)

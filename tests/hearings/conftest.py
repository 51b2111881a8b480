"""Fixtures of the hearings tests: a hearing request starts from a complaint (the complaints tests' fixture);
the page tests share one frozen today."""

import pytest
import time_machine

from tests.complaints.conftest import file_complaint  # noqa: F401 (a fixture, used by name)


@pytest.fixture
def frozen_today():
    """The hearings page tests' today (the pages read the clock): Monday, January 11, 2027."""
    with time_machine.travel("2027-01-11 15:00Z", tick=False):
        yield

"""Fixtures shared with the complaints tests: a hearing request starts from a complaint."""

from tests.complaints.conftest import file_complaint  # noqa: F401 (a fixture, used by name)

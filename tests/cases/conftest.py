import pytest

from tests.cases.factories import CaseFactory


@pytest.fixture
def worker(role_user):
    return role_user("caseworker")


@pytest.fixture
def my_case(worker):
    return CaseFactory(caseworker=worker)

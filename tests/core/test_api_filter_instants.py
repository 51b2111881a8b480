"""``updated_since``/``since`` take any ISO 8601 instant a partner may send. Offsets beyond what the
database stores (±15:59) are read in UTC; an instant that leaves years 1–9999 in UTC is a 400 on the
field. Neither reaches the database as an error (on PostgreSQL it did: "time zone displacement out
of range", found by Schemathesis)."""

import pytest

from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db

ENDPOINTS = [("/api/v1/cases/", "cases:read"), ("/api/v1/enforcement-actions/", "enforcement:read")]


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS)
@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00%2B23:59"])
def test_an_instant_outside_the_years_is_a_400_on_the_field(api_client_with, path, scope, instant):
    case_with_order()
    response = api_client_with(scope).get(f"{path}?updated_since={instant}")
    assert response.status_code == 400
    assert "updated_since" in response.json()


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS)
def test_a_large_offset_is_read_in_utc(api_client_with, path, scope):
    case_with_order()
    # 2000-01-01 00:00 at -23:00 is 2000-01-01 23:00 UTC: every case here was updated after it.
    response = api_client_with(scope).get(f"{path}?updated_since=2000-01-01T00:00:00-23:00")
    assert response.status_code == 200
    if path == "/api/v1/cases/":
        assert len(response.json()["results"]) == 1

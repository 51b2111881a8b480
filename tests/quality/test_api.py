from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/performance/ocse157/"


def test_ocse157_answers_lines_and_measures_exactly(office, api_client_with):
    api = api_client_with("performance:read", all_counties=True)
    response = api.get(URL, {"fiscal_year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"fiscal_year", "lines", "measures"}
    assert body["fiscal_year"] == 2026
    assert body["lines"] == {"1": 5, "2": 3, "5a": 3, "6": 3, "24": "1100.00", "25": "500.00", "28": 4, "29": 2}
    measures = {m["name"]: m for m in body["measures"]}
    assert [m["name"] for m in body["measures"]] == [
        "paternity",
        "orders",
        "current_collections",
        "arrears_collections",
        "cost_effectiveness",
    ]
    assert set(measures["orders"]) == {"name", "numerator", "denominator", "value", "incentive_percentage"}
    assert measures["orders"]["value"] == "60.00"
    assert Decimal(measures["orders"]["incentive_percentage"]) == 70
    assert measures["current_collections"]["value"] == "45.45"
    assert measures["cost_effectiveness"]["value"] == "2.50"
    assert Decimal(measures["cost_effectiveness"]["numerator"]) == Decimal("1000.00")


@pytest.mark.parametrize("bad", ["", "1999", "2101", "abc", "2026.5", "2026\x00", "99999999999999999999"])
def test_ocse157_rejects_bad_fiscal_years_with_400(db, api_client_with, bad):
    response = api_client_with("performance:read", all_counties=True).get(URL, {"fiscal_year": bad})
    assert response.status_code == 400
    body = response.json()
    assert "fiscal_year" in body or "NUL" in body.get("detail", "")  # NUL bytes stop at the middleware


def test_ocse157_needs_the_performance_read_scope(db, api_client_with, client):
    assert client.get(URL, {"fiscal_year": 2026}).status_code == 401
    assert api_client_with("cases:read", all_counties=True).get(URL, {"fiscal_year": 2026}).status_code == 403


def test_a_key_limited_to_counties_is_refused_the_office_wide_report_and_the_refusal_logged(db, api_client_with):
    """The lines count every county's cases (the office's federal report): a county key would read
    the other counties' figures. Refused (403) with an ``access_denied`` row, as the bank files are."""
    from core.models import AccessLog
    from tests.cases.factories import CaseFactory

    CaseFactory(county="Albany")
    CaseFactory(county="Schenectady")
    response = api_client_with("performance:read", agency="Albany Partner", counties=["Albany"]).get(
        URL, {"fiscal_year": 2025}
    )
    assert response.status_code == 403 and "state-wide key" in response.json()["detail"]
    assert "lines" not in response.json()
    denial = AccessLog.objects.get(kind=AccessLog.Kind.ACCESS_DENIED)
    assert (denial.username, denial.outcome, denial.detail) == (
        "api:Albany Partner",
        "denied",
        {"reason": "state_wide_only"},
    )


def test_ocse157_query_count(office, api_client_with, django_assert_max_num_queries):
    api = api_client_with("performance:read", all_counties=True)
    with django_assert_max_num_queries(20):  # key lookup + request log + the handful of line aggregates
        assert api.get(URL, {"fiscal_year": 2026}).status_code == 200

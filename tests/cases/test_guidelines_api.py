import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_ny_endpoint_returns_money_as_strings(api_client_with):
    api = api_client_with("guidelines:read")
    response = api.post("/api/v1/guidelines/ny/", {"parent_incomes": ["60000", "40000"], "children": 2,
                                                   "as_of": "2025-06-01"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {k: body[k] for k in ("combined_income", "capped_income", "percentage", "basic_obligation_annual",
                                 "payor_share", "payor_obligation_annual", "payor_obligation_monthly")} == {
        "combined_income": "100000.00", "capped_income": "100000.00", "percentage": "25.00",
        "basic_obligation_annual": "25000.00", "payor_share": "0.6000", "payor_obligation_annual": "15000.00",
        "payor_obligation_monthly": "1250.00"}


def test_ca_endpoint_statutory_example(api_client_with):
    api = api_client_with("guidelines:read")
    response = api.post("/api/v1/guidelines/ca/", {"high_earner_net_monthly": "600", "total_net_monthly": "1000",
                                                   "high_earner_timeshare": "0.2", "children": 1,
                                                   "as_of": "2024-01-01"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["k"], body["base_amount"], body["multiplier"], body["monthly_support"]) == (
        "0.3000", "120.00", "1.000", "120.00")


@pytest.mark.parametrize("payload", [
    {"parent_incomes": ["1", "2", "3"], "children": 1, "as_of": "2025-01-01"},
    {"parent_incomes": ["-1", "2"], "children": 1, "as_of": "2025-01-01"},
    {"parent_incomes": ["1.005", "2"], "children": 1, "as_of": "2025-01-01"},
    {"parent_incomes": ["1", "2"], "children": 0, "as_of": "2025-01-01"},
    {"parent_incomes": ["1", "2"], "children": 1, "as_of": "1980-01-01"},
    {"parent_incomes": ["1e400", "2"], "children": 1, "as_of": "2025-01-01"},
    {"children": 1, "as_of": "2025-01-01"},
])
def test_ny_endpoint_refuses_bad_input_with_400(api_client_with, payload):
    response = api_client_with("guidelines:read").post("/api/v1/guidelines/ny/", payload, format="json")
    assert response.status_code == 400


def test_ca_endpoint_refuses_high_earner_above_total(api_client_with):
    response = api_client_with("guidelines:read").post("/api/v1/guidelines/ca/", {
        "high_earner_net_monthly": "2000", "total_net_monthly": "1000", "high_earner_timeshare": "0.2",
        "children": 1, "as_of": "2024-01-01"}, format="json")
    assert response.status_code == 400
    assert "high_earner_net_monthly" in response.json()


def test_calculators_need_the_guidelines_scope(api_client_with):
    response = api_client_with("cases:read").post("/api/v1/guidelines/ny/", {}, format="json")
    assert response.status_code == 403


def test_worksheet_page_shows_the_breakdown(client_as):
    response = client_as("caseworker").get(reverse("guidelines:ny"), {
        "payor_income": "60000", "other_income": "40000", "children": "2", "as_of": "2025-06-01"})
    assert response.status_code == 200
    assert response.context["result"].payor_obligation_monthly == 1250
    assert b"$1,250.00" in response.content


def test_worksheet_page_shows_field_errors(client_as):
    response = client_as("caseworker").get(reverse("guidelines:ca"), {
        "high_earner_net_monthly": "2000", "total_net_monthly": "1000", "high_earner_timeshare": "2",
        "children": "1", "as_of": "2024-01-01"})
    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors.keys() >= {"high_earner_timeshare"}

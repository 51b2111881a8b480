"""A filter a partner sends must mean something: empty values and unreadable booleans are a 400."""

import pytest


@pytest.mark.parametrize(
    ("path", "scope", "query"),
    [
        ("/api/v1/cases/", "cases:read", "updated_since="),
        ("/api/v1/cases/", "cases:read", "status="),
        ("/api/v1/enforcement-actions/", "enforcement:read", "updated_since="),
        ("/api/v1/court-actions/", "court_actions:read", "updated_since=%20"),
        ("/api/v1/hearings/", "hearings:read", "is_late="),
        ("/api/v1/training/compliance/", "training:read", "status="),
    ],
)
def test_an_empty_filter_value_is_a_400_naming_the_parameter(api_client_with, path, scope, query):
    response = api_client_with(scope).get(f"{path}?{query}")

    assert response.status_code == 400
    assert response.json() == {query.split("=")[0]: ["This value may not be empty."]}


@pytest.mark.parametrize("value", ["maybe", "1", "True", "yes"])
def test_a_boolean_filter_takes_only_true_or_false(api_client_with, value):
    response = api_client_with("hearings:read").get(f"/api/v1/hearings/?is_late={value}")

    assert response.status_code == 400
    assert response.json() == {"is_late": ["Must be true or false."]}


@pytest.mark.parametrize("value", ["true", "false"])
def test_a_boolean_filter_accepts_true_and_false(api_client_with, value):
    assert api_client_with("hearings:read").get(f"/api/v1/hearings/?is_late={value}").status_code == 200


def test_an_unknown_choice_is_a_400(api_client_with):
    response = api_client_with("training:read").get("/api/v1/training/compliance/?status=bogus")

    assert response.status_code == 400
    assert "status" in response.json()


def test_valid_filters_still_filter(api_client_with):
    response = api_client_with("training:read").get("/api/v1/training/compliance/?status=overdue")

    assert response.status_code == 200
    assert all(row["status"] == "overdue" for row in response.json()["results"])


@pytest.mark.parametrize("page", ["", "x", "0", "last"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(api_client_with, page):
    response = api_client_with("court_actions:read").get(f"/api/v1/court-actions/?page={page}")

    assert response.status_code == 400
    assert response.json() == {"page": ["Give a whole number from 1."]}


def test_a_page_past_the_last_is_a_404(api_client_with):
    assert api_client_with("court_actions:read").get("/api/v1/court-actions/?page=99").status_code == 404

"""The API answers JSON everywhere: a 404 under /api/ is DRF's ``{"detail": "Not found."}``, never a page."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls.converters import IntConverter

from tests.sweeps import api_patterns

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}
BAD_PARAMETERS = ["abc", "1.5", "-1", "0x10", "%20", "1e3", "%E2%9C%93"]
HUGE = "99999999999999999999999"  # an integer to the route, out of range for the database


def _with_parameter(route: str, name: str, raw: str) -> str:
    """The route with parameter ``name`` set to a raw value (reverse() would refuse a non-integer)
    and every other parameter to a plausible one."""

    def fill(match):
        return raw if match.group(2) == name else ("1" if match.group(1) == "int" else "NY-000001")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _int_parameters():
    for route, _name, pattern in api_patterns():
        for key, conv in pattern.pattern.converters.items():
            if isinstance(conv, IntConverter):
                yield route, key


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1/",
        "/api/v1/no-such-thing/",
        "/api/v2/cases/",
        "/api/v1/cases/NY-1/no-such-child/",
        "/api/v1/court-actions/null%2Cnull/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_path_no_route_matches_is_a_json_404(api_client_with, path, method):
    response = getattr(api_client_with("all"), method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


def test_every_integer_path_parameter_given_a_non_integer_is_a_json_404(api_client_with):
    client = api_client_with("all")
    checked, failures = 0, []
    for route, key in _int_parameters():
        for raw in BAD_PARAMETERS:
            url = _with_parameter(route, key, raw)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                if (
                    response.status_code != 404
                    or response["Content-Type"] != "application/json"
                    or response.json() != NOT_FOUND
                ):
                    failures.append(f"{method.upper()} {url}: {response.status_code} {response['Content-Type']}")
    assert checked >= 16  # the FVI override route has one
    assert failures == []


def test_an_out_of_range_integer_is_json_and_never_a_server_error(api_client_with):
    client = api_client_with("all", all_counties=True)  # the office's bank files take a state-wide key
    failures = []
    for route, key in _int_parameters():
        url = _with_parameter(route, key, HUGE)
        for method in ("get", "post"):
            response = getattr(client, method)(url, format="json")
            # 404 where the method is served, 405 where it is not (a read-only endpoint's POST).
            if response.status_code not in (404, 405) or response["Content-Type"] != "application/json":
                failures.append(f"{method.upper()} {url}: {response.status_code} {response['Content-Type']}")
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hearings/abc/",
        "/api/v1/outreach-events/abc/",
        "/api/v1/enforcement-actions/1.5/",
        "/api/v1/complaints/%20/",
    ],
)
def test_a_lookup_value_of_the_wrong_kind_is_a_json_404(api_client_with, path):
    response = api_client_with("all").get(path)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@override_settings(DEBUG=True)
def test_json_404_also_with_debug_on(api_client_with, client_as):
    # With DEBUG on Django renders its technical 404 page instead of calling handler404.
    response = api_client_with("all").get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == NOT_FOUND
    page = client_as("caseworker").get("/no/such/page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_pages_outside_the_api_keep_the_html_404(client_as):
    response = client_as("caseworker").get("/cases/fvi-overrides/abc/use/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")

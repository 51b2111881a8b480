"""Partner API: enforcement actions and court actions (read-only, filtered, paginated, scoped)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from enforcement.choices import Remedy
from enforcement.models import CourtHearing, EnforcementAction
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, PetitionFactory, delinquent_case

pytestmark = pytest.mark.django_db
ACTIONS = "/api/v1/enforcement-actions/"
COURT = "/api/v1/court-actions/"


def office(n: int):
    cases = [delinquent_case(unassigned=f"{3000 + i}.00") for i in range(n)]
    sweep_run_inline(as_of=AS_OF)
    return cases


@pytest.mark.parametrize("n", [1, 10])
def test_actions_list_query_count(api_client_with, django_assert_max_num_queries, n):
    office(n)
    api = api_client_with("enforcement:read")
    with django_assert_max_num_queries(8):
        response = api.get(ACTIONS, {"page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == EnforcementAction.objects.count() == len(body["results"])
    first = body["results"][0]
    assert {"case_number", "remedy", "status", "rule", "total_arrears", "months_in_arrears"} <= set(first)
    assert first["rule"]["citation"]


def test_actions_filters(api_client_with):
    cases = office(3)
    api = api_client_with("enforcement:read")
    body = api.get(ACTIONS, {"case_number": cases[0].case_number.lower(), "remedy": Remedy.PASSPORT_DENIAL}).json()
    assert body["count"] == 1 and body["results"][0]["total_arrears"] == "3000.00"
    assert api.get(ACTIONS, {"status": "active"}).json()["count"] == 0
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert api.get(ACTIONS, {"updated_since": future}).json()["count"] == 0
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert api.get(ACTIONS, {"updated_since": past}).json()["count"] == EnforcementAction.objects.count()


@pytest.mark.parametrize(
    "params", [{"remedy": "nope"}, {"status": "x"}, {"updated_since": "yesterday"}, {"case_number": "x" * 200}]
)
def test_actions_bad_filters_are_400(api_client_with, params):
    response = api_client_with("enforcement:read").get(ACTIONS, params)
    assert response.status_code == 400


def test_actions_need_the_enforcement_scope(api_client_with):
    assert api_client_with("court_actions:read").get(ACTIONS).status_code == 403
    assert api_client_with("enforcement:read").get(COURT).status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_court_actions_list_query_count(api_client_with, django_assert_max_num_queries, n):
    for i in range(n):
        petition = PetitionFactory()
        CourtHearing.objects.create(petition=petition, scheduled_for=datetime(2026, 12, 1 + i, 14, tzinfo=UTC))
    api = api_client_with("court_actions:read")
    with django_assert_max_num_queries(8):
        body = api.get(COURT).json()
    assert body["count"] == n and len(body["results"][0]["hearings"]) == 1
    assert body["results"][0]["docket_number"].startswith("V-")


def test_read_only(api_client_with):
    api = api_client_with("enforcement:read", "enforcement:write")
    assert api.post(ACTIONS, {}, format="json").status_code == 405


@pytest.mark.parametrize("page_size", [2, 4])
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("mode", ["page", "cursor"])
def test_actions_list_query_budget_at_two_sizes_and_depths(
    api_client_with, django_assert_max_num_queries, page_size, depth, mode
):
    """17.3: the action list's queries stay the same at two page sizes and two depths, by page
    and by keyset cursor (no count in cursor mode)."""
    office(5)
    total = EnforcementAction.objects.count()
    assert total > 2 * page_size
    api = api_client_with("enforcement:read")
    params = {"page_size": page_size, **({"pagination": "cursor"} if mode == "cursor" else {})}
    url = ACTIONS
    if depth > 1:
        url, params = api.get(url, params).json()["next"], {}
    with django_assert_max_num_queries(8):
        response = api.get(url, params)
    body = response.json()
    assert response.status_code == 200 and len(body["results"]) == page_size
    if mode == "cursor":
        assert "count" not in body and body["next"]
        ids = [a["id"] for a in body["results"]]
        assert ids == sorted(ids, reverse=True)
    else:
        assert body["count"] == total

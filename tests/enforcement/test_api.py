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
    # The key, its last use (once a minute), COUNT (page mode only), the rows, their rules, the request log.
    with django_assert_max_num_queries(6 if mode == "page" else 5) as captured:
        response = api.get(url, params)
    body = response.json()
    assert response.status_code == 200 and len(body["results"]) == page_size
    if mode == "cursor":
        assert "count" not in body and body["next"]
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
        ids = [a["id"] for a in body["results"]]
        assert ids == sorted(ids, reverse=True)
    else:
        assert body["count"] == total
    # Only the columns returned: not the figures, the contest's reason or the end note.
    rows = [q["sql"] for q in captured.captured_queries if 'FROM "enforcement_enforcementaction"' in q["sql"]]
    assert rows and not any(column in sql for sql in rows for column in ('"figures"', '"contest_reason"', '"end_note"'))


def test_action_list_rows_are_exactly_what_the_action_serializer_gives(api_client_with):
    """17.3: the list builds its rows from .values() — the same JSON as EnforcementActionSerializer
    on model instances (the reference, the case number, each rule once per page, decimals, dates,
    instants, blank choices and null figures), by page, by cursor and filtered."""
    import json

    from enforcement.api.serializers import EnforcementActionSerializer
    from enforcement.services.actions import action_notice_issue

    cases = office(3)
    noticed = EnforcementAction.objects.filter(case=cases[0]).order_by("id").first()
    action_notice_issue(action=noticed, by=None, on=AS_OF)
    api = api_client_with("enforcement:read")
    for params in ({}, {"pagination": "cursor"}, {"case_number": cases[0].case_number}, {"page_size": 2}):
        listed = api.get(ACTIONS, params).json()["results"]
        ids = [row["id"] for row in listed]
        actions = sorted(EnforcementAction.objects.filter(pk__in=ids), key=lambda a: ids.index(a.pk))
        expected = json.loads(json.dumps(EnforcementActionSerializer(actions, many=True).data, default=str))
        assert listed and listed == expected
    rows = api.get(ACTIONS).json()["results"]
    assert any(row["notice_total_arrears"] for row in rows) and any(row["notice_total_arrears"] is None for row in rows)
    assert len({row["rule"]["citation"] for row in rows}) > 1

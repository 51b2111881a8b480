"""Cursor pages of the large partner lists read by a statement compiled once per shape (issue 17.3,
``KeysetCursorPagination.paginate_rows``): the same bodies as the queryset built on every request,
each key's own scope, and a filter still built by its FilterSet."""

import pytest

import core.api.pagination as pagination
from tests.cases.factories import CaseFactory
from tests.cases.test_people_collections_api import COLLECTIONS, PEOPLE, collection, walk
from tests.enforcement.test_offset import active

pytestmark = pytest.mark.django_db
CASES, ACTIONS = "/api/v1/cases/", "/api/v1/enforcement-actions/"
LISTS = [
    (CASES, "cases:read"),
    (PEOPLE, "cases:read"),
    (COLLECTIONS, "collections:read"),
    (ACTIONS, "enforcement:read"),
]


@pytest.fixture
def office(db):
    cases = [CaseFactory(county="Albany") for _ in range(6)] + [CaseFactory(county="Bronx") for _ in range(5)]
    for case in cases:
        collection(case)
        collection(case)
        active(case)
    return cases


@pytest.fixture
def compiles(monkeypatch):
    """The statements compiled (each one a queryset built), by list path."""
    made: list[str] = []
    real = pagination.KeysetCursorPagination._page_queryset

    def spy(self, *args, **kwargs):
        made.append(self.request.path)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pagination.KeysetCursorPagination, "_page_queryset", spy)
    return made


def walk_both_ways(api, url: str, size: int) -> list:
    """Every response of a cursor walk forward to the end and back to the start."""
    responses = [api.get(url, {"pagination": "cursor", "page_size": size})]
    for direction in ("next", "previous"):
        while responses[-1].json()[direction]:
            responses.append(api.get(responses[-1].json()[direction]))
    return responses


@pytest.mark.parametrize(("url", "scope"), LISTS)
def test_cursor_pages_are_the_same_as_built_on_every_request(
    api_client_with, office, compiles, monkeypatch, url, scope
):
    api = api_client_with(scope, all_counties=True)
    kept = walk_both_ways(api, url, 3)
    assert len(kept) > 4 and all(response.status_code == 200 for response in kept)
    # At most one statement per shape: the first page, then pages after a position, each way.
    assert len(compiles) <= 4
    monkeypatch.setattr(pagination, "key_scope", lambda user: None)  # built on every request
    built = walk_both_ways(api, url, 3)
    assert [r.content for r in kept] == [r.content for r in built]
    assert [r.headers for r in kept] == [r.headers for r in built]


@pytest.mark.parametrize(("url", "scope"), LISTS)
def test_each_key_reads_its_own_counties_through_a_kept_statement(api_client_with, office, url, scope):
    albany = api_client_with(scope, agency="Albany agency", counties=["Albany"])
    bronx = api_client_with(scope, agency="Bronx agency", counties=["Bronx"])
    state = api_client_with(scope, agency="State agency", all_counties=True)

    def rows(api) -> list:
        return walk(api, url, {"pagination": "cursor", "page_size": 2})

    for _ in range(2):  # the second time from the statements the first compiled
        albany_rows, bronx_rows, state_rows = rows(albany), rows(bronx), rows(state)
        assert albany_rows and bronx_rows
        assert not {str(row) for row in albany_rows} & {str(row) for row in bronx_rows}
        assert len(state_rows) == len(albany_rows) + len(bronx_rows)


def test_a_filter_is_still_built_by_its_filterset(api_client_with, office, compiles):
    api = api_client_with("collections:read", all_counties=True)
    number = office[0].case_number
    response = api.get(COLLECTIONS, {"pagination": "cursor", "case_number": number})
    assert response.status_code == 200 and {row["case_number"] for row in response.json()["results"]} == {number}
    assert compiles == []
    assert api.get(COLLECTIONS, {"pagination": "cursor", "case_number": ""}).status_code == 400


@pytest.mark.parametrize("kept", [True, False], ids=["kept-statements", "built-per-request"])
def test_each_person_shown_is_one_sensitive_read_row_written_in_the_request(api_client_with, office, monkeypatch, kept):
    """One row per person shown, written by the request that showed them (auditors look a person
    up by ``object_id``), whether the page's statements are kept or built."""
    from core.models import AccessLog

    if not kept:
        import cases.api.views

        monkeypatch.setattr(pagination, "key_scope", lambda user: None)
        monkeypatch.setattr(cases.api.views, "key_scope", lambda user: None)
    api = api_client_with("cases:read", all_counties=True)
    shown: list[str] = []
    response = api.get(PEOPLE, {"pagination": "cursor", "page_size": 4})
    while True:
        ids = [str(row["id"]) for row in response.json()["results"]]
        reads = AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ, object_type="cases.Person")
        assert sorted(reads.exclude(object_id__in=shown).values_list("object_id", flat=True)) == sorted(ids)
        assert all(row["cases"] for row in response.json()["results"])
        shown += ids
        if not response.json()["next"]:
            break
        response = api.get(response.json()["next"])
    assert len(shown) == len(set(shown)) > 8

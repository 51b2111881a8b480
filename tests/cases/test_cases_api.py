from datetime import date
from decimal import Decimal

import pytest

from cases.filtersets import CaseFilterSet
from cases.models import Case, CaseBalance, CaseParticipant, FviOverride
from core.models import AccessLog
from tests.cases.factories import AddressFactory, CaseFactory, case_with_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [1, 50])
def test_case_list_query_count_is_constant(api_client_with, rows, django_assert_max_num_queries):
    for _ in range(rows):
        case_with_order()
    api = api_client_with("cases:read")
    with django_assert_max_num_queries(9):
        response = api.get("/api/v1/cases/", {"page_size": 50})
    assert response.status_code == 200
    assert response.json()["count"] == rows and len(response.json()["results"]) == rows


def _same_last4(person, last4):
    person.ssn = f"{77000 + person.pk:05d}{last4}"  # one SSN per live person (person_live_ssn_unique)
    person.save()
    return person


@pytest.mark.parametrize("mode", ["page", "cursor"])
def test_case_list_search_by_the_last_four_of_an_ssn_is_logged_as_the_agency(api_client_with, mode):
    # given a case of the key's county, and a case of another county whose NCP's SSN ends the same
    case = CaseFactory()
    last4 = case.ncp.ssn_last4
    _same_last4(CaseFactory(county="Kings").ncp, last4)
    api = api_client_with("cases:read", agency="Family Court")
    params = {"q": last4, **({"pagination": "cursor"} if mode == "cursor" else {})}
    response = api.get("/api/v1/cases/", params)
    assert [c["case_number"] for c in response.json()["results"]] == [case.case_number]
    log = AccessLog.objects.get(kind="sensitive_read")
    assert (log.user, log.username, log.fields) == (None, "api:Family Court", ["ssn_last4"])
    assert log.detail == {"search": ["ssn_last4"], "person_ids": [case.ncp.pk], "matches": 1}
    assert log.path.startswith(f"/api/v1/cases/?q={last4}")


def test_case_list_searches_by_anything_but_the_last_four_write_no_sensitive_read(api_client_with):
    case = CaseFactory()
    api = api_client_with("cases:read")
    for q in (case.ncp.last_name, case.case_number, "123"):
        assert api.get("/api/v1/cases/", {"q": q}).status_code == 200, q
    assert api.get("/api/v1/cases/").status_code == 200
    assert not AccessLog.objects.filter(kind="sensitive_read").exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_case_list_search_by_the_last_four_query_count_is_constant(
    api_client_with, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        _same_last4(case_with_order().ncp, "4321")
    api = api_client_with("cases:read")
    with django_assert_max_num_queries(9):  # the plain list's budget, with the people found and the log row
        response = api.get("/api/v1/cases/", {"q": "4321", "page_size": 50})
    assert response.json()["count"] == rows
    assert AccessLog.objects.get(kind="sensitive_read").detail["matches"] == rows


def test_case_list_filters(api_client_with):
    open_case = case_with_order(county="Albany", assistance_status="former")
    CaseBalance.objects.filter(case=open_case).update(total_arrears=Decimal("10.00"))
    closed = CaseFactory(
        county="Kings", status="closed", stage="closed", closure_reason="other", closed_on=date(2026, 1, 1)
    )
    api = api_client_with("cases:read", all_counties=True)

    def numbers(**params):
        return [c["case_number"] for c in api.get("/api/v1/cases/", params).json()["results"]]

    assert numbers(status="open") == [open_case.case_number]
    assert numbers(status="closed") == [closed.case_number]
    assert numbers(county="kings") == [closed.case_number]
    assert numbers(assistance_status="former") == [open_case.case_number]
    assert numbers(has_arrears="true") == [open_case.case_number]
    assert closed.case_number in numbers(has_arrears="false")
    assert len(numbers(updated_since="2000-01-01T00:00:00Z")) == 2
    assert numbers(updated_since="2999-01-01T00:00:00Z") == []


@pytest.mark.parametrize(
    ("ordering", "order_by"),
    [
        ("-arrears", ("-balance__total_arrears", "case_number")),
        ("deadline", ("next_deadline_on", "case_number")),
        ("-updated,arrears", ("-updated_at", "balance__total_arrears", "case_number")),
        ("-case_number", ("-case_number",)),
    ],
)
def test_a_sort_ends_with_the_case_number_so_pages_of_ties_neither_repeat_nor_skip(ordering, order_by):
    """Most cases tie on arrears (none) or deadline: without a unique last key, the database may
    return tied rows in a different order for page 2 than for page 1."""
    queryset = CaseFilterSet({"ordering": ordering}, queryset=Case.objects.all()).qs

    assert queryset.query.order_by == order_by


@pytest.mark.parametrize(
    "params", [{"status": "maybe"}, {"updated_since": "soon"}, {"county": "x" * 61}, {"has_arrears": "perhaps"}]
)
def test_case_list_bad_filters_are_400(api_client_with, params):
    response = api_client_with("cases:read").get("/api/v1/cases/", params)
    assert response.status_code == 400


def test_case_list_with_empty_ordering_items_is_a_400_as_the_schema_says(api_client_with):
    """Schemathesis (ST201): ``?ordering=,`` violates the schema's enum of sort keys and was
    accepted (the empty items ignored); bad input gets a clear error instead."""
    case_with_order()
    client = api_client_with("cases:read")
    for ordering in (",", ",,,,", "arrears,", "-arrears,,deadline"):
        response = client.get("/api/v1/cases/", {"ordering": ordering})
        assert response.status_code == 400 and "ordering" in response.json(), ordering
    assert client.get("/api/v1/cases/", {"ordering": "-arrears,deadline"}).status_code == 200
    assert client.get("/api/v1/cases/", {"ordering": ""}).status_code == 400  # as every empty API filter
    # Schemathesis's request: an empty pagination mode is a 400 on that field, not a 500.
    response = client.get("/api/v1/cases/", {"ordering": ",,,,", "pagination": ""})
    assert response.status_code == 400 and "pagination" in response.json()


def test_case_detail_by_number_never_shows_addresses(api_client_with, django_assert_max_num_queries):
    case = case_with_order()
    case.cp.family_violence = True
    case.cp.save()
    AddressFactory(person=case.cp, line1="1 Secret Road")
    AddressFactory(person=case.ncp, line1="2 Known Road")
    api = api_client_with("cases:read")
    with django_assert_max_num_queries(10):
        response = api.get(f"/api/v1/cases/{case.case_number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Secret Road" not in body and "Known Road" not in body and case.ncp.ssn not in body
    data = response.json()
    assert data["orders"][0]["obligations"][0]["amount"] == "500.00"
    assert {p["role"] for p in data["participants"]} == {"cp", "ncp", "child"}
    assert api.get("/api/v1/cases/NY-999999999/").status_code == 404


def test_case_api_needs_scope(api_client_with):
    assert api_client_with("collections:write").get("/api/v1/cases/").status_code == 403


def test_court_key_uses_fvi_override_once(api_client_with):
    case = CaseFactory()
    case.cp.family_violence = True
    case.cp.save()
    AddressFactory(person=case.cp, line1="1 Secret Road")
    court = api_client_with("cases:write", agency="Family Court", kind="court")
    other = api_client_with("cases:write", agency="Other Court", kind="court")
    override = FviOverride.objects.create(
        person=case.cp,
        case=case,
        court_name="Family Court",
        court_order_reference="O-1",
        ordered_on=date(2026, 1, 1),
        agency=court.key.agency,
    )
    url = f"/api/v1/cases/{case.case_number}/fvi-overrides/{override.pk}/use/"
    assert other.post(url).status_code == 403
    first = court.post(url)
    assert first.status_code == 200 and first.json()["addresses"][0]["line1"] == "1 Secret Road"
    assert court.post(url).status_code == 409


@pytest.fixture
def sixty_cases(db):
    return [case_with_order() for _ in range(60)]


def _pages(api, url, params, depth):
    """The response at ``depth`` (1: the first page), following ``next`` links."""
    response = api.get(url, params)
    for _ in range(depth - 1):
        response = api.get(response.json()["next"])
    return response


@pytest.mark.parametrize("page_size", [10, 25])
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("mode", ["page", "cursor"])
def test_case_list_query_budget_at_two_sizes_and_depths(
    api_client_with, django_assert_max_num_queries, sixty_cases, page_size, depth, mode
):
    """17.3: the same few queries whatever the page size, the depth and the pagination (no query
    per row; the cursor pages have no COUNT)."""
    api = api_client_with("cases:read")
    params = {"page_size": page_size, **({"pagination": "cursor"} if mode == "cursor" else {})}
    url = "/api/v1/cases/"
    if depth > 1:
        url = api.get(url, params).json()["next"]
        params = {}
    with django_assert_max_num_queries(9 if mode == "page" else 8) as captured:
        response = api.get(url, params)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == page_size
    if mode == "cursor":
        assert "count" not in body and body["next"] and "cursor=" in body["next"]
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
        assert (body["previous"] is None) == (depth == 1)
    else:
        assert body["count"] == 60
    # never the encrypted SSN: the person's columns are the four returned ones
    assert not any("ssn" in q["sql"].lower() and "participant" in q["sql"].lower() for q in captured.captured_queries)


def test_case_list_cursor_pages_walk_every_case_once_in_case_number_order(api_client_with, sixty_cases):
    api = api_client_with("cases:read")
    seen, response = [], api.get("/api/v1/cases/", {"pagination": "cursor", "page_size": 7})
    while True:
        body = response.json()
        seen += [c["case_number"] for c in body["results"]]
        if not body["next"]:
            break
        response = api.get(body["next"])
    assert seen == sorted(c.case_number for c in sixty_cases)
    back = api.get(body["previous"]).json()
    assert [c["case_number"] for c in back["results"]] == seen[-4 - 7 : -4]


@pytest.mark.parametrize(
    "params",
    [
        {"pagination": "keyset"},
        {"pagination": "cursor", "ordering": "-arrears"},
        {"pagination": "cursor", "page": "2"},
        {"cursor": "abc"},
        {"pagination": "cursor", "cursor": "not-a-cursor"},
    ],
)
def test_case_list_bad_pagination_is_400(api_client_with, params):
    response = api_client_with("cases:read").get("/api/v1/cases/", params)
    assert response.status_code in (400, 404)
    assert response.status_code == 400 or params.get("cursor") == "not-a-cursor"


def test_case_list_cursor_is_scoped_like_the_pages(api_client_with, sixty_cases):
    other = api_client_with("cases:read", counties=["Nowhere"])
    body = other.get("/api/v1/cases/", {"pagination": "cursor"}).json()
    assert body["results"] == [] and body["next"] is None


def test_schema_documents_the_pagination_modes(api_client_with):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/cases/", "/api/v1/enforcement-actions/"):
        names = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert names["pagination"]["schema"]["enum"] == ["page", "cursor"]
        assert "cursor" in names and "page" in names


def test_case_list_rows_are_exactly_what_the_case_serializer_gives(api_client_with):
    """17.3: the list builds its rows from .values() — the same JSON as CaseSerializer on model
    instances (decimals, dates, datetimes in the office's zone, a case without a balance row,
    participants in their order)."""
    import json

    from cases.api.serializers import CaseSerializer

    with_order = case_with_order(county="Albany", assistance_status="former")
    CaseBalance.objects.filter(case=with_order).update(
        total_arrears=Decimal("1234.50"), months_in_arrears=Decimal("2.47"), last_payment_on=date(2026, 1, 5)
    )
    bare = CaseFactory(county="Albany")
    CaseBalance.objects.filter(case=bare).delete()
    api = api_client_with("cases:read", all_counties=True)
    for params in ({}, {"pagination": "cursor"}, {"ordering": "-arrears"}):
        listed = api.get("/api/v1/cases/", params).json()["results"]
        numbers = [row["case_number"] for row in listed]
        cases = sorted(Case.objects.filter(case_number__in=numbers), key=lambda c: numbers.index(c.case_number))
        expected = json.loads(json.dumps(CaseSerializer(cases, many=True).data, default=str))
        assert listed == expected
    assert any(row["balance"] is None for row in listed) and any(row["participants"] for row in listed)


def test_a_child_whose_participation_ended_says_so_in_the_list_and_the_detail(api_client_with):
    # A partner (a court) must not read an emancipated child as still on the case.
    case = CaseFactory(county="Albany")
    child = case.participants.get(role="child")
    CaseParticipant.objects.filter(pk=child.pk).update(
        ended_on=date(2026, 6, 30), end_recorded_on=date(2026, 7, 1), ended_reason="emancipated"
    )
    api = api_client_with("cases:read")
    detail = api.get(f"/api/v1/cases/{case.case_number}/").json()
    listed = next(r for r in api.get("/api/v1/cases/").json()["results"] if r["case_number"] == case.case_number)
    for data in (detail, listed):
        ended = {p["role"]: p["ended_on"] for p in data["participants"]}
        assert ended == {"cp": None, "ncp": None, "child": "2026-06-30"}

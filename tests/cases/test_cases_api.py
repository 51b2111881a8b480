from datetime import date
from decimal import Decimal

import pytest

from cases.filtersets import CaseFilterSet
from cases.models import Case, CaseBalance, FviOverride
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


def test_case_list_filters(api_client_with):
    open_case = case_with_order(county="Albany", assistance_status="former")
    CaseBalance.objects.filter(case=open_case).update(total_arrears=Decimal("10.00"))
    closed = CaseFactory(county="Kings", status="closed", stage="closed", closure_reason="other",
                         closed_on=date(2026, 1, 1))
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


@pytest.mark.parametrize(("ordering", "order_by"), [
    ("-arrears", ("-balance__total_arrears", "case_number")),
    ("deadline", ("next_deadline_on", "case_number")),
    ("-updated,arrears", ("-updated_at", "balance__total_arrears", "case_number")),
    ("-case_number", ("-case_number",)),
])
def test_a_sort_ends_with_the_case_number_so_pages_of_ties_neither_repeat_nor_skip(ordering, order_by):
    """Most cases tie on arrears (none) or deadline: without a unique last key, the database may
    return tied rows in a different order for page 2 than for page 1."""
    queryset = CaseFilterSet({"ordering": ordering}, queryset=Case.objects.all()).qs

    assert queryset.query.order_by == order_by


@pytest.mark.parametrize("params", [{"status": "maybe"}, {"updated_since": "soon"}, {"county": "x" * 61},
                                    {"has_arrears": "perhaps"}])
def test_case_list_bad_filters_are_400(api_client_with, params):
    response = api_client_with("cases:read").get("/api/v1/cases/", params)
    assert response.status_code == 400


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
    override = FviOverride.objects.create(person=case.cp, case=case, court_name="Family Court",
                                          court_order_reference="O-1", ordered_on=date(2026, 1, 1),
                                          agency=court.key.agency)
    url = f"/api/v1/cases/{case.case_number}/fvi-overrides/{override.pk}/use/"
    assert other.post(url).status_code == 403
    first = court.post(url)
    assert first.status_code == 200 and first.json()["addresses"][0]["line1"] == "1 Secret Road"
    assert court.post(url).status_code == 409

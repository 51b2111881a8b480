"""GET /api/v1/training/compliance/: scope, values, filters, bad input, query count."""

from datetime import date

import pytest
import time_machine

from .factories import CompletionFactory, UserFactory, basics_course, fti_course, noon

pytestmark = pytest.mark.django_db
URL = "/api/v1/training/compliance/"


def test_needs_training_read_scope(api_client_with):
    assert api_client_with("cases:read").get(URL).status_code == 403
    assert api_client_with("training:read").get(URL).status_code == 200


def test_a_county_key_reads_the_training_records_of_its_counties_staff_only(api_client_with, make_user, fti_role):
    """A key reads its counties' objects only: another county's staff, and staff of no county, are
    for a state-wide key."""
    make_user("caseworker", username="albany_cw", county="Albany")
    make_user("caseworker", username="schen_cw", county="Schenectady")
    make_user("caseworker", username="no_county_cw", county="")

    def usernames(api):
        response = api.get(URL, {"page_size": 200})
        assert response.status_code == 200, response.content
        return {row["user"]["username"] for row in response.json()["results"]}

    assert usernames(api_client_with("training:read", counties=["Albany"])) == {"albany_cw"}
    assert usernames(api_client_with("training:read", counties=["Albany", "Schenectady"])) == {"albany_cw", "schen_cw"}
    assert usernames(api_client_with("training:read", all_counties=True)) == {"albany_cw", "schen_cw", "no_county_cw"}


def test_staff_of_no_county_are_the_one_county_offices(api_client_with, make_user, fti_role, settings):
    settings.CASEWORKS_OFFICE_COUNTY = "Albany"
    make_user("caseworker", username="no_county_cw", county="")
    make_user("caseworker", username="schen_cw", county="Schenectady")
    rows = api_client_with("training:read", counties=["Albany"]).get(URL).json()["results"]
    assert {row["user"]["username"] for row in rows} == {"no_county_cw"}


def test_rows_and_values(api_client_with, make_user, fti_role):
    cw = make_user("caseworker", first_name="Maria", last_name="Alvarez", unit="Intake")
    es = make_user("enforcement_specialist", unit="Enforcement")
    CompletionFactory(user=es, course=fti_course(), completed_on=date(2025, 11, 23))
    with time_machine.travel(noon(date(2026, 11, 24)), tick=False):
        body = api_client_with("training:read").get(URL).json()
    assert body["count"] == 2
    rows = {r["user"]["username"]: r for r in body["results"]}
    assert rows[cw.username] == {
        "user": {"username": cw.username, "name": "Maria Alvarez"},
        "unit": "Intake",
        "roles": ["caseworker"],
        "course": {"code": "program-basics", "title": basics_course().title},
        "status": "never",
        "last_completed": None,
        "due_date": None,
    }
    assert rows[es.username]["status"] == "overdue"
    assert rows[es.username]["due_date"] == "2026-11-23"


def test_filters(api_client_with, make_user, fti_role):
    make_user("caseworker", unit="Intake")
    make_user("enforcement_specialist", unit="Enforcement")
    api = api_client_with("training:read")
    assert api.get(URL, {"unit": "intake"}).json()["count"] == 1
    assert api.get(URL, {"role": "enforcement_specialist"}).json()["results"][0]["course"]["code"] == "fti-awareness"
    assert api.get(URL, {"status": "current"}).json()["count"] == 0
    assert api.get(URL, {"course": basics_course().pk}).json()["count"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"role": "nobody"},
        {"course": "abc"},
        {"course": "99999"},
        {"unit": "a\x00b"},
        {"unit": "x" * 81},
    ],
)
def test_bad_filters_are_400_not_500(api_client_with, params):
    response = api_client_with("training:read").get(URL, params)
    assert response.status_code == 400


def test_pagination_envelope(api_client_with, fti_role):
    for i in range(5):
        UserFactory(username=f"e{i}").groups.add(fti_role)
    body = api_client_with("training:read", all_counties=True).get(URL, {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


@pytest.mark.parametrize("n", [1, 40])
def test_query_count_does_not_grow_with_staff(api_client_with, fti_role, django_assert_max_num_queries, n):
    api = api_client_with("training:read", all_counties=True)
    for i in range(n):
        user = UserFactory(username=f"q{i}")
        user.groups.add(fti_role)
        CompletionFactory(user=user, course=fti_course())
    with django_assert_max_num_queries(12):
        response = api.get(URL)
    assert response.json()["count"] == n

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
from core.models import DomainEvent
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-23 15:00Z", tick=False):
        yield


URL = "/api/v1/complaints/"
BODY = {
    "complainant_name": "Sam Payer",
    "contact": "sam@example.org",
    "category": "distribution",
    "description": "Offset applied twice",
    "received_on": "2026-11-20",
}


def test_partner_files_a_complaint(api_client_with):
    api = api_client_with("complaints:write", "complaints:read", agency="Legal Aid")
    response = api.post(URL, BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"number", "status", "received_on", "due_on"}
    assert body["status"] == "open" and body["received_on"] == "2026-11-20" and body["due_on"] == "2026-12-21"
    complaint = Complaint.objects.get(number=body["number"])
    assert complaint.channel == "api" and complaint.filed_by_agency.name == "Legal Aid"
    got = api.get(f"{URL}{body['number']}/")
    assert got.status_code == 200 and got.json()["number"] == body["number"]


def test_unknown_case_number_is_accepted_and_flagged(api_client_with):
    CaseFactory(case_number="NY-000500")
    api = api_client_with("complaints:write")
    known = api.post(URL, {**BODY, "case_number": "NY-000500"}, format="json").json()
    unknown = api.post(URL, {**BODY, "case_number": "NY-987654"}, format="json").json()
    assert known["unknown_case"] is False and unknown["unknown_case"] is True


@pytest.mark.parametrize(
    "key",
    [{"counties": ["Saratoga"]}, {"counties": ["Albany", "Saratoga"]}, {"all_counties": True}],
    ids=["its-county", "one-of-its-counties", "state-wide"],
)
def test_a_key_reaching_the_cases_county_links_the_case(api_client_with, key):
    # given: a Saratoga case and a key that reaches Saratoga
    case = CaseFactory(county="Saratoga")
    api = api_client_with("complaints:write", "complaints:read", **key)
    # when
    response = api.post(URL, {**BODY, "case_number": case.case_number.lower()}, format="json")
    # then: linked, and the complaint's event is on the case
    assert response.status_code == 201 and response.json()["unknown_case"] is False
    complaint = Complaint.objects.get()
    assert complaint.case == case and not complaint.unknown_case
    assert DomainEvent.objects.filter(case_id=case.pk, verb="complaint.received").count() == 1
    assert api.get(f"{URL}{complaint.number}/").json()["case_number"] == case.case_number


def test_another_countys_case_is_an_unknown_number_to_the_key(api_client_with):
    # given: a Saratoga case and an Albany-only key; the case is California's, whose due date for a
    # complaint received on Oct 27, 2026 is Nov 30 (Thanksgiving and the day after), New York's Nov 27
    case = CaseFactory(county="Saratoga", jurisdiction="CA")
    api = api_client_with("complaints:write", "complaints:read", counties=["Albany"])
    body = {**BODY, "received_on": "2026-10-27"}
    # when: the key files on it, and on a number that does not exist
    other = api.post(URL, {**body, "case_number": case.case_number}, format="json")
    unknown = api.post(URL, {**body, "case_number": "NY-987654"}, format="json")
    # then: the same answers but for the complaint's own number, no link and nothing on the case
    assert other.status_code == unknown.status_code == 201

    def but_number(body: dict) -> dict:
        return {k: v for k, v in body.items() if k != "number"}

    assert but_number(other.json()) == but_number(unknown.json())
    assert other.json()["unknown_case"] is True and other.json()["due_on"] == "2026-11-27"
    complaint = Complaint.objects.get(number=other.json()["number"])
    assert complaint.case is None and complaint.unknown_case and complaint.case_number_received == case.case_number
    assert not DomainEvent.objects.filter(case_id=case.pk).exists()
    followed = api.get(f"{URL}{complaint.number}/").json()
    assert but_number(followed) == but_number(api.get(f"{URL}{unknown.json()['number']}/").json())
    assert followed["case_number"] == ""


def test_a_case_staff_link_in_a_county_outside_the_keys_is_not_named_to_it(api_client_with, role_user):
    """An Albany key filed with a Saratoga case's number (answered as unknown); the ombudsperson links
    the complaint to that case for the office. The key's next read answers as before the link: no
    case number, ``unknown_case`` still true. A state-wide key reads the case."""
    from complaints import services

    case = CaseFactory(county="Saratoga")
    api = api_client_with("complaints:write", "complaints:read", agency="Legal Aid", counties=["Albany"])
    created = api.post(URL, {**BODY, "case_number": case.case_number}, format="json").json()
    assert created["unknown_case"] is True
    before = api.get(f"{URL}{created['number']}/").json()
    complaint = Complaint.objects.get(number=created["number"])
    services.complaint_case_link(complaint=complaint, case=case, reason="", by=role_user("ombudsperson"))

    followed = api.get(f"{URL}{complaint.number}/").json()
    assert followed == before
    assert followed["case_number"] == "" and followed["unknown_case"] is True
    state_wide = api_client_with("complaints:read", agency="Legal Aid", all_counties=True)
    assert state_wide.get(f"{URL}{complaint.number}/").json()["case_number"] == case.case_number


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact": ""}, "contact"),
        ({"contact": "not-an-email@"}, "contact"),
        ({"contact": "12"}, "contact"),
        ({"received_on": "2026-11-24"}, "received_on"),
        ({"known_on": "2026-11-21"}, "known_on"),
        ({"category": "nonsense"}, "category"),
        ({"description": "x" * 10001}, "description"),
        ({"complainant_name": "a\x00b"}, "complainant_name"),
    ],
)
def test_bad_input_is_a_400_field_error(api_client_with, change, field):
    response = api_client_with("complaints:write").post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Complaint.objects.exists()


def test_missing_contact_field(api_client_with):
    body = {k: v for k, v in BODY.items() if k != "contact"}
    response = api_client_with("complaints:write").post(URL, body, format="json")
    assert response.status_code == 400 and "contact" in response.json()


def test_phone_contact_and_late_flag(api_client_with):
    response = api_client_with("complaints:write").post(
        URL, {**BODY, "contact": "(518) 555-0100", "known_on": "2026-01-05"}, format="json"
    )
    assert response.status_code == 201 and response.json()["past_known_limit"] is True
    assert Complaint.objects.get().contact_phone == "(518) 555-0100"


def test_scopes(api_client_with):
    assert api_client_with("complaints:read").post(URL, BODY, format="json").status_code == 403
    assert api_client_with("hearings:read").get(f"{URL}CMP-AAAA-BBBB/").status_code == 403


def test_an_agency_reads_only_what_it_filed(api_client_with):
    mine = api_client_with("complaints:write", "complaints:read", agency="A")
    theirs = api_client_with("complaints:read", agency="B")
    number = mine.post(URL, BODY, format="json").json()["number"]
    assert theirs.get(f"{URL}{number}/").status_code == 404
    assert mine.get(f"{URL}{number}/").status_code == 200


def test_another_agencys_complaint_is_a_404_logged_as_an_access_denial(api_client_with):
    """The key's probe of a complaint its agency did not file answers 404, as one that does not exist,
    and leaves an ``access_denied`` row under the agency's name (read through ``restrict()``); a
    number that names no complaint leaves none."""
    from core.models import AccessLog

    mine = api_client_with("complaints:write", "complaints:read", agency="A")
    theirs = api_client_with("complaints:read", agency="B")
    number = mine.post(URL, BODY, format="json").json()["number"]
    assert theirs.get(f"{URL}{number}/").status_code == 404
    denial = AccessLog.objects.get(kind=AccessLog.Kind.ACCESS_DENIED)
    assert (denial.username, denial.outcome, denial.object_type) == ("agency:B", "not_found", "complaints.Complaint")
    assert theirs.get(f"{URL}CMP-0000-NONE/").status_code == 404
    assert AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED).count() == 1


def test_html_is_stored_as_sent(api_client_with):
    response = api_client_with("complaints:write").post(
        URL, {**BODY, "description": "<img src=x onerror=alert(1)>"}, format="json"
    )
    assert response.status_code == 201
    assert Complaint.objects.get().description == "<img src=x onerror=alert(1)>"


def test_schema_documents_the_endpoints(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/v1/complaints/" in text and "/api/v1/hearings/" in text


def test_a_retried_filing_answers_with_the_first_complaint(api_client_with):
    """The partner's client retries the same POST (a timeout, a network error): one complaint is
    filed; the retry gets 200 with the same number, and nothing is recorded again."""
    api = api_client_with("complaints:write", "complaints:read", agency="Legal Aid")
    first = api.post(URL, BODY, format="json")
    retry = api.post(URL, BODY, format="json")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json() == first.json()
    assert Complaint.objects.count() == 1
    assert DomainEvent.objects.filter(verb="complaint.received").count() == 1
    # Another complaint (another description) of the same person is filed.
    assert api.post(URL, {**BODY, "description": "And a late letter"}, format="json").status_code == 201
    assert Complaint.objects.count() == 2


def test_another_agency_filing_the_same_text_files_its_own_complaint(api_client_with):
    assert api_client_with("complaints:write", agency="Legal Aid").post(URL, BODY, format="json").status_code == 201
    assert api_client_with("complaints:write", agency="Bar Clinic").post(URL, BODY, format="json").status_code == 201
    assert Complaint.objects.count() == 2

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
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

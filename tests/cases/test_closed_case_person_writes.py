"""The person page of a closed case: what it still writes and what it refuses.

Work on the case is refused on a closed case, as an order or a child is (``CaseFormView.closed_case_refusal``):
a job recorded or ended (the new-hire rule and the withholding orders at that employer follow the
person to their *open* cases: from a closed case it would be work on other cases), a new address (for
letters and locate work a closed case no longer does), paternity recorded (establishment, 45 CFR
303.5), the answer to a notice of intent to close. Sent by a direct POST, each is refused with a
message and nothing is written; the page shows no button for it.

What stays allowed is the person's record itself, which every case and file shares: their details and
SSN corrected (file matching by SSN, one person one record), the family violence indicator set or
removed (it protects the person in every channel, 42 USC 654(26)), a case document's whereabouts mark
and the withdrawal of a misfiled document (they restrict what the closed case's readers see).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import Address, Case, CaseDocument, Employment, Person
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, EmploymentFactory
from tests.cases.test_document_corrections import post_mark
from tests.cases.test_documents import attach
from tests.cases.test_person_edit import form_values
from tests.pages import shown_on

pytestmark = pytest.mark.django_db


def _closed(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        status="closed", stage="closed", closure_reason="other", closed_on=timezone.localdate() - timedelta(days=1)
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def case(worker):
    return _closed(CaseFactory(caseworker=worker))


def _url(name: str, case: Case, person: Person, **kwargs) -> str:
    return reverse(f"cases:{name}", kwargs={"case_number": case.case_number, "person_id": person.pk, **kwargs})


def _person_page(case: Case, person: Person) -> str:
    return _url("person_detail", case, person)


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


JOB = {
    "fein": "12-3456789",
    "started_on": (date.today() - timedelta(days=10)).isoformat(),
    "source": "pay_stub",
    "name": "Capital Bakery",
    "line1": "1 State St",
    "city": "Albany",
    "state": "NY",
    "postal_code": "12207",
}
ADDRESS = {
    "line1": "41 Zqxnew Street",
    "city": "Troy",
    "state": "NY",
    "postal_code": "12180",
    "source": "reported_by_person",
    "valid_from": date.today().isoformat(),
}


# Refused: work on the case ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_job_posted_on_a_closed_cases_person_page_is_refused(client_as, case, role):
    client = client_as(role)
    for method in (client.get, client.post):
        response = method(_url("employment_add", case, case.ncp), JOB if method == client.post else {})
        assert response.status_code == 302 and response["Location"] == _person_page(case, case.ncp)
        assert _said(response)[-1] == "The case is closed: jobs are recorded from an open case of the person."
    assert not Employment.objects.filter(person=case.ncp).exists()
    assert not DomainEvent.objects.filter(verb="employment.recorded").exists()


def test_a_job_ended_on_a_closed_cases_person_page_is_refused(client_as, case):
    job = EmploymentFactory(person=case.ncp)
    response = client_as("caseworker").post(
        _url("employment_end", case, case.ncp, pk=job.pk),
        {"ended_on": timezone.localdate().isoformat(), "reason": "quit", "source": "parent_reported"},
    )
    assert response.status_code == 302 and response["Location"] == _person_page(case, case.ncp)
    assert _said(response) == ["The case is closed: jobs are ended from an open case of the person."]
    job.refresh_from_db()
    assert job.ended_on is None


def test_an_address_posted_on_a_closed_cases_person_page_is_refused(client_as, case):
    response = client_as("caseworker").post(_url("address_add", case, case.cp), ADDRESS)
    assert response.status_code == 302 and response["Location"] == _person_page(case, case.cp)
    assert _said(response) == ["The case is closed: addresses are recorded from an open case of the person."]
    assert not Address.objects.filter(person=case.cp, line1=ADDRESS["line1"]).exists()


def test_paternity_posted_on_a_closed_case_is_refused(client_as, case):
    child = case.children[0]
    before = (child.paternity_status, child.paternity_established_on)
    response = client_as("caseworker").post(
        _url("paternity_record", case, child), {"status": "pending", "genetic_test_ordered_on": "2026-11-02"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_detail", args=[case.case_number])
    assert _said(response) == ["The case is closed: paternity is recorded from an open case of the child."]
    child.refresh_from_db()
    assert (child.paternity_status, child.paternity_established_on) == before
    assert child.genetic_test_ordered_on is None


def test_an_answer_to_a_notice_posted_on_a_closed_case_is_refused(client_as, case):
    noticed = timezone.localdate() - timedelta(days=70)
    Case.objects.filter(pk=case.pk).update(
        closure_noticed_on=noticed, closure_due_on=noticed + timedelta(days=60), closure_notice_reason="other"
    )
    url = reverse("cases:closure_answer", args=[case.case_number])
    response = client_as("caseworker").post(
        url, {"answered_by": "recipient", "answered_on": timezone.localdate().isoformat(), "note": "She called back."}
    )
    assert response.status_code == 302
    assert _said(response) == ["No notice of intent to close is pending on this case."]
    assert not DomainEvent.objects.filter(verb="case.closure_notice_answered").exists()


def test_a_closed_cases_pages_offer_no_refused_write(client_as, case):
    client = client_as("coordinator")
    EmploymentFactory(person=case.ncp)
    ncp_page = client.get(_person_page(case, case.ncp)).content.decode()
    assert "Record a job" not in ncp_page and "End this job" not in ncp_page
    assert 'data-testid="address-add"' not in ncp_page
    # the person's record stays correctable
    assert "Edit details" in ncp_page and "Correct or remove the SSN" in ncp_page
    assert "Set the family violence indicator" in ncp_page
    case_page = client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert "record paternity" not in case_page


# Allowed: the person's record, which every case shares ----------------------------------------------


def test_a_persons_details_and_ssn_are_corrected_from_a_closed_case(client_as, case):
    client = client_as("caseworker")
    edit = client.get(_url("person_edit", case, case.ncp))
    response = client.post(_url("person_edit", case, case.ncp), {**form_values(edit), "last_name": "Corrected"})
    assert response.status_code == 302
    assert Person.objects.get(pk=case.ncp.pk).last_name == "Corrected"
    ssn_url = _url("person_ssn", case, case.ncp)
    shown = shown_on(client.get(ssn_url))
    response = client.post(
        ssn_url, {"action": "correct", "reason": "Card seen", "ssn": "987654321", "ssn_again": "987654321", **shown}
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=case.ncp.pk).ssn_last4 == "4321"


def test_the_family_violence_indicator_is_set_and_removed_from_a_closed_case(client_as, case):
    reported = timezone.localdate().isoformat()
    response = client_as("caseworker").post(
        _url("person_fvi_set", case, case.cp), {"reported_on": reported, "reason": "Disclosed at the desk."}
    )
    assert response.status_code == 302 and Person.objects.get(pk=case.cp.pk).family_violence
    response = client_as("coordinator").post(
        _url("person_fvi_clear", case, case.cp), {"reason": "Court order lifting the protection.", "confirmed": "on"}
    )
    assert response.status_code == 302 and not Person.objects.get(pk=case.cp.pk).family_violence


def test_a_document_of_a_closed_case_is_marked_and_a_misfiled_one_withdrawn(client_as, case, worker):
    document = attach(case, worker, title="Pay stub")
    assert post_mark(client_as("caseworker"), document, case.ncp).status_code == 302
    document.refresh_from_db()
    assert document.shows_whereabouts_of_id == case.ncp.pk
    response = client_as("coordinator").post(
        reverse("cases:document_withdraw", args=[document.pk]), {"reason": "Wrong case"}
    )
    assert response.status_code == 302 and CaseDocument.objects.get(pk=document.pk).is_withdrawn


def test_the_refusal_comes_after_the_scope(client, make_user, case):
    """Another caseload's closed case: 403 (logged) as on an open one, not the closed-case message."""
    client.force_login(make_user("caseworker", username="colleague"))
    assert client.post(_url("employment_add", case, case.ncp), JOB).status_code == 403
    assert client.post(_url("address_add", case, case.cp), ADDRESS).status_code == 403

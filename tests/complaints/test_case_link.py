"""Linking a complaint recorded with an unknown case number to its case (or, with a reason, a
complaint linked to the wrong case): ``complaints.services.complaint_case_link`` and its page."""

from datetime import date

import pytest
from django.urls import reverse

from complaints.models import Complaint
from core.models import DomainEvent
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _link_url(complaint: Complaint) -> str:
    return reverse("complaints:complaint_case_link", args=[complaint.number])


@pytest.fixture
def unknown(file_complaint):
    return file_complaint(case_number="NY-12345", received_on=date(2026, 11, 2))


def test_ombudsperson_links_an_unknown_number_complaint_to_its_case(client_as, unknown):
    case = CaseFactory(case_number="NY-012345")
    client = client_as("ombudsperson")
    page = client.get(_link_url(unknown))
    assert page.status_code == 200 and 'value="NY-12345"' in page.content.decode()  # the number as received
    response = client.post(_link_url(unknown), {"case_number": "ny-012345"})
    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.case == case and not unknown.unknown_case and unknown.case_number_received == "NY-12345"
    event = DomainEvent.objects.get(verb="complaint.case_linked")
    assert event.case_id == case.pk and event.data["case"] == case.case_number
    detail = client.get(reverse("complaints:complaint_detail", args=[unknown.number])).content.decode()
    assert "matched no case" not in detail and case.case_number in detail


def test_a_number_the_user_may_not_see_is_no_case_and_nothing_changes(client, make_user, file_complaint):
    # given: a county clerk allowed to link complaints (the office granted complaints.change_complaint)
    # who filed a complaint with a number; a case of another county; a clerk without a county
    from django.contrib.auth.models import Permission

    change = Permission.objects.get(codename="change_complaint")
    clerk = make_user("caseworker", username="clerk")
    clerk.user_permissions.add(change)
    nobody = make_user("caseworker", username="clerk_no_county", county="")
    nobody.user_permissions.add(change)
    complaint = file_complaint(case_number="NY-12345", by=clerk)
    other_county = CaseFactory(case_number="NY-777001", county="Saratoga")
    mine = CaseFactory(case_number="NY-777002")
    # when / then: a number on file nowhere, another county's case, and (without a county) any case
    for user, number in ((clerk, "NY-000000"), (clerk, other_county.case_number), (nobody, mine.case_number)):
        client.force_login(user)
        if user is nobody:
            complaint.filed_by = nobody
            complaint.save(update_fields=["filed_by"])
        response = client.post(_link_url(complaint), {"case_number": number})
        assert response.status_code == 200 and "No case with this number that you may see." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.case is None and complaint.unknown_case
    assert not DomainEvent.objects.filter(verb="complaint.case_linked").exists()
    # and the clerk links the case of their own county
    client.force_login(clerk)
    complaint.filed_by = clerk
    complaint.save(update_fields=["filed_by"])
    assert client.post(_link_url(complaint), {"case_number": mine.case_number}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.case == mine


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "hearing_officer", "quality_analyst", "trainer"])
def test_roles_without_the_permission_are_refused(client_as, unknown, role):
    CaseFactory(case_number="NY-012345")
    response = client_as(role).post(_link_url(unknown), {"case_number": "NY-012345"})
    assert response.status_code == 403
    unknown.refresh_from_db()
    assert unknown.case is None


def test_relinking_needs_a_reason_and_keeps_what_it_was(client_as, file_complaint):
    first, second = CaseFactory(case_number="NY-030001"), CaseFactory(case_number="NY-030002")
    complaint = file_complaint(case_number=first.case_number, case=first)
    client = client_as("ombudsperson")
    same = client.post(_link_url(complaint), {"case_number": first.case_number})
    assert "linked to NY-030001 already" in same.content.decode()
    no_reason = client.post(_link_url(complaint), {"case_number": second.case_number})
    assert no_reason.status_code == 200 and "Give the reason" in no_reason.content.decode()
    complaint.refresh_from_db()
    assert complaint.case == first
    client.post(_link_url(complaint), {"case_number": second.case_number, "reason": "Wrong family: same surname"})
    complaint.refresh_from_db()
    assert complaint.case == second
    event = DomainEvent.objects.get(verb="complaint.case_linked")
    assert event.data == {"case": "NY-030002", "was": "NY-030001", "reason": "Wrong family: same surname"}


def test_the_investigator_may_not_be_the_linked_cases_caseworker(client_as, role_user, unknown):
    from complaints import services

    investigator = role_user("ombudsperson")
    services.complaint_assign(complaint=unknown, investigator=investigator, by=role_user("coordinator"))
    case = CaseFactory(case_number="NY-040001", caseworker=investigator)
    response = client_as("ombudsperson").post(_link_url(unknown), {"case_number": case.case_number})
    assert response.status_code == 200 and "assign another investigator first" in response.content.decode()
    unknown.refresh_from_db()
    assert unknown.case is None


def test_a_case_under_another_states_rules_is_refused(client_as, unknown):
    case = CaseFactory(case_number="CA-050001", jurisdiction="CA")
    response = client_as("ombudsperson").post(_link_url(unknown), {"case_number": case.case_number})
    assert response.status_code == 200 and "under another state" in response.content.decode()
    unknown.refresh_from_db()
    assert unknown.case is None and unknown.due_on == unknown.original_due_on


def test_a_hearing_request_made_after_the_link_carries_the_case(client_as, role_user, unknown):
    from hearings.services import hearing_request_create

    case = CaseFactory(case_number="NY-060001")
    client_as("ombudsperson").post(_link_url(unknown), {"case_number": case.case_number})
    unknown.refresh_from_db()
    request = hearing_request_create(
        requester_name="Dana Parent",
        issue="distribution",
        statement="My March payment is missing.",
        requested_on=date(2026, 12, 7),
        complaint=unknown,
        contact_phone="518-555-0100",
        by=role_user("ombudsperson"),
        today=date(2026, 12, 7),
    )
    assert request.case == case

"""The ombudsperson extends a complaint as the director's designee (issue 14.6); the extension
records its reason; the complainant receives an extension letter in the office's own law (11.9)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.roles import sync_roles
from complaints import services
from complaints.documents import acknowledgement_letter, extension_letter, letter_pdf, resolution_letter
from core.letters import letter_text
from core.models import DomainEvent

pytestmark = pytest.mark.django_db


def test_ombudsperson_and_coordinator_hold_the_extend_permission_by_default(role_user):
    assert role_user("ombudsperson").has_perm("complaints.extend_complaint")
    assert role_user("coordinator").has_perm("complaints.extend_complaint")
    assert not role_user("caseworker").has_perm("complaints.extend_complaint")


def test_office_can_withdraw_the_permission_from_the_ombudsperson(role_user):
    with override_settings(CASEWORKS_PERMISSIONS_WITHDRAWN=["ombudsperson:complaints.extend_complaint"]):
        sync_roles()
    group = Group.objects.get(name="ombudsperson")
    assert not group.permissions.filter(codename="extend_complaint").exists()
    assert Group.objects.get(name="coordinator").permissions.filter(codename="extend_complaint").exists()
    sync_roles()  # without the setting the default comes back
    assert group.permissions.filter(codename="extend_complaint").exists()


def test_withdrawn_setting_must_name_a_role_and_a_permission():
    with (
        override_settings(CASEWORKS_PERMISSIONS_WITHDRAWN=["nobody:complaints.extend_complaint"]),
        pytest.raises(ValueError, match="role:app.codename"),
    ):
        sync_roles()


def test_ombudsperson_extends_with_a_reason_and_the_complainant_is_emailed_the_letter(
    file_complaint, role_user, django_capture_on_commit_callbacks
):
    complaint = file_complaint(contact_email="dana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_extend(
            complaint=complaint, days=10, reason="Waiting for the SDU's records", by=role_user("ombudsperson")
        )
    assert complaint.extension_reason == "Waiting for the SDU's records"
    assert complaint.due_on == date(2026, 12, 14)  # Nov 2 + 30 + 10 = Dec 12, a Saturday → Monday
    [message] = mail.outbox
    assert message.to == ["dana@example.org"] and "more time" in message.subject
    assert "Waiting for the SDU's records" in message.body and "December 14, 2026" in message.body
    assert message.attachments[0][0] == f"extension-{complaint.number}.pdf"
    event = DomainEvent.objects.get(verb="complaint.extension_letter", subject_id=complaint.pk)
    assert event.data == {"channel": "email"}


def test_without_an_email_a_case_persons_letter_is_to_print(
    file_complaint, role_user, django_capture_on_commit_callbacks
):
    from tests.cases.factories import AddressFactory

    address = AddressFactory(line1="44 Elm Street")
    complaint = file_complaint(complainant_person=address.person)  # phone only, an address on file
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_extend(complaint=complaint, days=5, reason="Bank records", by=role_user("coordinator"))
    assert mail.outbox == []
    assert DomainEvent.objects.get(verb="complaint.extension_letter").data == {"channel": "mail"}


def test_refused_extension_sends_nothing(file_complaint, role_user):
    complaint = file_complaint(contact_email="dana@example.org")
    with pytest.raises(PermissionDenied):
        services.complaint_extend(complaint=complaint, days=5, reason="x", by=role_user("caseworker"))
    assert mail.outbox == [] and not DomainEvent.objects.filter(verb="complaint.extension_letter").exists()


@pytest.mark.parametrize(
    ("jurisdiction", "cites", "never"),
    [
        ("NY", "45 CFR 303.35", "Fam. Code"),
        ("CA", "Fam. Code 17800", "303.35"),
    ],
)
def test_extension_letter_cites_the_office_law(file_complaint, role_user, jurisdiction, cites, never):
    complaint = file_complaint()
    type(complaint).objects.filter(pk=complaint.pk).update(jurisdiction=jurisdiction)
    complaint.refresh_from_db()
    complaint = services.complaint_extend(complaint=complaint, days=5, reason="Records", by=role_user("coordinator"))
    text = " ".join(t for _, t in extension_letter(complaint).sections)
    assert cites in text and never not in text
    assert letter_pdf(extension_letter(complaint)).startswith(b"%PDF")


def test_ny_resolution_notice_never_cites_the_california_family_code(file_complaint):
    complaint = file_complaint()
    assert complaint.jurisdiction == "NY"
    letter = resolution_letter(complaint)
    sections = dict(letter.sections)
    right = sections["Your right to a fair hearing"]
    assert "Family Code" not in right and "Social Services Law 22" in right
    assert "Family Code" not in letter.citation


@time_machine.travel("2026-11-23 15:00Z")
def test_extension_page_leads_to_the_letter(client_as, file_complaint):
    complaint = file_complaint()
    client = client_as("ombudsperson")
    letter_url = reverse("complaints:extension_letter", args=[complaint.number])
    assert client.get(letter_url).status_code == 302  # no letter before an extension
    response = client.post(
        reverse("complaints:complaint_extend", args=[complaint.number]), {"days": "10", "reason": "Bank records"}
    )
    assert response.status_code == 302 and response.url == letter_url
    page = client.get(letter_url)
    assert page.status_code == 200 and b"Bank records" in page.content and b"December 14, 2026" in page.content
    pdf = client.get(reverse("complaints:extension_letter_pdf", args=[complaint.number]))
    assert pdf["Content-Type"] == "application/pdf"


def test_extension_letter_is_refused_to_a_trainer(client_as, file_complaint):
    complaint = file_complaint()
    assert client_as("trainer").get(reverse("complaints:extension_letter", args=[complaint.number])).status_code == 403


# Red team (rtletters): received Friday 4 December 2026, the 30 days end on Sunday 3 January, so the
# acknowledgement promised Monday 4 January; an extension counted from receipt (4 Dec + 31) gave
# Monday 4 January again, and the letter said "extended by 1 day".


def test_an_extension_letter_moves_the_date_the_acknowledgement_gave(file_complaint, role_user):
    complaint = file_complaint(received_on=date(2026, 12, 4), today=date(2026, 12, 4))
    promised = complaint.due_on
    assert "January 4, 2027" in letter_text(acknowledgement_letter(complaint, language="en"))
    complaint = services.complaint_extend(
        complaint=complaint, days=1, reason="Waiting for the SDU's records", by=role_user("ombudsperson")
    )
    assert complaint.due_on == date(2027, 1, 5) > promised
    text = letter_text(extension_letter(complaint, language="en"))
    assert "by 1 day" in text and "January 5, 2027" in text


def test_an_extension_never_reaches_past_the_laws_latest_date(file_complaint, role_user):
    # 4 December + 30 + 30 = Tuesday 2 February 2027: 29 days after the promised 4 January
    complaint = file_complaint(received_on=date(2026, 12, 4), today=date(2026, 12, 4))
    with pytest.raises(ValidationError, match="between 1 and 29 days: .* Feb 2, 2027"):
        services.complaint_extend(complaint=complaint, days=30, reason="Records", by=role_user("ombudsperson"))
    complaint.refresh_from_db()
    assert complaint.due_on == date(2027, 1, 4) and not complaint.was_extended
    complaint = services.complaint_extend(complaint=complaint, days=29, reason="Records", by=role_user("ombudsperson"))
    assert complaint.due_on == date(2027, 2, 2)

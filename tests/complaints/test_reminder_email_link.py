"""The reminder e-mail an investigator receives links to the complaint with a full address."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from accounts.models import User
from complaints.models import Notice
from complaints.services import _notice_email
from tests.complaints.factories import ComplaintFactory

BASE = settings.CASEWORKS_PUBLIC_BASE_URL.rstrip("/")


@pytest.mark.django_db
def test_the_complaint_reminder_email_links_to_the_complaint_with_a_full_address():
    """A bare path ("/complaints/CMP-.../") is plain text in a mail client, not a link: the person who
    must act on an overdue complaint could not open it from the reminder."""
    user = User.objects.create(username="investigator_rt", email="inv@example.org")
    complaint = ComplaintFactory(received_on=date(2026, 11, 2))
    notice = Notice.objects.create(
        user=user, complaint=complaint, kind="overdue", message=f"{complaint.number} is overdue", dedupe_key="rt-1"
    )
    body = _notice_email(notice).body
    link = body.strip().splitlines()[-1]
    assert link == f"{BASE}/complaints/{complaint.number}/", body

"""The training reminder e-mail links to "My training" with a full address."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.conf import settings

from training.choices import ComplianceStatus
from training.services import _reminder_text

BASE = settings.CASEWORKS_PUBLIC_BASE_URL.rstrip("/")


def test_the_training_reminder_email_links_to_my_training_with_a_full_address():
    """A bare path ("/training/my/") is not a link anyone can open from a mail client, in the reminder
    that tells them they lose access to federal tax information until the FTI course is renewed."""
    reminder = SimpleNamespace(
        status=ComplianceStatus.OVERDUE,
        due_on=date(2026, 11, 30),
        course=SimpleNamespace(title="FTI awareness", is_fti_awareness=True),
    )
    body = _reminder_text(reminder)
    link = body.split("See your training:")[1].strip()
    assert link == f"{BASE}/training/my/", body

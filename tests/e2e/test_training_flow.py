"""Enrol → attend → complete (with test scores) → certificate, through the browser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from training.models import Course, CourseCompletion, TrainingSession

pytestmark = pytest.mark.django_db(transaction=True)


def test_enrol_attend_complete_certificate(sign_in, live_server, make_user):
    trainer = make_user("trainer")
    course = Course.objects.create(
        code="e2e-course", title="Distribution rules in practice", has_test=True, passing_score=70, duration_minutes=90
    )
    start = timezone.now() + timedelta(days=3)
    session = TrainingSession.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        trainer=trainer,
        capacity=5,
        location="Training room 1",
    )
    detail = f"/training/sessions/{session.pk}/"

    # the caseworker enrols from the session page
    page = sign_in("caseworker", at=detail)
    page.get_by_role("button", name="Enrol").click()
    assert "You are enrolled" in page.get_by_test_id("my-status").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # the trainer records attendance and the test scores
    page = sign_in("trainer", at=detail)
    page.get_by_role("button", name="Mark Caseworker_User present").click()
    page.get_by_role("link", name="Record completion for Caseworker_User").click()
    page.get_by_label("Pre-test score (0–100)").fill("45")
    page.get_by_label("Post-test score (0–100)").fill("150")
    page.get_by_role("button", name="Record completion").click()
    assert "less than or equal to 100" in page.content()
    page.get_by_label("Post-test score (0–100)").fill("88")
    page.get_by_role("button", name="Record completion").click()
    page.wait_for_url(f"{live_server.url}{detail}")
    assert "completed Distribution rules in practice" in page.content()
    page.get_by_role("button", name="Sign out").click()

    # the caseworker finds the certificate on "my training"
    page = sign_in("caseworker")
    page.get_by_role("link", name="My training").click()
    page.get_by_role("link", name="View certificate: Distribution rules in practice", exact=True).click()
    assert page.get_by_test_id("certificate-name").inner_text() == "Caseworker_User"
    assert page.get_by_test_id("certificate-course").inner_text() == "Distribution rules in practice"
    completion = CourseCompletion.objects.get()
    assert completion.score == 88 and str(completion.certificate_number) in page.content()
    response = page.request.get(f"{live_server.url}/training/certificates/{completion.certificate_number}/pdf/")
    assert response.ok and response.body().startswith(b"%PDF")

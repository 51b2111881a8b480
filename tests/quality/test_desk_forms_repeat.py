"""Quality desk forms sent twice (a double click, a resent POST): one self-assessment review
(quality.services, core.services.row_repeat_refuse)."""

import pytest
from django.urls import reverse

from quality.models import Review

pytestmark = pytest.mark.django_db


def test_a_double_clicked_new_review_form_opens_one_self_assessment_review(client_as):
    """A quality analyst double-clicks "Create" on a new self-assessment review (45 CFR 308.1: the
    annual review of a sample of cases). Two reviews with the same title, period, size and seed are
    opened: each is sampled and scored separately, the review list shows both, and the annual
    self-assessment report can count the same cases twice or be built from the half-scored twin.
    Who is hurt: the quality analyst (work split over two reviews), the state reading the
    self-assessment. Cause: quality/services.py review_create (no repeat check)."""
    client = client_as("quality_analyst")
    data = {
        "title": "FFY 2026 self-assessment",
        "period_start": "2025-10-01",
        "period_end": "2026-09-30",
        "sample_size": "20",
        "seed": "4242",
    }
    first = client.post(reverse("quality:review_create"), data)
    assert first.status_code == 302, first.content[:500]
    again = client.post(reverse("quality:review_create"), data)  # the double click
    assert Review.objects.count() == 1, "one review opened twice"
    assert "This review was just opened: nothing was added again." in again.content.decode()

"""A completed self-assessment review is frozen: its compliance rates are the ones reported (45 CFR
308.1(e), 308.2), so no sampled case of it is rescored or redrawn (red team rtpeople 12, 13)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import DomainEvent
from quality import services
from quality.models import ReviewSample
from tests.cases.factories import CaseFactory
from tests.quality.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def _completed_review(analyst):
    review = ReviewFactory()
    cases = [CaseFactory(participants=False) for _ in range(4)]
    samples = [ReviewSample.objects.create(review=review, criterion="enforcement", case=c) for c in cases]
    for s in samples:
        services.sample_score(sample=s, answers={"q": True}, result="pass", by=analyst)
    services.review_complete(review=review, by=analyst)
    return review, samples


def test_a_sample_of_a_completed_review_cannot_be_rescored(make_user):
    # given a completed review whose cases all passed
    analyst = make_user("quality_analyst")
    review, samples = _completed_review(analyst)
    # when one is rescored as a fail, then it is refused and the reported pass stays
    with pytest.raises(ValidationError, match="completed"):
        services.sample_score(sample=samples[0], answers={"q": False}, result="fail", by=analyst)
    samples[0].refresh_from_db()
    assert samples[0].result == "pass"


def test_a_completed_review_is_neither_redrawn_nor_completed_again(make_user):
    analyst = make_user("quality_analyst")
    review, samples = _completed_review(analyst)
    with pytest.raises(ValidationError, match="frozen"):
        services.review_draw_sample(review=review, by=analyst)
    assert ReviewSample.objects.filter(review=review).count() == 4
    # a double-clicked "Complete": the second click changes nothing and records no second event
    events = DomainEvent.objects.filter(verb="quality.review_completed")
    assert events.count() == 1
    assert services.review_complete(review=review, by=analyst).status == "completed"
    assert events.count() == 1


def test_the_score_page_of_a_completed_review_is_read_only_and_refuses_a_post(client, make_user):
    # given a completed review
    analyst = make_user("quality_analyst")
    review, samples = _completed_review(analyst)
    client.force_login(analyst)
    url = reverse("quality:sample_score", kwargs={"pk": samples[0].pk})
    # when its score page is opened, then it says the review is frozen and offers no button
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="review-frozen"' in page.content and b"Save score" not in page.content
    # when a score is posted anyway, then the page answers with the refusal and nothing changes
    response = client.post(url, {"result": "fail", "notes": "changed after the report", "q0": ""})
    assert response.status_code == 200 and "scores are frozen" in response.content.decode()
    samples[0].refresh_from_db()
    assert samples[0].result == "pass" and samples[0].notes == ""

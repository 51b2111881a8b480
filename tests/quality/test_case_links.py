"""Issue 14.4: every OCSE-157 drill-down row and every review-sample row links to its case, where
the user may see the case; otherwise the case number is shown without a link."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from quality import services
from tests.cases.factories import CaseFactory

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db


def _link(case_number: str) -> str:
    return f'<a href="{reverse("cases:case_detail", args=[case_number])}">{case_number}</a>'


def test_every_drilldown_row_links_to_its_case(office, client_as):
    drill = client_as("quality_analyst").get(reverse("quality:drilldown", args=[2026, "1"]))
    rows = list(drill.context["object_list"])
    assert rows
    body = drill.content.decode()
    for case in rows:
        assert _link(case.case_number) in body


def _sampled_review():
    review = ReviewFactory()
    here = CaseFactory(participants=False, county="Albany", interstate_role="initiating")
    there = CaseFactory(participants=False, county="Erie", interstate_role="initiating")
    services.review_draw_sample(review=review)
    sampled = set(review.samples.values_list("case__case_number", flat=True))
    assert {here.case_number, there.case_number} <= sampled
    return review, here, there


def test_review_samples_link_to_cases_the_analyst_may_see(client_as):
    review, here, there = _sampled_review()
    body = client_as("quality_analyst").get(reverse("quality:review_detail", args=[review.pk])).content.decode()
    assert _link(here.case_number) in body and _link(there.case_number) in body


def test_a_case_outside_the_users_county_is_shown_without_a_link(client, make_user):
    review, here, there = _sampled_review()
    reader = make_user(None, username="albany_reviewer", county="Albany")
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["quality", "cases"], codename__in=["view_review", "view_case"]
        )
    )
    client.force_login(reader)
    response = client.get(reverse("quality:review_detail", args=[review.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert _link(here.case_number) in body
    assert there.case_number in body and _link(there.case_number) not in body
    # and the link is not a way in: the case page refuses the case of the other county
    assert client.get(reverse("cases:case_detail", args=[there.case_number])).status_code == 404

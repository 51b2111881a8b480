"""Quality analysts write a new version of a self-assessment criterion's checklist; a version a
completed (or partly scored) review was scored against never changes under it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.models import DomainEvent
from quality import selectors
from quality.choices import ReviewStatus, SampleResult
from quality.models import CriterionRule, ReviewSample
from quality.services import criterion_rule_revise
from tests.cases.factories import CaseFactory
from tests.pages import shown_on
from tests.quality.factories import ReviewFactory

pytestmark = pytest.mark.django_db

CRITERION = "enforcement"


def latest() -> CriterionRule:
    return CriterionRule.objects.filter(criterion=CRITERION).order_by("-effective_from").first()


def url(rule: CriterionRule) -> str:
    return reverse("quality:criterion_revise", args=[rule.pk])


def as_posted(page, **changes) -> dict[str, str]:
    form = page.context["form"]
    data = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items() if name != "shown"}
    data.update({"effective_from": "2026-10-01", "reason": "Office checklist updated", **changes})
    data = {k: v for k, v in data.items() if v is not False}
    return {**shown_on(page), **{k: "on" if v is True else ("" if v is None else str(v)) for k, v in data.items()}}


def test_an_analyst_writes_a_new_version_and_reviews_after_it_use_it(client_as):
    rule = latest()
    client = client_as("quality_analyst")
    page = client.get(url(rule))
    checklist = "\n".join([*rule.checklist, "Enforcement was started within 30 days", ""])
    response = client.post(url(rule), as_posted(page, checklist=checklist))
    assert response.status_code == 302, response.context["form"].errors
    new = latest()
    assert new.pk != rule.pk and new.effective_from == date(2026, 10, 1)
    assert new.checklist == [*rule.checklist, "Enforcement was started within 30 days"]
    assert CriterionRule.objects.get(pk=rule.pk).checklist == rule.checklist  # kept as it was
    assert selectors.criterion_rules(on=date(2026, 9, 30))[CRITERION].pk == rule.pk
    assert selectors.criterion_rules(on=date(2026, 10, 1))[CRITERION].pk == new.pk
    event = DomainEvent.objects.get(verb="quality.criterion_revised")
    assert event.actor.username == "quality_analyst_user" and event.data["previous"]["checklist"] == rule.checklist


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "enforcement_specialist", "ombudsperson"])
def test_other_roles_may_not_write_a_version(client_as, role):
    rule = latest()
    client = client_as(role)
    assert client.get(url(rule)).status_code == 403
    assert client.post(url(rule), {"checklist": "x", "effective_from": "2026-10-01"}).status_code == 403
    assert latest().pk == rule.pk


def test_the_criteria_page_offers_a_new_version_only_to_analysts(client_as):
    rule = latest()
    assert url(rule).encode() in client_as("quality_analyst").get(reverse("quality:criterion_list")).content
    page = client_as("coordinator").get(reverse("quality:criterion_list"))
    assert page.status_code == 200 and url(rule).encode() not in page.content


@pytest.mark.parametrize(
    ("status", "scored", "start", "refused"),
    [
        (ReviewStatus.COMPLETED, True, "2026-09-30", True),  # on the completed review's period end
        (ReviewStatus.COMPLETED, True, "2026-10-01", False),  # the day after
        (ReviewStatus.SAMPLED, True, "2026-09-30", True),  # a case already scored under it
        (ReviewStatus.SAMPLED, False, "2026-09-30", False),  # drawn, nothing scored: takes the new one
    ],
)
def test_a_version_a_review_was_scored_against_is_not_replaced(client_as, status, scored, start, refused):
    review = ReviewFactory(period_end=date(2026, 9, 30), status=status)
    ReviewSample.objects.create(
        review=review,
        criterion=CRITERION,
        case=CaseFactory(),
        result=SampleResult.PASS if scored else SampleResult.PENDING,
    )
    rule = latest()
    client = client_as("quality_analyst")
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page, checklist="A new question", effective_from=start))
    if refused:
        assert response.status_code == 200
        assert review.title in str(response.context["form"].errors["effective_from"])
        assert latest().pk == rule.pk
        assert selectors.criterion_rules(on=review.period_end)[CRITERION].checklist == rule.checklist
    else:
        assert response.status_code == 302 and latest().checklist == ["A new question"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"checklist": "  \n "}, "checklist"),
        ({"checklist": "Same\nSame"}, "checklist"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_on_the_form(client_as, changes, field):
    rule = latest()
    client = client_as("quality_analyst")
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page, **changes))
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert latest().pk == rule.pk


def test_no_change_is_refused(client_as):
    rule = latest()
    client = client_as("quality_analyst")
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page))
    assert "Change at least one value" in " ".join(response.context["form"].non_field_errors())


def test_a_page_opened_before_a_colleagues_version_is_refused(client_as, role_user):
    rule = latest()
    client = client_as("quality_analyst")
    page = client.get(url(rule))
    criterion_rule_revise(
        rule=rule,
        effective_from=date(2026, 11, 1),
        checklist=["Colleague's question"],
        citation=rule.citation,
        needs_confirmation=False,
        reason="x",
        by=role_user("quality_analyst"),
    )
    response = client.post(url(rule), as_posted(page, checklist="Mine"))
    assert response.status_code == 200
    assert "was written meanwhile" in " ".join(response.context["form"].non_field_errors())
    assert latest().checklist == ["Colleague's question"]

"""A closed improvement plan is frozen: its record is the outcome the office reports on the measure it
addressed, so no action or note is added to it and no action of it is marked done (red team rtpeople 14)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import DomainEvent
from quality import services
from quality.models import ImprovementPlan, PlanAction, PlanNote
from tests.quality.factories import ImprovementPlanFactory, PlanActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_plan(make_user):
    analyst = make_user("quality_analyst")
    plan = ImprovementPlanFactory(owner=analyst)
    open_action = PlanActionFactory(plan=plan, owner=analyst, due_on=date(2026, 12, 15))
    services.plan_close(plan=plan, by=analyst)
    return ImprovementPlan.objects.get(pk=plan.pk), open_action, analyst


def test_a_closed_improvement_plan_takes_no_new_action_or_note(closed_plan):
    plan, _, analyst = closed_plan
    with pytest.raises(ValidationError, match="closed"):
        services.plan_action_add(plan=plan, description="New step", owner=analyst, due_on=plan.target_on, by=analyst)
    with pytest.raises(ValidationError, match="closed"):
        services.plan_note_add(plan=plan, text="Later thoughts", by=analyst)
    assert PlanAction.objects.filter(plan=plan).count() == 1 and not PlanNote.objects.filter(plan=plan).exists()


def test_an_open_action_of_a_closed_plan_is_not_marked_done(closed_plan):
    plan, action, analyst = closed_plan
    with pytest.raises(ValidationError, match="closed"):
        services.plan_action_complete(action=action, completed_on=date(2027, 1, 5), by=analyst)
    action.refresh_from_db()
    assert action.completed_on is None


def test_the_closed_plan_page_offers_no_step_and_refuses_a_post(client, closed_plan):
    # given a closed plan with an open action
    plan, action, analyst = closed_plan
    client.force_login(analyst)
    page_url = reverse("quality:plan_detail", args=[plan.pk])
    # when its page is opened, then it says so and offers no form to add or complete
    page = client.get(page_url).content.decode()
    assert 'data-testid="plan-frozen"' in page
    for name, pk in (("plan_action_add", plan.pk), ("plan_note_add", plan.pk), ("action_complete", action.pk)):
        assert reverse(f"quality:{name}", args=[pk]) not in page
    # when a note is posted anyway, then it comes back to the plan with the refusal, nothing saved
    response = client.post(reverse("quality:plan_note_add", args=[plan.pk]), {"text": "x"}, follow=True)
    assert "The note was not added: The plan" in response.content.decode()
    assert not PlanNote.objects.filter(plan=plan).exists()


def test_an_action_marked_done_from_two_pages_at_once_is_recorded_once(make_user):
    # given two copies of one open action, read before either click (two tabs, a double click)
    analyst = make_user("quality_analyst")
    action = PlanActionFactory(plan=ImprovementPlanFactory(owner=analyst), owner=analyst, due_on=date(2026, 12, 15))
    first, second = PlanAction.objects.get(pk=action.pk), PlanAction.objects.get(pk=action.pk)
    # when both mark it done, then the first date stands and one event is recorded
    services.plan_action_complete(action=first, completed_on=date(2026, 12, 10), by=analyst)
    services.plan_action_complete(action=second, completed_on=date(2026, 12, 11), by=analyst)
    action.refresh_from_db()
    assert action.completed_on == date(2026, 12, 10)
    assert DomainEvent.objects.filter(verb="quality.plan_action_completed").count() == 1

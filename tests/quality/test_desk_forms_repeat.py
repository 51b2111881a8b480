"""Quality desk forms sent twice (a double click, a resent POST): one self-assessment review, one
improvement plan, one plan action (quality.services, core.services.row_repeat_refuse)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from quality.forms import PlanForm
from quality.models import ImprovementPlan, PlanAction, Review

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


def test_a_double_clicked_plan_and_plan_action_are_each_recorded_once(client_as, role_user):
    """A quality analyst double-clicks "Create" on a new improvement plan, then "Add" on its first
    action. Two identical plans are made (the plan list, the home cards and the overdue counts show
    both), and the action is added twice to the plan (two overdue actions where there is one; the
    owner must complete both). Who is hurt: the quality analyst and the action's owner; the
    coordinator reading overdue work. Cause: quality/services.py plan_create and plan_action_add
    (no repeat check)."""
    client = client_as("quality_analyst")
    owner = role_user("coordinator")
    plan_data = {
        "title": "Raise paternity establishment",
        "baseline": "81.00",
        "target": "90.00",
        "target_on": (date.today() + timedelta(days=180)).isoformat(),
        "owner": owner.pk,
    }
    plan_data["topic"] = any_topic()  # any measure or criterion
    first = client.post(reverse("quality:plan_create"), plan_data)
    assert first.status_code == 302, first.content[:800]
    client.post(reverse("quality:plan_create"), plan_data)  # the double click
    plans = ImprovementPlan.objects.all()
    plan = plans.first()
    action = {
        "description": "Call every alleged father",
        "owner": owner.pk,
        "due_on": (date.today() + timedelta(days=30)).isoformat(),
    }
    client.post(reverse("quality:plan_action_add", args=[plan.pk]), action)
    client.post(reverse("quality:plan_action_add", args=[plan.pk]), action)  # the double click
    assert (plans.count(), PlanAction.objects.filter(plan=plan).count()) == (1, 1), "plan or action recorded twice"


def test_another_action_and_the_same_action_once_done_are_added(role_user):
    from quality import services

    owner = role_user("coordinator")
    plan = services.plan_create(
        title="Plan", topic=any_topic(), baseline=1, target=2, target_on=date.today(), owner=owner, by=owner
    )
    action = {"plan": plan, "owner": owner, "due_on": date.today(), "by": owner}
    first = services.plan_action_add(description="Call", **action)
    services.plan_action_add(description="Write", **action)
    services.plan_action_complete(action=first, completed_on=date.today(), by=owner)
    services.plan_action_add(description="Call", **action)  # once more, the first being done
    assert PlanAction.objects.filter(plan=plan).count() == 3


def any_topic() -> str:
    return next(value for value, _ in PlanForm().fields["topic"].choices if value)

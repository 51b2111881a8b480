"""A completed self-assessment review, its samples and the checklist version it was scored against,
and a closed plan's actions and notes are frozen in Django admin as in the services."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from quality import services
from quality.models import CriterionRule, ImprovementPlan, PlanAction, PlanNote, Review, ReviewSample
from tests.cases.factories import CaseFactory
from tests.quality.factories import ImprovementPlanFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _completed_review(analyst):
    review = ReviewFactory()
    sample = ReviewSample.objects.create(review=review, criterion="enforcement", case=CaseFactory(participants=False))
    services.sample_score(sample=sample, answers={"q": True}, result="pass", by=analyst)
    services.review_complete(review=review, by=analyst)
    return review, sample


def test_admin_cannot_rescore_or_reopen_a_completed_review(make_user, role_user):
    """The review's compliance rates were reported (45 CFR 308.1(e), 308.2), so today's change freezes a
    completed review: sample_score, review_draw_sample and review_complete refuse it and the score page is
    read-only. But quality/admin.py registers Review and ReviewSample with a plain SimpleHistoryAdmin:
    an administrator can still change a sample's result from pass to fail (or delete it), or set the
    review back to draft, and the reported rate no longer matches the record behind it. Who is hurt: the
    State (the self-assessment report it filed with OCSE no longer reproduces from the record); an
    auditor. Cause: quality/admin.py ReviewAdmin / ReviewSampleAdmin (no has_change_permission /
    has_delete_permission for a completed review, as core.admin.ReadOnlyAdmin gives Snapshot)."""
    analyst = make_user("quality_analyst")
    review, sample = _completed_review(analyst)
    request = RequestFactory().get("/admin/")
    request.user = role_user("administrator")
    sample_admin = admin.site._registry[ReviewSample]
    review_admin = admin.site._registry[Review]
    editable = {
        "change sample": sample_admin.has_change_permission(request, sample),
        "delete sample": sample_admin.has_delete_permission(request, sample),
        "change review": review_admin.has_change_permission(request, review),
        "delete review": review_admin.has_delete_permission(request, review),
    }
    assert not any(editable.values()), f"a completed review is still editable in admin: {editable}"


def test_admin_cannot_edit_in_place_the_checklist_a_completed_review_was_scored_against(make_user, role_user):
    """criterion_rule_revise says "versions are never edited in place" and refuses a version starting
    on or before a completed review's period end: the answers are keyed by the question's text. The
    CriterionRule admin (quality/admin.py CriterionRuleAdmin, a plain SimpleHistoryAdmin) edits any
    version's checklist in place, including the one the completed review read, so its answers no
    longer match any question shown. Who is hurt: the auditor re-reading the reported review. Cause:
    quality/admin.py CriterionRuleAdmin (no read-only for versions in force for a completed review)."""
    analyst = make_user("quality_analyst")
    review, _ = _completed_review(analyst)
    from quality import selectors

    rule = selectors.criterion_rules(on=review.period_end).get("enforcement")
    if rule is None:
        rule = CriterionRule.objects.filter(criterion="enforcement").order_by("-effective_from").first()
    assert rule is not None
    request = RequestFactory().get("/admin/")
    request.user = role_user("administrator")
    rule_admin = admin.site._registry[CriterionRule]
    readonly = set(rule_admin.get_readonly_fields(request, rule))
    assert not rule_admin.has_change_permission(request, rule) or "checklist" in readonly, (
        "the checklist a completed review was scored against can be rewritten in place in admin"
    )


def _admin_request(role_user):
    request = RequestFactory().get("/admin/")
    request.user = role_user("administrator")
    return request


def test_a_closed_plans_actions_and_notes_are_read_only_in_admin(make_user, role_user):
    # given: a closed plan with an action and a note
    owner = make_user("quality_analyst")
    plan = ImprovementPlanFactory(owner=owner)
    action = services.plan_action_add(
        plan=plan, description="Call every NCP", owner=owner, due_on=date(2027, 1, 5), by=owner
    )
    note = services.plan_note_add(plan=plan, text="Started in Albany", by=owner)
    services.plan_close(plan=plan, by=owner)
    request = _admin_request(role_user)
    # then
    for model, row in ((ImprovementPlan, plan), (PlanAction, action), (PlanNote, note)):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request, row), model.__name__
        assert not model_admin.has_delete_permission(request, row), model.__name__
        assert model_admin.has_view_permission(request, row), model.__name__


def test_an_open_review_and_plan_stay_editable_in_admin(make_user, role_user):
    owner = make_user("quality_analyst")
    review, plan = ReviewFactory(), ImprovementPlanFactory(owner=owner)
    request = _admin_request(role_user)
    assert admin.site._registry[Review].has_change_permission(request, review)
    assert admin.site._registry[ImprovementPlan].has_change_permission(request, plan)


def test_admin_adds_no_sample_to_a_completed_review(make_user, role_user):
    analyst = make_user("quality_analyst")
    review, _ = _completed_review(analyst)
    request = _admin_request(role_user)
    sample = ReviewSample(review=review, criterion="enforcement", case=CaseFactory(participants=False))
    with pytest.raises(PermissionDenied):
        admin.site._registry[ReviewSample].save_model(request, sample, form=None, change=False)
    assert review.samples.count() == 1

from datetime import date

import pytest
from django.urls import reverse

from core.models import DomainEvent
from quality import services
from quality.models import Expenditure, PlanAction, Review
from tests.cases.factories import CaseFactory

from .factories import ImprovementPlanFactory, PlanActionFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"), [("quality_analyst", 200), ("coordinator", 200), ("caseworker", 403), ("trainer", 403)]
)
def test_dashboard_access(db, client_as, role, status):
    assert client_as(role).get(reverse("quality:dashboard")).status_code == status


def test_coordinator_reads_but_cannot_record_expenditures(db, client_as):
    client = client_as("coordinator")
    assert client.get(reverse("quality:expenditure_list")).status_code == 200
    assert client.post(reverse("quality:expenditure_create"), {"fiscal_year": 2026, "amount": "5"}).status_code == 403
    assert not Expenditure.objects.exists()


def test_analyst_records_and_corrects_expenditures(db, client_as):
    client = client_as("quality_analyst")
    url = reverse("quality:expenditure_create")
    assert client.post(url, {"fiscal_year": 2026, "amount": "1000.00"}).status_code == 302
    assert client.post(url, {"fiscal_year": 2026, "amount": "1200.50"}).status_code == 302
    assert Expenditure.objects.get().amount == 1200.50
    bad = client.post(url, {"fiscal_year": 2026, "amount": "1.001"})
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors


def test_dashboard_served_from_the_snapshot_links_to_cases(office, client_as, django_assert_max_num_queries):
    services.snapshot_take(taken_on=date(2026, 9, 30))
    client = client_as("quality_analyst")
    client.get(reverse("quality:dashboard"))  # warm the session
    with django_assert_max_num_queries(13):  # + the incentive table in force (legal rows)
        response = client.get(reverse("quality:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("quality:drilldown", args=[2026, "no_order"]) in body
    assert "60.00" in body  # orders


def test_dashboard_as_of_an_earlier_snapshot(office, client_as):
    services.snapshot_take(taken_on=date(2026, 6, 30))
    services.snapshot_take(taken_on=date(2026, 9, 30))
    response = client_as("coordinator").get(reverse("quality:dashboard"), {"as_of": "2026-07-01"})
    assert response.context["snapshot"].taken_on == date(2026, 6, 30)
    assert client_as("coordinator").get(reverse("quality:dashboard"), {"as_of": "not-a-date"}).status_code == 404


def test_ocse157_page_and_drilldown_with_csv(office, client_as):
    client = client_as("quality_analyst")
    page = client.get(reverse("quality:ocse157"), {"fiscal_year": 2026})
    assert page.status_code == 200
    assert reverse("quality:drilldown", args=[2026, "24"]) in page.content.decode()
    drill = client.get(reverse("quality:drilldown", args=[2026, "no_order"]))
    assert [c.case_number for c in drill.context["object_list"]] == ["NY-000005", "NY-000007"]
    csv = client.get(reverse("quality:drilldown", args=[2026, "unpaid_current"]), {"format": "csv"})
    text = b"".join(csv.streaming_content).decode()
    assert text.splitlines()[0].startswith("case_number,county")
    assert "NY-000001,Albany,caseworker_user,open,2024-01-10,,1000.00,500.00" in text  # on the cast caseload
    assert client.get(reverse("quality:drilldown", args=[2026, "nope"])).status_code == 404
    assert client.get(reverse("quality:drilldown", args=[1999, "1"])).status_code == 404
    assert client.get(reverse("quality:ocse157"), {"fiscal_year": "20x6"}).status_code == 404


def test_drilldown_filters_by_county(office, client_as):
    drill = client_as("coordinator").get(reverse("quality:drilldown", args=[2026, "1"]), {"county": "Queens"})
    assert {c.case_number for c in drill.context["object_list"]} == {"NY-000003", "NY-000004", "NY-000005"}


@pytest.mark.parametrize("rows", [1, 30])
def test_drilldown_query_count_holds_for_one_and_many(db, client_as, django_assert_max_num_queries, rows):
    for _ in range(rows):
        CaseFactory(participants=False)
    client = client_as("quality_analyst")
    client.get(reverse("quality:drilldown", args=[2026, "1"]))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("quality:drilldown", args=[2026, "1"]))
    assert len(response.context["object_list"]) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_plan_and_review_lists_query_counts(db, client_as, make_user, django_assert_max_num_queries, rows):
    owner = make_user("quality_analyst")
    for _ in range(rows):
        PlanActionFactory(owner=owner, plan=ImprovementPlanFactory(owner=owner))
        ReviewFactory()
    client = client_as("quality_analyst")
    for name in ("quality:plan_list", "quality:review_list", "quality:goal_list", "quality:expenditure_list"):
        client.get(reverse(name))
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200


def test_overdue_actions_are_flagged(db, client_as, make_user):
    owner = make_user("quality_analyst")
    plan = ImprovementPlanFactory(owner=owner)
    PlanActionFactory(plan=plan, owner=owner, due_on=date(2020, 1, 1))
    PlanActionFactory(plan=plan, owner=owner, due_on=date(2099, 1, 1))
    response = client_as("quality_analyst").get(reverse("quality:plan_detail", args=[plan.pk]))
    assert len(response.context["overdue"]) == 1
    listing = client_as("quality_analyst").get(reverse("quality:plan_list"))
    assert listing.context["object_list"][0].overdue == 1


def test_plan_actions_and_notes_via_post_only(db, client_as, make_user):
    owner = make_user("quality_analyst")
    plan = ImprovementPlanFactory(owner=owner)
    client = client_as("quality_analyst")
    add = reverse("quality:plan_action_add", args=[plan.pk])
    assert client.get(add).status_code == 405
    response = client.post(add, {"description": "Call employers", "owner": owner.pk, "due_on": "2026-12-31"})
    assert response.url == reverse("quality:plan_detail", args=[plan.pk])
    action = PlanAction.objects.get(plan=plan)
    client.post(reverse("quality:action_complete", args=[action.pk]))
    action.refresh_from_db()
    assert action.completed_on is not None
    response = client.post(reverse("quality:plan_note_add", args=[plan.pk]), {"text": "Hearings booked."})
    assert response.url == reverse("quality:plan_detail", args=[plan.pk])
    assert plan.notes.count() == 1
    # Each is recorded on the plan's timeline (saved_with_event(about=plan)), not on the row's own.
    events = DomainEvent.objects.filter(verb__startswith="quality.plan_").order_by("id")
    assert [(e.verb, e.subject_id, e.subject_type.model) for e in events] == [
        ("quality.plan_action_added", plan.pk, "improvementplan"),
        ("quality.plan_action_completed", plan.pk, "improvementplan"),
        ("quality.plan_note_added", plan.pk, "improvementplan"),
    ]
    assert (
        client_as("coordinator").post(reverse("quality:plan_note_add", args=[plan.pk]), {"text": "x"}).status_code
        == 403
    )


def test_review_export_csv(db, client_as, make_user):
    review = ReviewFactory()
    case = CaseFactory(participants=False, interstate_role="initiating")
    services.review_draw_sample(review=review)
    sample = review.samples.get(case=case, criterion="interstate")
    services.sample_score(
        sample=sample, answers={"q": False}, result="fail", notes="late referral", by=make_user("quality_analyst")
    )
    response = client_as("coordinator").get(reverse("quality:review_export", args=[review.pk]))
    text = b"".join(response.streaming_content).decode()
    assert f"Interstate services,75.00,0.00,{case.case_number}" in text and "late referral" in text


def test_a_new_review_and_its_sample_draw_lead_to_the_review_page(db, client_as):
    client = client_as("quality_analyst")
    data = {"title": "FY26 Q1", "period_start": "2026-01-01", "period_end": "2026-03-31", "sample_size": 5, "seed": 7}
    response = client.post(reverse("quality:review_create"), data)
    review = Review.objects.get(title="FY26 Q1")
    assert response.url == reverse("quality:review_detail", args=[review.pk])
    response = client.post(reverse("quality:review_sample", args=[review.pk]))
    assert response.url == reverse("quality:review_detail", args=[review.pk])

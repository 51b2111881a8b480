"""Irreversible actions ask first and never repeat (issue 14.5): cancelling a training session or
an enrolment, marking a work item done, sending a survey, closing a case (issuing an enforcement
notice: tests/enforcement/test_notice_issue.py). A GET or an unconfirmed POST asks and changes
nothing; a confirmed POST acts once; a repeat does nothing more; roles without the right get 403."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from cases.choices import WorkItemStatus
from core.models import DomainEvent
from outreach import services as outreach_services
from outreach.models import SurveyInvitation, SurveyInvitee
from tests.cases.factories import CaseFactory, WorkItemFactory
from tests.outreach.factories import EventFactory, SurveyFactory
from tests.training.factories import CourseFactory, SessionFactory
from training.services import enrolment_create

pytestmark = pytest.mark.django_db


def _asks(response) -> bool:
    return response.status_code == 200 and b'name="confirmed" value="yes"' in response.content


def test_cancelling_a_session_asks_first_then_acts_once(client_as):
    session = SessionFactory(course=CourseFactory())
    url = reverse("training:session_cancel", args=[session.pk])
    trainer = client_as("trainer")
    assert _asks(trainer.get(url)) and _asks(trainer.post(url))
    session.refresh_from_db()
    assert session.status != "cancelled"
    trainer.post(url, {"confirmed": "yes"})
    trainer.post(url, {"confirmed": "yes"})  # again: refused by the service, nothing repeats
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert DomainEvent.objects.filter(subject_id=session.pk, verb__icontains="cancel").count() == 1


def test_cancelling_an_enrolment_asks_first(client_as, role_user):
    user = role_user("caseworker")
    enrolment = enrolment_create(session=SessionFactory(), user=user, by=user)
    url = reverse("training:enrolment_cancel", args=[enrolment.pk])
    client = client_as("caseworker")
    page = client.get(url)
    assert _asks(page) and b"your place" in page.content
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    client.post(url, {"confirmed": "yes"})
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled"


def test_marking_a_work_item_done_asks_first_and_records_once(client_as, role_user):
    worker = role_user("caseworker")
    item = WorkItemFactory(case=CaseFactory(caseworker=worker), assigned_to=worker)
    url = reverse("cases:workitem_complete", args=[item.pk])
    client = client_as("caseworker")
    assert _asks(client.post(url, {"next": f"/cases/{item.case.case_number}/"}))
    item.refresh_from_db()
    assert item.status == WorkItemStatus.OPEN
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert client.post(url, {"confirmed": "yes"}).status_code == 302  # a double click
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    assert DomainEvent.objects.filter(verb="work_item.done", subject_id=item.pk).count() == 1


def test_work_item_done_refused_to_a_trainer(client_as):
    item = WorkItemFactory()
    assert client_as("trainer").get(reverse("cases:workitem_complete", args=[item.pk])).status_code == 403


def test_closing_a_case_needs_the_confirmation_tick(client_as, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    url = reverse("cases:case_close", kwargs={"case_number": case.case_number})
    page = client_as("caseworker").post(url, {"reason": "recipient_request"})
    assert page.status_code == 200 and b"Tick to confirm" in page.content
    case.refresh_from_db()
    assert case.is_open


def test_sending_a_survey_asks_first_and_resends_only_to_the_new(
    client_as, role_user, django_capture_on_commit_callbacks
):
    event = EventFactory()
    answered = outreach_services.registration_add(event=event, name="A", email="a@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    url = reverse("outreach:survey_invite", args=[survey.pk])
    client = client_as("outreach")
    page = client.get(url)
    assert _asks(page) and b"1 attendee(s)" in page.content
    assert SurveyInvitation.objects.count() == 0  # asking sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirmed": "yes"})
    # the first attendee answers; more attend later (a later send waits for LATE_BATCH_MIN of them,
    # so that no answer can be told apart within a batch of one)
    invitation = SurveyInvitation.objects.get()
    later = [
        outreach_services.registration_add(event=event, name=f"B{i}", email=f"b{i}@mail.example", walk_in=True)
        for i in range(outreach_services.LATE_BATCH_MIN)
    ]
    assert f"{len(later)} attendee(s)".encode() in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirmed": "yes"})
        client.post(url, {"confirmed": "yes"})  # and again: nobody new
    assert mail.outbox[0].to == [answered.email]
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted(r.email for r in later)
    assert SurveyInvitee.objects.filter(registration=answered).count() == 1
    assert all(SurveyInvitee.objects.filter(registration=r).count() == 1 for r in later)
    assert SurveyInvitation.objects.count() == 1 + len(later)
    assert SurveyInvitation.objects.filter(pk=invitation.pk).exists()


def test_database_holds_one_invitation_per_attendee(db):
    from django.db import IntegrityError, transaction

    event = EventFactory()
    reg = outreach_services.registration_add(event=event, name="A", email="a@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    SurveyInvitee.objects.create(survey=survey, registration=reg)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyInvitee.objects.create(survey=survey, registration=reg)


def test_sending_a_survey_refused_to_a_caseworker(client_as):
    survey = SurveyFactory(event=EventFactory())
    assert client_as("caseworker").get(reverse("outreach:survey_invite", args=[survey.pk])).status_code == 403


def test_an_improvement_plan_is_closed_from_its_page_after_asking(client_as, role_user):
    from quality.choices import PlanStatus
    from quality.models import ImprovementPlan
    from tests.quality.factories import ImprovementPlanFactory

    plan = ImprovementPlanFactory()
    url = reverse("quality:plan_close", args=[plan.pk])
    client = client_as("quality_analyst")
    assert _asks(client.get(url))
    assert ImprovementPlan.objects.get(pk=plan.pk).status != PlanStatus.CLOSED
    client.post(url, {"confirmed": "yes"})
    client.post(url, {"confirmed": "yes"})
    assert ImprovementPlan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED
    assert DomainEvent.objects.filter(verb="quality.plan_closed", subject_id=plan.pk).count() == 1
    assert client_as("caseworker").get(url).status_code == 403

"""Survey answers are "anonymous unless you write your name" (the invitation e-mail), and the
links name nobody now. But an attendee added after the first send is sent their link alone
("sending again sends only to attendees added since"): their link is the only one of its batch
(its id and created_at after the first batch's, the ``outreach.survey_attendees_invited`` event
of "1 invited", the one SurveyInvitee row added then), so staff reading the response's invitation
know whose answers they are.

Fixed: a send after the first goes out only when ``LATE_BATCH_MIN`` attendees are waiting, so a
later batch is never smaller than that (docs/outreach.md, "Anonymity")."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from outreach import services
from outreach.choices import QuestionKind
from outreach.models import SurveyInvitation, SurveyInvitee, SurveyResponse
from tests.outreach.factories import EventFactory, SurveyFactory, SurveyQuestionFactory

pytestmark = pytest.mark.django_db


def test_a_late_attendees_answer_cannot_be_told_from_the_others(outreach_user, django_capture_on_commit_callbacks):
    event = EventFactory()
    for name in ("Rosa Díaz", "Ann Lee", "Bo Chan"):
        services.registration_add(event=event, name=name, email=f"{name.split()[0].lower()}@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    question = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_attendees(survey=survey, by=outreach_user)
    first_batch = set(SurveyInvitation.objects.values_list("pk", flat=True))
    # a walk-in added later: not sent their link alone (services.LATE_BATCH_MIN), nothing written
    late = services.registration_add(event=event, name="Zed Late", email="zed@mail.example", walk_in=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 0
    assert not mail.outbox and SurveyInvitee.objects.count() == 3 and len(first_batch) == 3
    # once LATE_BATCH_MIN are waiting, they are sent together
    for name in ("Cy Two", "Di Three", "Ed Four"):
        services.registration_add(event=event, name=name, email=f"{name.split()[0].lower()}@mail.example", walk_in=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 0  # four waiting
        services.registration_add(event=event, name="Fay Five", email="fay@mail.example", walk_in=True)
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == services.LATE_BATCH_MIN == 5
    (message,) = [m for m in mail.outbox if m.to == ["zed@mail.example"]]
    token = re.search(r"/outreach/feedback/([^/\s]+)/", message.body).group(1)
    services.survey_response_submit(token=token, answers={question.pk: 1})
    # what staff can read: the response's link was not in the first batch; the one invitee added
    # with the second batch is Zed
    response = SurveyResponse.objects.get()
    later_invitees = SurveyInvitee.objects.exclude(
        pk__in=SurveyInvitee.objects.order_by("pk").values_list("pk", flat=True)[:3]
    )
    identified = response.invitation_id not in first_batch and list(
        later_invitees.values_list("registration", flat=True)
    ) == [late.pk]
    assert not identified, "the late attendee's answers are tied to them by their batch of one"


def test_staff_are_told_late_attendees_wait_for_a_batch(client, outreach_user, django_capture_on_commit_callbacks):
    # given: the survey sent to the event's attendees, then two walk-ins added
    event = EventFactory()
    for name in ("Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gus"):
        services.registration_add(event=event, name=name, email=f"{name.lower()}@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 7
    for name in ("Hal", "Ivy"):
        services.registration_add(event=event, name=name, email=f"{name.lower()}@mail.example", walk_in=True)
    mail.outbox.clear()
    client.force_login(outreach_user)
    url = reverse("outreach:survey_invite", kwargs={"pk": survey.pk})
    # when: staff open the send and confirm it
    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"confirmed": "yes"}, follow=True)
    # then: told that the two wait for five, nothing sent or written
    assert "2 attendee(s) added since the survey was sent are waiting" in page
    assert "No links e-mailed: 2 attendee(s) wait until 5 are waiting" in answer.content.decode()
    assert not mail.outbox and SurveyInvitee.objects.count() == SurveyInvitation.objects.count() == 7


def test_the_first_send_goes_to_every_attendee_however_few(outreach_user, django_capture_on_commit_callbacks):
    event = EventFactory()
    services.registration_add(event=event, name="Only One", email="one@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 1
    assert [m.to for m in mail.outbox] == [["one@mail.example"]]

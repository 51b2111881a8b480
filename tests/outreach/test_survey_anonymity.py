"""The survey invitation e-mail promises "Your answers are anonymous unless you write your name":
nothing on file leads from a response to the attendee (``SurveyInvitation`` names nobody; who was
sent a link is kept apart, ``SurveyInvitee``), while links stay single-use and sending again skips
whoever was sent one.

Red team (rtletters): each response kept its invitation and the invitation its registration, so
every score stayed tied to the attendee's name and e-mail address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from outreach import selectors, services
from outreach.choices import QuestionKind
from outreach.models import Registration, SurveyAnswer, SurveyInvitation, SurveyInvitee, SurveyResponse
from tests.outreach.factories import EventFactory, SurveyFactory, SurveyQuestionFactory

pytestmark = pytest.mark.django_db


def _leads_to_a_registration(model) -> bool:
    return any(f.related_model is Registration for f in model._meta.get_fields())


def test_an_answer_to_an_emailed_survey_is_not_tied_to_the_attendee(outreach_user, django_capture_on_commit_callbacks):
    # given: Rosa attended and is e-mailed a link
    event = EventFactory()
    rosa = services.registration_add(event=event, name="Rosa Díaz", email="rosa@mail.example", walk_in=True)
    survey = SurveyFactory(event=event)
    question = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_attendees(survey=survey, by=outreach_user)
    (message,) = mail.outbox
    assert "Your answers are anonymous" in message.body
    token = re.search(r"/outreach/feedback/([^/\s]+)/", message.body).group(1)
    # when: she answers
    response = services.survey_response_submit(token=token, answers={question.pk: 1})
    # then: nothing from her answer (its response, its link) leads to her registration
    assert not any(_leads_to_a_registration(m) for m in (SurveyAnswer, SurveyResponse, SurveyInvitation))
    assert SurveyResponse.objects.get().invitation.used_at is not None
    # the link works once, the response is counted, and sending again skips her
    with pytest.raises(ValidationError, match="already been used"):
        services.survey_response_submit(token=token, answers={question.pk: 5})
    assert selectors.survey_results(survey=survey)["responses"] == 1 and response.survey == survey
    assert list(SurveyInvitee.objects.values_list("registration", flat=True)) == [rosa.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 0

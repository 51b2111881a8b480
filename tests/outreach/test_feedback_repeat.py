"""The public feedback (survey) form sent twice: the same answers again a moment later are thanked
again, not refused as a used link (outreach.services.survey_response_submit)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import DomainEvent
from outreach.models import SurveyResponse
from tests.outreach.test_views import feedback_link  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_a_double_clicked_feedback_form_thanks_the_respondent_not_refuses_them(client, feedback_link):  # noqa: F811
    """A parent who came to the outreach forum opens the feedback link, answers and double-clicks
    "Send" (or the phone's browser resends the POST on a slow connection). The first POST stores the
    response; the second — the one whose answer the browser shows — is answered 404 "This feedback
    link is not valid or has already been used". The parent is told their feedback was refused
    (the response was in fact kept), and may give up or write in to complain. The public complaint
    form answers the same form sent again with its confirmation (complaints.services
    complaint_file_public: "a double click, a browser retry ... files nothing and returns the
    complaint it filed"); this public form does not. Who is hurt: the member of the public; the
    office (a false "link not valid" report). Cause: outreach/services.py survey_response_submit and
    outreach/views.py FeedbackFormView.post (a used token is refused whatever was sent)."""
    survey, rating, text, url = feedback_link
    answers = {f"q_{rating.pk}": "4", f"q_{text.pk}": "Very helpful, thank you"}
    first = client.post(url, answers)
    second = client.post(url, answers)  # the double click: the same answers again
    assert first.status_code == 302 and SurveyResponse.objects.filter(survey=survey).count() == 1
    assert second.status_code == 302, f"the same answers again were answered {second.status_code}: link not valid"
    assert second.url == first.url
    assert DomainEvent.objects.filter(verb="outreach.feedback_received").count() == 1


def test_the_same_answers_long_after_are_refused_as_a_used_link(client, feedback_link):  # noqa: F811
    survey, rating, text, url = feedback_link
    answers = {f"q_{rating.pk}": "4", f"q_{text.pk}": "Very helpful"}
    assert client.post(url, answers).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert client.post(url, answers).status_code == 404
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_other_answers_sent_at_once_with_a_used_link_are_refused(client, feedback_link):  # noqa: F811
    # a used link is not a way to change (or to read back) the stored response: only the same
    # answers within the window are thanked again
    survey, rating, text, url = feedback_link
    assert client.post(url, {f"q_{rating.pk}": "4", f"q_{text.pk}": "Very helpful"}).status_code == 302
    assert client.post(url, {f"q_{rating.pk}": "1", f"q_{text.pk}": "Changed my mind"}).status_code == 404
    stored = SurveyResponse.objects.get(survey=survey)
    assert set(stored.answers.values_list("rating", "text")) == {(4, ""), (None, "Very helpful")}

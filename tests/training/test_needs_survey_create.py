"""Trainers create a needs survey with its topics and change its dates: roles, bad input, a form
sent twice, a page opened before a colleague's change, the results of a survey no one answered."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import DomainEvent
from training.models import NeedsSurvey, NeedsTopic
from training.services import needs_response_submit, needs_survey_create

from .factories import REFUSED_ROLES, NeedsSurveyFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def survey_post(**overrides) -> dict:
    return {
        "title": "Training needs 2027",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + timedelta(days=14)).isoformat(),
        "topics": "Interstate cases (UIFSA)\r\n\r\nBank levies and FIDM\r\n  Difficult   conversations ",
        **overrides,
    }


def test_trainer_creates_a_survey_staff_can_answer(client_as, role_user):
    client = client_as("trainer")
    assert client.get(reverse("training:needs_create")).status_code == 200
    response = client.post(reverse("training:needs_create"), survey_post())
    survey = NeedsSurvey.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:needs_respond", args=[survey.pk])
    assert list(survey.topics.values_list("title", flat=True)) == [
        "Interstate cases (UIFSA)",
        "Bank levies and FIDM",
        "Difficult conversations",
    ]
    event = DomainEvent.objects.get(verb="training.needs_survey_created")
    assert event.actor == role_user("trainer") and len(event.data["topics"]) == 3
    # a caseworker answers it
    cw = client_as("caseworker")
    page = cw.get(reverse("training:needs_respond", args=[survey.pk])).content.decode()
    assert "Bank levies and FIDM" in page
    topics = list(survey.topics.all())
    cw.post(
        reverse("training:needs_respond", args=[survey.pk]),
        {f"topic_{t.pk}": str(n) for n, t in enumerate(topics, start=3)},
    )
    assert survey.responses.count() == 1


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_cannot_create_or_change_a_survey(client_as, role):
    survey = NeedsSurveyFactory()
    client = client_as(role)
    assert client.get(reverse("training:needs_create")).status_code == 403
    assert client.post(reverse("training:needs_create"), survey_post()).status_code == 403
    url = reverse("training:needs_update", args=[survey.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "opens_on": TODAY, "closes_on": TODAY}).status_code == 403
    assert NeedsSurvey.objects.count() == 1
    assert "New survey" not in client.get(reverse("training:needs_list")).content.decode()


def test_trainer_of_no_county_creates_a_survey(client, make_user):
    client.force_login(make_user("trainer", username="countyless_trainer", county=""))
    assert client.post(reverse("training:needs_create"), survey_post()).status_code == 302
    assert NeedsSurvey.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"topics": " \r\n "}, "This field is required"),
        ({"topics": "Levies\nlevies"}, "listed twice"),
        ({"topics": "x" * 201}, "at most 200 characters"),
        ({"topics": "\n".join(f"Topic {n}" for n in range(41))}, "at most 40 topics"),
        ({"title": ""}, "This field is required"),
        ({"closes_on": (TODAY - timedelta(days=1)).isoformat()}, "close on or after the day it opens"),
        (
            {"opens_on": (TODAY - timedelta(days=9)).isoformat(), "closes_on": (TODAY - timedelta(days=1)).isoformat()},
            "would already be closed",
        ),
        ({"opens_on": "1800-01-01"}, "1900"),
        ({"closes_on": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_survey_input_changes_nothing(client_as, overrides, message):
    response = client_as("trainer").post(reverse("training:needs_create"), survey_post(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not NeedsSurvey.objects.exists() and not NeedsTopic.objects.exists()
    assert not DomainEvent.objects.filter(verb="training.needs_survey_created").exists()


def test_survey_sent_twice_is_created_once(client_as):
    client = client_as("trainer")
    assert client.post(reverse("training:needs_create"), survey_post()).status_code == 302
    response = client.post(reverse("training:needs_create"), survey_post())
    assert response.status_code == 200 and "This survey was just created" in response.content.decode()
    assert NeedsSurvey.objects.count() == 1 and NeedsTopic.objects.count() == 3


def test_the_service_refuses_no_topics(role_user):
    with pytest.raises(ValidationError, match="at least one topic"):
        needs_survey_create(title="T", opens_on=TODAY, closes_on=TODAY, topics=["", "  "], by=role_user("trainer"))
    assert not NeedsSurvey.objects.exists()


def test_results_of_a_new_survey_with_no_answers(client_as, role_user):
    survey = needs_survey_create(
        title="Fresh", opens_on=TODAY, closes_on=TODAY, topics=["Levies", "UIFSA"], by=role_user("trainer")
    )
    response = client_as("coordinator").get(reverse("training:needs_results", args=[survey.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "0 responses." in page and "Levies" in page and "UIFSA" in page and "None." in page


def test_trainer_closes_a_survey_early(client_as, role_user):
    survey = NeedsSurveyFactory(opens_on=TODAY - timedelta(days=5), closes_on=TODAY + timedelta(days=20))
    client = client_as("trainer")
    url = reverse("training:needs_update", args=[survey.pk])
    form = client.get(url).context["form"]
    post = {
        "title": survey.title,
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": (TODAY - timedelta(days=1)).isoformat(),
        "shown": form["shown"].value(),
    }
    assert client.post(url, post).status_code == 302
    survey.refresh_from_db()
    assert not survey.is_open_on(TODAY)
    assert DomainEvent.objects.filter(verb="training.needs_survey_changed").count() == 1
    with pytest.raises(ValidationError, match="not open"):
        needs_response_submit(survey=survey, respondent=role_user("caseworker"), priorities={})


def test_dates_out_of_order_on_the_edit_page_change_nothing(client_as):
    survey = NeedsSurveyFactory()
    client = client_as("trainer")
    url = reverse("training:needs_update", args=[survey.pk])
    shown = client.get(url).context["form"]["shown"].value()
    response = client.post(
        url,
        {"title": survey.title, "opens_on": TODAY.isoformat(), "closes_on": "2000-01-01", "shown": shown},
    )
    assert "close on or after the day it opens" in response.content.decode()
    survey.refresh_from_db()
    assert survey.closes_on == TODAY + timedelta(days=25)


def test_edit_page_keeps_a_colleagues_change_and_refuses_a_clash(client_as):
    survey = NeedsSurveyFactory(title="Needs", closes_on=TODAY + timedelta(days=25))
    client = client_as("trainer")
    url = reverse("training:needs_update", args=[survey.pk])
    shown = client.get(url).context["form"]["shown"].value()
    # a colleague renames the survey meanwhile
    NeedsSurvey.objects.filter(pk=survey.pk).update(title="Needs (renamed)")
    later = (TODAY + timedelta(days=40)).isoformat()
    post = {"title": "Needs", "opens_on": survey.opens_on.isoformat(), "closes_on": later, "shown": shown}
    assert client.post(url, post).status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.closes_on.isoformat()) == ("Needs (renamed)", later)
    # both change the closing date: refused
    shown = client.get(url).context["form"]["shown"].value()
    NeedsSurvey.objects.filter(pk=survey.pk).update(closes_on=TODAY + timedelta(days=50))
    post = {**post, "title": survey.title, "closes_on": (TODAY + timedelta(days=60)).isoformat(), "shown": shown}
    response = client.post(url, post)
    assert "nothing was saved" in response.content.decode()
    survey.refresh_from_db()
    assert survey.closes_on == TODAY + timedelta(days=50)


def test_new_survey_link_for_a_trainer(client_as):
    page = client_as("trainer").get(reverse("training:needs_list")).content.decode()
    assert reverse("training:needs_create") in page

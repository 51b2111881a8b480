"""Trainer pages: courses, scheduling, enrolling others, recording completions, reminders read."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.models import DomainEvent
from training.models import Course, CourseCompletion, Enrolment, TrainingReminder, TrainingSession
from training.services import compliance_reminders_send

from .factories import CourseFactory, SessionFactory, UserFactory, basics_course, session_form_data

pytestmark = pytest.mark.django_db


def course_data(**overrides):
    data = {
        "code": "new-course",
        "title": "Locate sources",
        "level": "local",
        "description": "",
        "policy_references": "45 CFR 303.3",
        "audience_roles": ["caseworker"],
        "duration_minutes": "60",
        "requirement": "recurring",
        "recurrence_months": "24",
        "passing_score": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_trainer_creates_a_recurring_course(client_as):
    response = client_as("trainer").post(reverse("training:course_create"), course_data())
    course = Course.objects.get(code="new-course")
    assert response.status_code == 302 and response.url == reverse("training:course_detail", args=[course.pk])
    assert (course.recurrence_months, course.audience_roles) == (24, ["caseworker"])
    assert DomainEvent.objects.filter(verb="training.course_created").exists()


def test_recurring_course_needs_months(client_as):
    response = client_as("trainer").post(reverse("training:course_create"), course_data(recurrence_months=""))
    assert response.status_code == 200 and not Course.objects.filter(code="new-course").exists()


def test_only_trainers_edit_courses(client_as):
    url = reverse("training:course_update", args=[basics_course().pk])
    assert client_as("coordinator").get(url).status_code == 403
    assert client_as("caseworker").post(url, course_data()).status_code == 403
    assert client_as("trainer").get(url).status_code == 200


def test_schedule_a_session_needs_a_place_or_a_link_and_an_end_after_start(client_as, role_user):
    data = session_form_data(role_user("trainer"), location="")
    client = client_as("trainer")
    assert client.post(reverse("training:session_create"), data).status_code == 200
    bad_end = {**data, "location": "Room 1", "ends_at": data["starts_at"]}
    assert client.post(reverse("training:session_create"), bad_end).status_code == 200
    assert (
        client.post(reverse("training:session_create"), {**data, "capacity": "0", "location": "R"}).status_code == 200
    )
    assert not TrainingSession.objects.exists()
    response = client.post(reverse("training:session_create"), {**data, "online_url": "meet.example.gov/x"})
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:session_detail", args=[session.pk])
    assert session.online_url == "https://meet.example.gov/x"
    assert client_as("caseworker").post(reverse("training:session_create"), data).status_code == 403


def test_trainer_enrols_someone_else_and_sees_the_roster(client_as):
    session = SessionFactory()
    person = UserFactory(username="someone")
    from django.contrib.auth.models import Group

    person.groups.add(Group.objects.get(name="caseworker"))
    client = client_as("trainer")
    client.post(reverse("training:session_enrol_other", args=[session.pk]), {"user": person.pk})
    assert Enrolment.objects.get(session=session).user == person
    page = client.get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert "Mark First" in page or str(person) in page
    # the caseworker sees the session but not the roster
    page = client_as("caseworker").get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert str(person) not in page


def test_record_completion_outside_a_session_refuses_future_dates(client_as, role_user):
    person = role_user("caseworker")
    url = reverse("training:completion_record")
    client = client_as("trainer")
    future = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(url, {"user": person.pk, "course": basics_course().pk, "completed_on": future})
    assert response.status_code == 200 and not CourseCompletion.objects.exists()
    response = client.post(
        url, {"user": person.pk, "course": basics_course().pk, "completed_on": date.today().isoformat(), "score": "77"}
    )
    assert response.status_code == 302 and CourseCompletion.objects.get().score == 77
    assert client_as("coordinator").get(url).status_code == 403


def test_a_double_clicked_completion_outside_a_session_is_recorded_once(client_as, role_user):
    person = role_user("caseworker")
    url = reverse("training:completion_record")
    client = client_as("trainer")
    data = {"user": person.pk, "course": basics_course().pk, "completed_on": date.today().isoformat(), "score": "77"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200 and b"This completion was already recorded" in second.content
    assert CourseCompletion.objects.filter(user=person).count() == 1


def test_reminders_show_on_my_training_and_can_be_marked_read(client_as, role_user):
    role_user("caseworker")
    compliance_reminders_send()
    client = client_as("caseworker")
    page = client.get(reverse("training:my_training")).content.decode()
    assert "Reminders" in page
    assert client.get(reverse("training:reminders_read")).status_code == 405
    client.post(reverse("training:reminders_read"))
    assert TrainingReminder.objects.filter(read_at__isnull=True).count() == 0


def test_dashboard_counts_and_last_run(client_as, role_user):
    role_user("caseworker")
    compliance_reminders_send()
    page = client_as("trainer").get(reverse("training:dashboard")).content.decode()
    assert "Last reminder run" in page and basics_course().title in page
    assert client_as("caseworker").get(reverse("training:dashboard")).status_code == 403


def test_cancel_session_by_trainer_only(client_as):
    session = SessionFactory(course=CourseFactory())
    url = reverse("training:session_cancel", args=[session.pk])
    assert client_as("caseworker").post(url, {"confirmed": "yes"}).status_code == 403
    assert client_as("caseworker").get(url).status_code == 403
    response = client_as("trainer").post(url, {"confirmed": "yes"})
    assert response.url == reverse("training:session_detail", args=[session.pk])
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_a_stale_course_edit_keeps_what_a_colleague_changed_meanwhile(client_as):
    from tests.pages import shown_on

    course = CourseFactory(code="locate", title="Locate sources", requirement="recurring", recurrence_months=24)
    client = client_as("trainer")
    url = reverse("training:course_update", args=[course.pk])
    page = client.get(url)  # B's page: every 24 months
    Course.objects.filter(pk=course.pk).update(recurrence_months=12)  # A makes it yearly
    # B, from that page, only corrects the title (the page still says 24 months)
    sent = course_data(code="locate", title="Locating sources", recurrence_months="24")
    response = client.post(url, {**shown_on(page), **sent})
    assert response.status_code == 302, response.context["form"].errors
    course.refresh_from_db()
    assert (course.title, course.recurrence_months) == ("Locating sources", 12)

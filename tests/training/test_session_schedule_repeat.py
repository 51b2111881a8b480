"""The "Schedule a session" form sent twice (a double click, a resent POST): one session
(training.services.session_schedule, core.services.row_repeat_refuse)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import DomainEvent
from tests.training.factories import basics_course, session_form_data
from training.models import TrainingSession
from training.services import session_cancel, session_schedule

pytestmark = pytest.mark.django_db


def test_a_double_clicked_schedule_form_schedules_one_training_session(client_as, role_user):
    """A trainer double-clicks "Schedule a session". Two sessions of the same course, trainer,
    start, end and room are made: the course calendar offers both, staff enrol in one or the other
    (each with the full capacity, so the room is booked twice over), reminders and the compliance
    list count two sessions, and cancelling "the" session leaves the twin scheduled. Who is hurt:
    the trainer, the staff enrolled (a session that will never run), the coordinator reading
    training compliance. Cause: training/services.py session_schedule (no repeat check)."""
    data = session_form_data(role_user("trainer"))
    client = client_as("trainer")
    assert client.post(reverse("training:session_create"), data).status_code == 302
    again = client.post(reverse("training:session_create"), data)  # the double click
    assert TrainingSession.objects.count() == 1, "one session scheduled twice"
    assert "This session is already scheduled (" in again.content.decode()
    assert DomainEvent.objects.filter(verb="training.session_scheduled").count() == 1


def test_the_same_time_again_after_a_cancellation_or_at_another_time_is_scheduled(role_user):
    trainer = role_user("trainer")
    start = timezone.now() + timedelta(days=5)
    times = {"starts_at": start, "ends_at": start + timedelta(hours=2), "location": "Room 1"}
    first = session_schedule(course=basics_course(), trainer=trainer, capacity=12, by=trainer, **times)
    session_cancel(session=first, by=trainer)
    session_schedule(course=basics_course(), trainer=trainer, capacity=12, by=trainer, **times)
    later = {**times, "starts_at": start + timedelta(days=1), "ends_at": start + timedelta(days=1, hours=2)}
    session_schedule(course=basics_course(), trainer=trainer, capacity=12, by=trainer, **later)
    assert TrainingSession.objects.count() == 3

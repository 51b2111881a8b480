from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from tests.factory_base import ModelFactory
from training.choices import Requirement
from training.models import (
    Course,
    CourseCompletion,
    NeedsSurvey,
    NeedsTopic,
    PolicyDocument,
    PolicyVersion,
    TrainingSession,
)


class UserFactory(ModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@caseworks.example")
    unit = "Intake & Establishment"


class CourseFactory(ModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    requirement = Requirement.OPTIONAL
    duration_minutes = 90


class SessionFactory(ModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    trainer = factory.SubFactory(UserFactory, username="trainer_factory")
    capacity = 10
    location = "Training room 2"


class CompletionFactory(ModelFactory):
    class Meta:
        model = CourseCompletion

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = factory.LazyFunction(lambda: timezone.localdate())
    source = "recorded"


class NeedsSurveyFactory(ModelFactory):
    class Meta:
        model = NeedsSurvey

    title = factory.Sequence(lambda n: f"Training needs {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=25))


class NeedsTopicFactory(ModelFactory):
    class Meta:
        model = NeedsTopic

    survey = factory.SubFactory(NeedsSurveyFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")


class PolicyDocumentFactory(ModelFactory):
    class Meta:
        model = PolicyDocument

    code = factory.Sequence(lambda n: f"policy-{n}")
    title = factory.Sequence(lambda n: f"Policy {n}")


class PolicyVersionFactory(ModelFactory):
    class Meta:
        model = PolicyVersion

    document = factory.SubFactory(PolicyDocumentFactory)
    version = factory.Sequence(lambda n: f"1.{n}")
    effective_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    citations = "45 CFR 303.21"


def fti_course() -> Course:
    return Course.objects.get(is_fti_awareness=True)


def basics_course() -> Course:
    return Course.objects.get(code="program-basics")


def session_form_data(trainer: User, **overrides) -> dict:
    """The "Schedule a session" form for the program basics course, five days from now, two hours."""
    start = timezone.localtime() + timedelta(days=5)
    return {
        "course": basics_course().pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "trainer": trainer.pk,
        "capacity": "12",
        "location": "Room 1",
        "online_url": "",
        "notes": "",
        **overrides,
    }


def noon(day):
    """Noon of ``day`` in the office's time zone (for time_machine: a bare date would be UTC midnight)."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


# Roles refused the trainer's writes (surveys, policies): every staff role but trainer and administrator.
REFUSED_ROLES = [str(role) for role in Role if role not in (Role.TRAINER, Role.ADMINISTRATOR, Role.PARTNER_AGENCY)]

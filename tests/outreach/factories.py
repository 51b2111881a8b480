from datetime import timedelta

import factory
from django.utils import timezone

from outreach import models
from outreach.choices import Audience, OrganisationKind, QuestionKind
from tests.factory_base import ModelFactory


class OrganisationFactory(ModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.COMMUNITY


class ContactFactory(ModelFactory):
    class Meta:
        model = models.Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@org.example")
    wants_announcements = True


class MediaContactFactory(ModelFactory):
    class Meta:
        model = models.MediaContact

    outlet = "County Gazette"
    name = factory.Sequence(lambda n: f"Reporter {n}")
    email = factory.Sequence(lambda n: f"reporter{n}@press.example")
    wants_announcements = True


class EventFactory(ModelFactory):
    class Meta:
        model = models.Event

    title = factory.Sequence(lambda n: f"Event {n}")
    audience = Audience.COMMUNITY
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = "Main library"


class RegistrationFactory(ModelFactory):
    class Meta:
        model = models.Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@mail.example")


class MaterialFactory(ModelFactory):
    class Meta:
        model = models.Material

    title = factory.Sequence(lambda n: f"Leaflet {n}")
    audience = Audience.CUSTODIAL_PARENTS
    stock = 10


class AnnouncementFactory(ModelFactory):
    class Meta:
        model = models.Announcement

    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Office hours change next month."


class MediaInquiryFactory(ModelFactory):
    class Meta:
        model = models.MediaInquiry

    outlet = "County Gazette"
    reporter = "Erin Walsh"
    question = "How many families were helped?"
    received_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=2))


class SurveyFactory(ModelFactory):
    class Meta:
        model = models.Survey

    title = factory.Sequence(lambda n: f"Survey {n}")


class SurveyQuestionFactory(ModelFactory):
    class Meta:
        model = models.SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}")
    kind = QuestionKind.RATING


class FollowUpFactory(ModelFactory):
    class Meta:
        model = models.FollowUp

    event = factory.SubFactory(EventFactory)
    description = "Send slides"


def event_form_data(**overrides) -> dict:
    """The new outreach event form: a workshop for employers in two days, an hour long."""
    now = timezone.localtime()
    return {
        "title": "Workshop",
        "kind": "workshop",
        "audience": "employers",
        "starts_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Town hall",
        "status": "scheduled",
        **overrides,
    }

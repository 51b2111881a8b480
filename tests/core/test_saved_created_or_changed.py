"""``core.services.saved_created_or_changed``: one form adds and edits a record; the event says which."""

import pytest

from core.models import DomainEvent
from outreach import services as outreach_services
from outreach.models import MediaInquiry, Organisation
from tests.outreach.factories import MediaInquiryFactory, OrganisationFactory
from tests.training.factories import CourseFactory
from training import services as training_services
from training.models import Course

pytestmark = pytest.mark.django_db


def _save_new_then_edit(factory, model, save, field, by):
    row = factory.build()
    save(row, by)
    row = model.objects.get(pk=row.pk)
    setattr(row, field, f"{getattr(row, field)} (edited)")
    save(row, by)
    return list(DomainEvent.objects.filter(subject_id=row.pk).order_by("id").values_list("verb", flat=True))


@pytest.mark.parametrize(
    ("factory", "model", "save", "field", "verbs"),
    [
        (
            CourseFactory,
            Course,
            lambda row, by: training_services.course_save(course=row, by=by),
            "title",
            ["training.course_created", "training.course_changed"],
        ),
        (
            OrganisationFactory,
            Organisation,
            lambda row, by: outreach_services.organisation_save(organisation=row, by=by),
            "name",
            ["outreach.organisation_created", "outreach.organisation_changed"],
        ),
        (
            MediaInquiryFactory,
            MediaInquiry,
            lambda row, by: outreach_services.media_inquiry_save(inquiry=row, by=by),
            "reporter",
            ["outreach.media_inquiry_received", "outreach.media_inquiry_changed"],
        ),
    ],
    ids=["course", "organisation", "media inquiry"],
)
def test_a_new_record_is_created_then_its_edit_changed(make_user, factory, model, save, field, verbs):
    assert _save_new_then_edit(factory, model, save, field, make_user()) == verbs

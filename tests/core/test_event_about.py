"""``core.services.event_about``: an event about a record is filed on that record's case."""

import pytest

from core.services import case_of, event_about
from tests.cases.factories import CaseFactory, PersonFactory
from tests.training.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_an_event_about_a_case_is_on_that_case():
    case = CaseFactory()

    event = event_about(case, verb="case.opened", summary="opened")

    assert (event.case_id, event.subject_id) == (case.pk, case.pk)


def test_an_event_about_a_record_of_a_case_is_on_its_case():
    case = CaseFactory()
    participant = case.participants.first()

    event = event_about(participant, verb="case.child_ended")

    assert event.case_id == case.pk


def test_an_event_about_a_record_of_no_case_is_on_none():
    assert case_of(PersonFactory()) is None
    assert event_about(CourseFactory(), verb="training.course_created").case_id is None


def test_a_case_id_given_wins():
    case, other = CaseFactory(), CaseFactory()

    assert event_about(case, verb="case.opened", case_id=other.pk).case_id == other.pk

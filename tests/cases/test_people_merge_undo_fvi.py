"""An undo after the FVI indicator was set on the merged person leaves it on both records."""

from datetime import date

import pytest

from cases import services
from cases.models import Person
from core.models import DomainEvent
from tests.cases.factories import PersonFactory

pytestmark = pytest.mark.django_db
BORN = date(1988, 4, 12)


@pytest.fixture
def coordinator(role_user):
    return role_user("coordinator")


def test_an_fvi_reported_on_the_merged_person_stays_on_both_records_after_the_undo(coordinator):
    """Two records of one CP are merged in the morning. At noon the CP reports family violence and a
    caseworker sets the indicator on the merged record (person_fvi_set). In the afternoon the
    coordinator undoes the merge (e.g. to merge the other way round). The undo moves the duplicate's
    addresses back to it and leaves the indicator on the survivor only: the duplicate record of the
    same woman, with her addresses, is unprotected again. The merge itself combines flags "to the
    stricter" (module docstring); the undo does not, for a flag set while they were one record.
    Who is hurt: the family violence victim whose whereabouts become visible on the other record
    (42 USC 654(26); 45 CFR 303.21). Cause: cases/services/people.py person_merge_undo (restores
    the survivor's flag, never gives the duplicate one set since)."""
    from cases.services.whereabouts import person_fvi_set

    survivor = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="", family_violence=False)
    duplicate = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="", family_violence=False)
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="Same CP")
    person_fvi_set(
        person=Person.objects.get(pk=survivor.pk),
        reason="CP reported a protective order",
        reported_on=date.today(),
        by=coordinator,
    )
    services.person_merge_undo(event=event, by=coordinator)
    duplicate.refresh_from_db()
    assert duplicate.family_violence, "the record given back after the undo lost the indicator reported meanwhile"
    kept = DomainEvent.objects.filter(verb="person.fvi_set", subject_id=duplicate.pk, subject_type__model="person")
    assert kept.exists(), "the indicator the record kept is not recorded about it"


def test_the_undo_that_gives_the_indicator_back_saves_the_record_once(coordinator):
    """The undo saved the duplicate twice (the FVI, then its merge link), two history rows for one
    act (rv1 review, item 6): one save, one history row, holding both the indicator and the link."""
    survivor = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="", family_violence=True)
    duplicate = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="", family_violence=False)
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="Same CP")
    before = duplicate.history.count()
    services.person_merge_undo(event=event, by=coordinator)
    rows = list(duplicate.history.order_by("history_id"))[before:]
    assert len(rows) == 1, f"the undo wrote {len(rows)} history rows for one record"
    assert rows[0].family_violence and rows[0].merged_into_id is None

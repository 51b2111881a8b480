"""Case opening re-reads a picked record's FVI indicator under its lock (a merge may have set it)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.choices import WorkItemKind
from cases.models import Case, CaseParticipant
from cases.services import cases as case_services
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
BORN = date(1988, 4, 12)


def test_a_case_opening_does_not_link_a_picked_record_that_a_merge_just_made_fvi(role_user):
    """A caseworker picks an existing CP record A (no indicator) among the possible matches. Between
    matching and the insert a coordinator's merge commits: duplicate B, which has the family violence
    indicator, is merged into A, so A now has it. matched_people_lock locks and re-reads A (its
    docstring: "read again before any is put on a case") but checks only merged_into, so the case
    links A on the caseworker's pick although A is now an FVI record, which case opening never does:
    "A person with the family violence indicator is never linked on the caseworker's word alone, by
    SSN ... or picked from the possible matches: routed" to a coordinator (42 USC 654(26);
    _parties_resolve). Simulated in one connection: the merge runs right after matching.
    Who is hurt: the victim, whose record is joined to a case (and its other party) without the
    coordinator's check. Cause: cases/services/cases.py matched_people_lock (re-read checks only
    merged_into, not family_violence)."""
    worker = role_user("caseworker")
    coordinator = role_user("coordinator")
    a = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="", family_violence=False)
    CaseParticipant.objects.create(case=CaseFactory(county="Albany", participants=False), person=a, role="cp")
    b = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="", family_violence=True)
    CaseParticipant.objects.create(case=CaseFactory(county="Albany", participants=False), person=b, role="cp")

    original = case_services._parties_resolve

    def resolve(parties, *, by):
        result = original(parties, by=by)
        services.person_merge(survivor=a, duplicate=b, by=coordinator, reason="Same CP")
        return result

    case_services._parties_resolve = resolve
    cases_before = Case.objects.count()
    try:
        case = services.case_create(
            county="Albany",
            jurisdiction="NY",
            assistance_status="never",
            application_received_on=date(2026, 11, 2),
            opened_on=date(2026, 11, 3),
            cp=services.PartyData("Maria", "Nunez", BORN, "", existing_person_id=a.pk),
            ncp=services.PartyData("Hugo", "Reyes", date(1985, 1, 30), "123456781"),
            children=[services.PartyData("Lola", "Reyes", date(2019, 6, 1), "123456782")],
            by=worker,
            caseworker=worker,
        )
    except ValidationError as refused:
        # refusing the opening (the clerk submits again) is acceptable: for this reason, with nothing saved
        assert case_services.MATCHED_MERGED in str(refused)
        assert Case.objects.count() == cases_before
        return
    finally:
        case_services._parties_resolve = original
    cp = case.participants.get(role="cp").person
    assert cp.pk != a.pk, "the caseworker's pick linked an FVI record (made so by a merge meanwhile) to the case"
    assert cp.family_violence, "the new record of the routed party lacks the indicator of the record on file"
    item = case.work_items.get(kind=WorkItemKind.PERSON_CHECK)
    assert f"person {a.pk}" in item.notes
    opened = DomainEvent.objects.get(verb="case.opened", subject_id=case.pk, subject_type__model="case")
    assert [note["party"] for note in opened.data["people_matched"] if note.get("indicator_set_since_matching")] == [
        "cp"
    ]

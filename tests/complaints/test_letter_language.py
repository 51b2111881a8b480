"""The language of letters about a complaint or a hearing request (``complaints.documents.
complaint_language``, ``hearings.letters.hearing_letter_language``): the language the person asked
for on it wins; without one, a case party's record; the record itself is never rewritten by it.

Red team (rtletters): a custodial parent who wrote "Español" on her complaint got English letters,
because her record (the default "en", never asked) always won."""

from __future__ import annotations

from datetime import date

import pytest

from cases.models import Person
from complaints.documents import acknowledgement_letter, complaint_language
from complaints.forms import StaffComplaintForm
from hearings import services as hearing_services
from hearings.choices import Party
from hearings.letters import hearing_letter_language
from hearings.models import HearingLetter
from tests.cases.factories import AddressFactory, CaseFactory

pytestmark = pytest.mark.django_db


def case_whose_cp_reads_spanish():
    case = CaseFactory(jurisdiction="NY")
    Person.objects.filter(pk=case.cp.pk).update(preferred_language="es")
    return case


def test_a_case_party_who_asks_for_spanish_on_her_complaint_gets_a_spanish_acknowledgement(file_complaint):
    # given: a CP opened the ordinary way (no language recorded: the default)
    case = CaseFactory(jurisdiction="NY")
    AddressFactory(person=case.cp, line1="41 Quail Street", city="Albany", postal_code="12210")
    # when: she files a complaint by phone and says she reads Spanish
    complaint = file_complaint(
        complainant_name=case.cp.display_name, complainant_person=case.cp, case=case, preferred_language="Español"
    )
    # then: the acknowledgement is in Spanish, and her record is left as it was
    letter = acknowledgement_letter(complaint)
    assert letter.language == "es", (letter.language, letter.subject)
    assert Person.objects.get(pk=case.cp.pk).preferred_language == "en"


def test_without_a_language_on_the_complaint_a_case_partys_record_decides(file_complaint):
    case = case_whose_cp_reads_spanish()
    complaint = file_complaint(complainant_name=case.cp.display_name, complainant_person=case.cp, case=case)
    assert complaint.preferred_language == ""  # none given: nothing invented
    assert complaint_language(complaint) == "es"


def test_english_asked_for_on_the_complaint_wins_over_the_record(file_complaint):
    case = case_whose_cp_reads_spanish()
    complaint = file_complaint(
        complainant_name=case.cp.display_name, complainant_person=case.cp, case=case, preferred_language="English"
    )
    assert complaint_language(complaint) == "en"


def test_a_language_the_office_does_not_write_falls_back_to_the_record(file_complaint):
    case = case_whose_cp_reads_spanish()
    complaint = file_complaint(
        complainant_name=case.cp.display_name, complainant_person=case.cp, case=case, preferred_language="Klingon"
    )
    assert complaint_language(complaint) == "es"


def test_the_language_asked_for_on_a_hearing_request_wins_over_the_complaints(file_complaint):
    # given: a complaint by a case party whose record says English, with no language on it
    case = CaseFactory(jurisdiction="NY")
    complaint = file_complaint(complainant_name=case.cp.display_name, complainant_person=case.cp, case=case)
    # when: her hearing request asks for Spanish
    request = hearing_services.hearing_request_create(
        requester_name=case.cp.display_name,
        issue="distribution",
        statement="s",
        requested_on=date(2026, 12, 7),
        complaint=complaint,
        interpreter_language="Spanish",
        today=date(2026, 12, 7),
    )
    # then: the appellant's letters are Spanish; the agency's copy stays in the office's language
    assert hearing_letter_language(HearingLetter(request=request, party=Party.APPELLANT)) == "es"
    assert hearing_letter_language(HearingLetter(request=request, party=Party.AGENCY)) == "en"


def test_the_staff_form_does_not_offer_the_staff_members_language(role_user):
    form = StaffComplaintForm(user=role_user("ombudsperson"))
    assert form.fields["preferred_language"].initial == ""

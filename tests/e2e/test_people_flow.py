"""One person, one record, in a browser: a possible match on case opening, then merge and undo."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseParticipant, Person
from tests.cases.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseworker_is_asked_about_a_possible_match_and_picks_the_existing_person(sign_in, live_server):
    existing = PersonFactory(first_name="María", last_name="Núñez", date_of_birth=date(1988, 4, 12), ssn="")
    # on a case of the caseworker's county: a match the caseworker may see (and pick)
    on_file = CaseFactory(participants=False)
    CaseParticipant.objects.create(case=on_file, person=existing, role="cp")
    page = sign_in("caseworker", at="/cases/new/")
    page.locator("#id_county").fill("Albany")
    page.locator("#id_application_received_on").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.locator("#id_cp_first_name").fill("Maria")
    page.locator("#id_cp_last_name").fill("Nunez")
    page.locator("#id_cp_date_of_birth").fill("1988-04-12")
    page.locator("#id_ncp_first_name").fill("Hugo")
    page.locator("#id_ncp_last_name").fill("Reyes")
    page.locator("#id_child_first_name").fill("Lola")
    page.locator("#id_child_last_name").fill("Reyes")
    page.locator("#id_child_date_of_birth").fill("2020-05-01")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text("This person may already be on file")).to_be_visible()
    page.get_by_label(re.compile(rf"María Núñez .*person {existing.pk}")).check()
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Case (NY|CA)-\d{6}"))
    assert Case.objects.exclude(pk=on_file.pk).get().cp == existing


def test_coordinator_merges_a_duplicate_and_undoes_it(sign_in, live_server):
    a = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=date(1988, 4, 12), ssn="")
    b = PersonFactory(first_name="MARIA", last_name="NUNEZ", date_of_birth=date(1988, 4, 12), ssn="")
    page = sign_in("coordinator", at="/cases/people/duplicates/")
    page.get_by_role("link", name="Merge…").click()
    page.get_by_label(f"Maria Nunez (person {a.pk})").check()
    page.get_by_label("Why these are the same person").fill("Same person entered in capitals")
    page.get_by_role("button", name="Merge these records").click()
    expect(page.get_by_role("status")).to_contain_text("merged into Maria Nunez")
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    page.get_by_role("link", name="Undo this merge").click()
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.get_by_text("Merge undone")).to_be_visible()
    assert Person.objects.get(pk=b.pk).merged_into_id is None

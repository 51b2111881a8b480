"""Answers about an SSN typed on opening a case (is it a record's full SSN?) are sensitive reads,
and "the record on file is this person" links only a record the caseworker may see and that has no
family violence indicator; any other is routed to a coordinator while the case opens."""

import json
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import services
from cases.choices import COORDINATOR_UNIT, WorkItemKind, WorkItemStatus
from cases.models import Case, CaseParticipant, Person, WorkItem
from core.models import AccessLog, DomainEvent
from tests.cases.factories import CaseFactory, PersonFactory, case_create_post

pytestmark = pytest.mark.django_db
BORN = date(1988, 4, 12)
SSN = "123456780"


@pytest.fixture
def worker(role_user):
    return role_user("caseworker")  # Albany


def _on_file(county="Albany", **fields):
    """Hector Alvarez (born 1970), SSN ``SSN``, on a case of ``county``."""
    person = PersonFactory(
        **{"first_name": "Hector", "last_name": "Alvarez", "date_of_birth": date(1970, 3, 3), "ssn": SSN, **fields}
    )
    CaseParticipant.objects.create(case=CaseFactory(county=county, participants=False), person=person, role="cp")
    return person


def _open(by, cp, county="Albany"):
    return services.case_create(
        county=county,
        jurisdiction="NY",
        assistance_status="never",
        application_received_on=date(2026, 11, 2),
        opened_on=date(2026, 11, 3),
        cp=cp,
        ncp=services.PartyData("Hugo", "Reyes", date(1985, 1, 30)),
        children=[services.PartyData("Lola", "Reyes", date(2019, 6, 1))],
        by=by,
        caseworker=by,
    )


def _ssn_rows():
    return list(AccessLog.objects.filter(kind="sensitive_read", fields=["ssn_compared"]).order_by("pk"))


def _no_digits(rows):
    text = json.dumps([[r.detail, r.path, r.object_id, r.fields] for r in rows])
    assert SSN not in text and "6780" not in text and "123-45" not in text


# Confirming: allowed for a record the caseworker may see --------------------------------------


def test_a_record_in_scope_is_linked_on_confirmation_and_both_answers_are_logged(client, worker):
    here = _on_file()
    client.force_login(worker)
    page = client.post(reverse("cases:case_create"), case_create_post())
    assert page.status_code == 200 and "This SSN is on file for a person whose name" in page.content.decode()
    [asked] = _ssn_rows()
    assert (asked.user, asked.object_type, asked.object_id) == (worker, "cases.Person", str(here.pk))
    assert asked.detail["case_opening"] == {"party": "cp", "answer": "ssn_on_file_name_or_birth_differs"}
    assert asked.detail["visible_to_user"] is True and asked.detail["person_id"] == here.pk
    done = client.post(reverse("cases:case_create"), case_create_post(cp_ssn_same_person="on"))
    assert done.status_code == 302
    case = Case.objects.get(application_received_on=date(2026, 11, 2))
    assert case.cp == here and not WorkItem.objects.filter(kind=WorkItemKind.PERSON_CHECK).exists()
    assert _ssn_rows() == [asked]  # linking a record the caseworker already sees tells nothing more
    _no_digits(_ssn_rows())


def test_someone_who_sees_every_county_may_confirm_another_countys_record(role_user):
    elsewhere = _on_file(county="Kings")
    specialist = role_user("enforcement_specialist")  # cases.view_all_cases, no add_case: the service's rule
    case = _open(specialist, services.PartyData("Maria", "Nunez", BORN, SSN, ssn_match_confirmed=True))
    assert case.cp == elsewhere and case.ssn_links_routed == {}


# Confirming: routed for another county's record or an FVI person --------------------------------


def test_another_countys_record_is_not_linked_on_confirmation_a_coordinator_checks_it(client, worker):
    elsewhere = _on_file(county="Kings")
    client.force_login(worker)
    page = client.post(reverse("cases:case_create"), case_create_post())
    html = page.content.decode()
    assert "This SSN is on file" in html and "Hector" not in html and f"person {elsewhere.pk}" not in html
    [asked] = _ssn_rows()
    assert asked.object_id == str(elsewhere.pk) and asked.detail["visible_to_user"] is False
    done = client.post(reverse("cases:case_create"), case_create_post(cp_ssn_same_person="on"), follow=True)
    case = Case.objects.get(application_received_on=date(2026, 11, 2))
    # the case opens (45 CFR 303.2(b)), the CP a new record without the SSN; the Kings record is untouched
    assert case.cp != elsewhere and case.cp.ssn == "" and (case.cp.first_name, case.cp.last_name) == ("Maria", "Nunez")
    assert list(Person.objects.filter(ssn_index=elsewhere.ssn_index, merged_into=None)) == [elsewhere]
    assert not CaseParticipant.objects.filter(case=case, person=elsewhere).exists()
    # nothing of the record is shown to the caseworker, but they are told what happened
    said = " ".join(str(m) for m in get_messages(done.wsgi_request))
    assert "cannot link to this case" in said and "Hector" not in said
    assert "Hector" not in client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    # a coordinator's work item on the case names the record to check and merge
    item = WorkItem.objects.get(case=case, kind=WorkItemKind.PERSON_CHECK)
    assert (item.unit, item.assigned_to) == (COORDINATOR_UNIT, None)
    assert f"person {elsewhere.pk}" in item.notes and SSN not in item.notes + item.title
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note["ssn_on_file_person_id"] == elsewhere.pk and note["routed_to_coordinator"] is True
    routed = _ssn_rows()[-1]
    assert routed.object_id == str(elsewhere.pk)
    assert routed.detail["case_opening"] == {"party": "cp", "answer": "ssn_on_file_routed_to_coordinator"}
    _no_digits(_ssn_rows())


def test_another_countys_caseworker_cannot_link_this_countys_record(make_user):
    here = _on_file(county="Albany")
    kings = make_user("caseworker", username="kings_worker", county="Kings")
    case = _open(kings, services.PartyData("Maria", "Nunez", BORN, SSN, ssn_match_confirmed=True), county="Kings")
    assert case.cp != here and case.ssn_links_routed == {"cp": here}
    assert not CaseParticipant.objects.filter(case=case, person=here).exists()


def test_an_fvi_person_in_scope_is_not_linked_on_confirmation(worker):
    victim = _on_file(family_violence=True)
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, SSN, ssn_match_confirmed=True))
    assert case.cp != victim and not CaseParticipant.objects.filter(case=case, person=victim).exists()
    assert WorkItem.objects.filter(case=case, kind=WorkItemKind.PERSON_CHECK, unit=COORDINATOR_UNIT).count() == 1
    # and the FVI record's SSN stays its own
    assert list(Person.objects.filter(ssn_index=victim.ssn_index)) == [victim]


def test_an_ssn_on_file_under_the_same_name_is_still_linked_whatever_the_county(worker):
    """An SSN with its name and birth date is an identity (docs/cases.md): linked, not routed."""
    elsewhere = _on_file(county="Kings", first_name="Maria", last_name="Nunez", date_of_birth=BORN)
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, SSN))
    assert case.cp == elsewhere and case.ssn_links_unseen == {"cp": elsewhere}


# The other answers are logged too ---------------------------------------------------------------


def test_linking_another_countys_record_by_its_ssn_is_logged(client, worker):
    elsewhere = _on_file(county="Kings", first_name="Maria", last_name="Nunez", date_of_birth=BORN)
    client.force_login(worker)
    assert client.post(reverse("cases:case_create"), case_create_post()).status_code == 302
    [row] = _ssn_rows()
    assert (row.user, row.object_type, row.object_id) == (worker, "cases.Person", str(elsewhere.pk))
    assert row.detail["case_opening"] == {"party": "cp", "answer": "ssn_on_file_linked"}
    assert row.detail["visible_to_user"] is False
    _no_digits([row])


def test_linking_a_record_in_scope_by_its_ssn_writes_no_extra_row(client, worker):
    _on_file(first_name="Maria", last_name="Nunez", date_of_birth=BORN)
    client.force_login(worker)
    assert client.post(reverse("cases:case_create"), case_create_post()).status_code == 302
    assert _ssn_rows() == []


def test_the_different_ssn_label_is_logged(client, worker):
    other = _on_file(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="987654321")
    client.force_login(worker)
    html = client.post(reverse("cases:case_create"), case_create_post()).content.decode()
    assert "a different SSN from the one entered: not this person" in html
    [row] = _ssn_rows()
    assert row.object_id == str(other.pk)
    assert row.detail["case_opening"] == {"party": "cp", "answer": "ssn_differs_from_entered"}
    _no_digits([row])
    # offered without an SSN typed: no SSN answer, no row
    client.post(reverse("cases:case_create"), case_create_post(cp_ssn=""))
    assert _ssn_rows() == [row]


# The coordinator's check: settled by a coordinator only, in the coordinators' own queue ---------


def _routed_check(worker):
    _on_file(county="Kings")  # another county's record with the SSN
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, SSN, ssn_match_confirmed=True))
    return WorkItem.objects.get(case=case, kind=WorkItemKind.PERSON_CHECK)


def test_the_caseworker_cannot_close_or_edit_the_coordinators_check_on_their_own_case(client, worker):
    item = _routed_check(worker)
    client.force_login(worker)
    page = client.get(reverse("cases:workitem_detail", args=[item.pk])).content.decode()
    assert "Only a coordinator may" in page and 'name="notes"' not in page  # no edit form, no "Mark done"
    assert "Check a person&#x27;s record" in page and "person_check" not in page  # the kind in words
    assert client.get(reverse("cases:workitem_complete", args=[item.pk])).status_code == 403
    done = client.post(reverse("cases:workitem_complete", args=[item.pk]), {"confirmed": "yes"})
    assert done.status_code == 403 and "Only a coordinator may" in done.content.decode()
    edit = client.post(
        reverse("cases:workitem_detail", args=[item.pk]),
        {"title": item.title, "due_on": item.due_on.isoformat(), "priority": item.priority, "notes": ""},
    )
    assert edit.status_code == 403
    before = (item.status, item.notes, item.title)
    item.refresh_from_db()
    assert (item.status, item.notes, item.title) == before and item.status == WorkItemStatus.OPEN
    # the services refuse it too, whoever calls them
    with pytest.raises(PermissionDenied):
        services.work_item_complete(item=item, by=worker)
    with pytest.raises(PermissionDenied):
        services.work_item_update(item=item, by=worker, notes="")
    assert not DomainEvent.objects.filter(verb__in=["work_item.done", "work_item.edited"]).exists()


def test_a_coordinator_finds_the_check_in_their_own_queue_and_counter_and_settles_it(client, worker, role_user):
    item = _routed_check(worker)
    coordinator = role_user("coordinator")
    client.force_login(coordinator)
    mine = client.get(reverse("cases:workitem_list"))
    assert item in mine.context["object_list"]
    home = client.get(reverse("core:home"))
    [card] = [c for _, cards in home.context["sections"] for c in cards if c.title == "Open work items"]
    assert card.value == "1"
    # a caseworker's own queue is not the coordinators'
    client.force_login(worker)
    assert item not in client.get(reverse("cases:workitem_list")).context["object_list"]
    client.force_login(coordinator)
    assert client.post(reverse("cases:workitem_complete", args=[item.pk]), {"confirmed": "yes"}).status_code == 302
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    assert item not in client.get(reverse("cases:workitem_list")).context["object_list"]


# An FVI person is not linked on the caseworker's word, by SSN or by a pick ------------------------


def test_an_fvi_person_found_by_ssn_under_the_same_name_and_birth_date_is_routed(client, worker):
    victim = _on_file(family_violence=True)
    client.force_login(worker)
    form = case_create_post(cp_first_name="Hector", cp_last_name="Alvarez", cp_date_of_birth="1970-03-03")
    done = client.post(reverse("cases:case_create"), form, follow=True)
    case = Case.objects.get(application_received_on=date(2026, 11, 2))
    assert case.cp != victim and not CaseParticipant.objects.filter(case=case, person=victim).exists()
    assert case.cp.ssn == "" and case.cp.family_violence  # the stricter flag, until a coordinator decides
    assert list(Person.objects.filter(ssn_index=victim.ssn_index)) == [victim]
    item = WorkItem.objects.get(case=case, kind=WorkItemKind.PERSON_CHECK, unit=COORDINATOR_UNIT, assigned_to=None)
    assert f"person {victim.pk}" in item.notes and SSN not in item.notes + item.title
    assert "cannot link to this case" in " ".join(str(m) for m in get_messages(done.wsgi_request))
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note["ssn_on_file_person_id"] == victim.pk and note["routed_to_coordinator"] is True
    [row] = _ssn_rows()
    assert row.object_id == str(victim.pk) and row.detail["visible_to_user"] is True
    assert row.detail["case_opening"] == {"party": "cp", "answer": "ssn_on_file_routed_to_coordinator"}
    _no_digits([row])


def test_an_fvi_person_picked_from_the_possible_matches_is_routed(client, worker):
    victim = _on_file(family_violence=True, ssn="")
    client.force_login(worker)
    form = case_create_post(cp_first_name="Hector", cp_last_name="Alvarez", cp_date_of_birth="1970-03-03")
    done = client.post(reverse("cases:case_create"), {**form, "cp_existing_person": str(victim.pk)}, follow=True)
    case = Case.objects.get(application_received_on=date(2026, 11, 2))
    assert case.cp != victim and not CaseParticipant.objects.filter(case=case, person=victim).exists()
    # the SSN typed is on no record: it stays on the new one (a merge carries it over)
    assert case.cp.ssn == SSN and case.cp.family_violence
    victim.refresh_from_db()
    assert victim.ssn == ""
    item = WorkItem.objects.get(case=case, kind=WorkItemKind.PERSON_CHECK, unit=COORDINATOR_UNIT, assigned_to=None)
    assert f"person {victim.pk}" in item.notes
    assert "family violence indicator" in " ".join(str(m) for m in get_messages(done.wsgi_request))
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note == {
        "party": "cp",
        "how": "new: picked a record the caseworker may not link",
        "picked_person_id": victim.pk,
        "routed_to_coordinator": True,
    }


def test_an_fvi_person_picked_through_the_service_is_routed(worker):
    victim = _on_file(family_violence=True)
    case = _open(worker, services.PartyData("Hector", "Alvarez", date(1970, 3, 3), "", existing_person_id=victim.pk))
    assert case.cp != victim and case.picks_routed == {"cp": victim}
    assert WorkItem.objects.filter(case=case, kind=WorkItemKind.PERSON_CHECK).count() == 1


def test_a_work_items_kind_is_shown_in_words():
    assert WorkItem(kind=WorkItemKind.PERSON_CHECK).kind_label == "Check a person's record"
    assert WorkItem(kind="iwo_lump_sum").kind_label == "Iwo lump sum"  # another app's short kind

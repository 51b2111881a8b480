"""Correcting or removing a person's SSN (cases:person_ssn, cases.services.person_ssn_correct): who
may, an SSN on file for another person refused naming no one and logged as an SSN answer, removal,
no SSN digit in events or on the page, a page out of date, and two corrections racing to one SSN."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import CaseParticipant, Person
from cases.services import people as people_services
from core.fields import blind_index
from core.models import AccessLog, DomainEvent
from tests.cases.factories import CaseFactory, PersonFactory
from tests.conftest import needs_postgres
from tests.pages import shown_on

pytestmark = pytest.mark.django_db
ON_FILE, RIGHT = "123456780", "987654321"


def ssn_url(case, person):
    return reverse("cases:person_ssn", kwargs={"case_number": case.case_number, "person_id": person.pk})


@pytest.fixture
def person(my_case):
    cp = my_case.cp
    cp.ssn = ON_FILE
    cp.save()
    return cp


def _post(client, case, person, **values):
    shown = shown_on(client.get(ssn_url(case, person)))
    return client.post(ssn_url(case, person), {"action": "correct", "reason": "Card seen", **shown, **values})


def _correct(client, case, person, ssn=RIGHT, again=None, **values):
    return _post(client, case, person, ssn=ssn, ssn_again=ssn if again is None else again, **values)


def _answers():
    return list(AccessLog.objects.filter(kind="sensitive_read", fields=["ssn_compared"]).order_by("pk"))


def _digits_in(text: str, *ssns: str) -> bool:
    return any(ssn in text or f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" in text for ssn in ssns)


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_on_their_own_case_and_a_coordinator_correct_an_ssn(client_as, my_case, person, role):
    client = client_as(role)
    page = client.get(ssn_url(my_case, person)).content.decode()
    assert "***-**-6780" in page and not _digits_in(page, ON_FILE)
    response = _correct(client, my_case, person, ssn="987-65-4321", again="987654321")
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.ssn, person.ssn_last4, person.ssn_index) == (RIGHT, "4321", blind_index(RIGHT))
    page = client.get(response["Location"]).content.decode()
    assert "now ends in 4321" in page
    event = DomainEvent.objects.get(verb="person.ssn_corrected", subject_id=person.pk)
    assert event.data == {"reason": "Card seen"}
    assert not _digits_in(f"{event.summary} {event.data}", ON_FILE, RIGHT)
    history = person.history.first()
    assert history.ssn_last4 == "4321" and not hasattr(history, "ssn")


@pytest.mark.parametrize(
    "role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist", "trainer"]
)
def test_roles_without_both_permissions_are_refused(client_as, my_case, person, role):
    client = client_as(role)
    assert client.get(ssn_url(my_case, person)).status_code == 403
    client.post(ssn_url(my_case, person), {"action": "remove", "reason": "x"})
    person.refresh_from_db()
    assert person.ssn == ON_FILE


def test_change_person_without_view_ssn_is_refused(client, make_user, my_case, person):
    from django.contrib.auth.models import Permission

    user = make_user(username="change_only")
    user.user_permissions.add(
        Permission.objects.get(codename="change_person"), Permission.objects.get(codename="view_case")
    )
    client.force_login(user)
    assert client.get(ssn_url(my_case, person)).status_code == 403


def test_the_person_page_links_to_the_ssn_page_only_for_those_who_may(client_as, my_case, person):
    page = reverse("cases:person_detail", kwargs={"case_number": my_case.case_number, "person_id": person.pk})
    assert ssn_url(my_case, person) in client_as("coordinator").get(page).content.decode()
    assert ssn_url(my_case, person) not in client_as("quality_analyst").get(page).content.decode()


def test_a_caseworker_of_another_caseload_gets_403(client, make_user, my_case, person):
    other = make_user(username="other_worker")
    other.groups.add(Group.objects.get(name="caseworker"))
    client.force_login(other)
    assert client.get(ssn_url(my_case, person)).status_code == 403
    assert client.post(ssn_url(my_case, person), {"action": "remove", "reason": "x"}).status_code == 403
    person.refresh_from_db()
    assert person.ssn == ON_FILE


@pytest.mark.parametrize("county", ["Erie", ""])
def test_a_caseworker_of_another_county_or_none_gets_404(client, make_user, my_case, person, county):
    other = make_user(username=f"worker_{county or 'nowhere'}", county=county)
    other.groups.add(Group.objects.get(name="caseworker"))
    client.force_login(other)
    assert client.get(ssn_url(my_case, person)).status_code == 404


def test_a_person_not_on_the_case_is_404(client_as, my_case):
    assert client_as("caseworker").get(ssn_url(my_case, CaseFactory().cp)).status_code == 404


def test_an_fvi_persons_ssn_may_be_corrected_and_the_page_shows_no_whereabouts(client_as, my_case, person):
    person.family_violence, person.phone = True, "518-555-0142"
    person.save()
    client = client_as("caseworker")
    assert "555-0142" not in client.get(ssn_url(my_case, person)).content.decode()
    assert _correct(client, my_case, person).status_code == 302
    person.refresh_from_db()
    assert person.ssn == RIGHT


# Refusals ----------------------------------------------------------------------------------------


def test_an_ssn_on_file_for_another_person_is_refused_naming_no_one_and_logged(client_as, my_case, person):
    holder = CaseFactory(county="Erie").ncp  # another county: the caseworker may not see them
    holder.ssn = RIGHT
    holder.save()
    client = client_as("caseworker")
    response = _correct(client, my_case, person)
    html = response.content.decode()
    assert response.status_code == 200
    assert people_services.SSN_TAKEN in html.replace("&#x27;", "'")
    assert holder.last_name not in html and holder.first_name not in html and f"/{holder.pk}/" not in html
    assert not _digits_in(html, RIGHT, ON_FILE)  # what was typed is not sent back either
    person.refresh_from_db()
    assert person.ssn == ON_FILE
    assert not DomainEvent.objects.filter(verb__startswith="person.ssn").exists()
    [answer] = _answers()
    assert answer.object_id == str(holder.pk)
    assert answer.detail["ssn_correction"] == {
        "party": f"person:{person.pk}",
        "answer": "ssn_on_file_for_another_person",
    }
    assert answer.detail["visible_to_user"] is False
    assert not _digits_in(str(answer.detail), RIGHT, ON_FILE)


def test_the_ssn_of_a_merged_record_is_free_to_take(client_as, my_case, person):
    merged = PersonFactory(ssn=RIGHT)
    survivor = PersonFactory(ssn="")
    services.person_merge(survivor=survivor, duplicate=merged, by=None, reason="same")
    # the survivor took the SSN: it is live on the survivor, so still refused
    assert _correct(client_as("caseworker"), my_case, person).status_code == 200
    survivor.ssn = "111223333"
    survivor.save()
    assert _correct(client_as("caseworker"), my_case, person).status_code == 302


def test_the_ssn_on_file_is_nothing_to_change_and_logged(client_as, my_case, person):
    response = _correct(client_as("caseworker"), my_case, person, ssn=ON_FILE)
    assert "nothing to change" in response.content.decode()
    [answer] = _answers()
    assert answer.detail["ssn_correction"]["answer"] == "ssn_same_as_on_file"
    assert not DomainEvent.objects.filter(verb__startswith="person.ssn").exists()


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"ssn": "12345678", "ssn_again": "12345678"}, "Enter the 9 digits of the SSN."),
        ({"ssn": "12345678x", "ssn_again": "12345678x"}, "Enter the 9 digits of the SSN."),
        ({"ssn": RIGHT, "ssn_again": "987654320"}, "The two SSNs typed differ"),
        ({"ssn": "", "ssn_again": ""}, "Enter the 9 digits of the new SSN."),
        ({"ssn": RIGHT, "ssn_again": RIGHT, "reason": ""}, "This field is required."),
        ({"ssn": RIGHT, "ssn_again": RIGHT, "reason": "x" * 501}, "at most 500 characters"),
        ({"ssn": RIGHT, "ssn_again": RIGHT, "reason": "It was 123-45-6780"}, "Do not type an SSN in the reason"),
        ({"action": "remove", "ssn": RIGHT, "ssn_again": RIGHT}, "Leave the SSN boxes empty"),
    ],
)
def test_bad_input_changes_nothing(client_as, my_case, person, values, error):
    response = _post(client_as("caseworker"), my_case, person, **values)
    assert response.status_code == 200
    assert error in response.content.decode()
    person.refresh_from_db()
    assert person.ssn == ON_FILE
    assert not DomainEvent.objects.filter(verb__startswith="person.ssn").exists()


@pytest.mark.parametrize(
    "reason",
    ["old card read 219.09.9999", "typo: was 219 - 09 - 9999", "SSN 219/09/9999 wrong", "219_09__9999", "ssn219099999"],
)
def test_an_ssn_in_the_reason_is_refused_whatever_separates_its_digits(person, role_user, reason):
    with pytest.raises(ValidationError, match="Do not type an SSN in the reason"):
        people_services.person_ssn_correct(person=person, ssn=RIGHT, reason=reason, by=role_user("caseworker"))
    assert not DomainEvent.objects.filter(verb__startswith="person.ssn").exists()


@pytest.mark.parametrize("reason", ["Card seen 2024-03-17", "Letter of 12/01/2024, case 12 of 2024", "SSA form 7 of 9"])
def test_a_reason_with_dates_and_numbers_is_no_ssn(reason):
    assert not people_services.ssn_in_text(reason)


def test_an_ssn_refused_in_the_reason_is_not_written_back_into_the_page(client_as, my_case, person):
    response = _correct(client_as("caseworker"), my_case, person, reason="card shows 219-09-9999")
    assert response.status_code == 200 and "Do not type an SSN in the reason" in response.content.decode()
    assert "219-09-9999" not in response.content.decode()
    # A reason without an SSN comes back after another error, to be sent again.
    response = _correct(client_as("caseworker"), my_case, person, again="987654320", reason="Card seen at the desk")
    assert "Card seen at the desk" in response.content.decode()


def test_a_merged_record_is_refused(client_as, my_case, person, role_user):
    twin = PersonFactory(ssn="")
    CaseParticipant.objects.create(case=my_case, person=twin, role="cp")
    services.person_merge(survivor=person, duplicate=twin, by=role_user("coordinator"), reason="same person")
    response = client_as("caseworker").get(ssn_url(my_case, twin), follow=True)
    assert "merged into another person" in response.content.decode()
    with pytest.raises(ValidationError, match="merged into another"):
        services.person_ssn_correct(person=twin, ssn=RIGHT, reason="x", by=None)


def test_a_page_opened_before_a_colleagues_correction_is_refused(client_as, my_case, person, role_user):
    client = client_as("caseworker")
    shown = shown_on(client.get(ssn_url(my_case, person)))
    services.person_ssn_correct(person=person, ssn="111223333", reason="Card seen", by=role_user("coordinator"))
    response = client.post(
        ssn_url(my_case, person), {"action": "correct", "ssn": RIGHT, "ssn_again": RIGHT, "reason": "x", **shown}
    )
    assert "The SSN on file was changed" in response.content.decode()
    person.refresh_from_db()
    assert person.ssn == "111223333"


def test_a_merge_is_not_undone_once_the_duplicates_ssn_was_given_to_another(person, role_user):
    coordinator = role_user("coordinator")
    duplicate, survivor = PersonFactory(ssn=RIGHT), PersonFactory(ssn="")
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same")
    services.person_ssn_correct(person=survivor, ssn="111223333", reason="card seen", by=coordinator)
    services.person_ssn_correct(person=person, ssn=RIGHT, reason="card seen", by=coordinator)
    with pytest.raises(ValidationError, match="now on file for another person"):
        services.person_merge_undo(event=event, by=coordinator)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk


def test_undoing_a_merge_keeps_an_ssn_corrected_on_the_survivor_since(role_user):
    coordinator = role_user("coordinator")
    duplicate, survivor = PersonFactory(ssn=RIGHT), PersonFactory(ssn="")
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same")
    survivor.refresh_from_db()
    assert survivor.ssn == RIGHT  # the survivor took the duplicate's SSN
    services.person_ssn_correct(person=survivor, ssn="111223333", reason="card seen", by=coordinator)
    services.person_merge_undo(event=event, by=coordinator)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert (survivor.ssn, duplicate.ssn, duplicate.merged_into_id) == ("111223333", RIGHT, None)


# Removal -----------------------------------------------------------------------------------------


def test_a_wrong_ssn_is_removed_with_a_reason(client_as, my_case, person):
    client = client_as("caseworker")
    response = _post(client, my_case, person, action="remove", reason="Not the NCP's: SSA says so")
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.ssn, person.ssn_last4, person.ssn_index) == ("", "", "")
    event = DomainEvent.objects.get(verb="person.ssn_removed", subject_id=person.pk)
    assert event.data == {"reason": "Not the NCP's: SSA says so"}
    assert "no SSN on file" in client.get(response["Location"]).content.decode()
    # nothing left to remove
    response = _post(client, my_case, person, action="remove")
    assert "no SSN on file to remove" in response.content.decode()


def test_a_removed_ssn_is_free_for_the_right_person(person, role_user):
    other = PersonFactory(ssn="")
    services.person_ssn_correct(person=person, ssn="", reason="wrong person", by=None)
    services.person_ssn_correct(person=other, ssn=ON_FILE, reason="card seen", by=None)
    assert Person.objects.get(ssn_index=blind_index(ON_FILE)) == other


# Two corrections at once -------------------------------------------------------------------------


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_corrections_to_the_same_ssn_at_once_give_it_to_one(role_user):
    """Both read "nobody has it" if they could interleave; the SSN's advisory lock makes the second
    wait for the first to commit, and then it is refused."""
    worker = role_user("caseworker")
    first, second = PersonFactory(ssn=""), PersonFactory(ssn="")
    original, first_checked, second_done, results = (
        people_services._live_holder,
        threading.Event(),
        threading.Event(),
        {},
    )

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return cursor.fetchone()[0] > 0

    def live_holder(index, *, besides):
        found = original(index, besides=besides)
        if threading.current_thread().name == "first":
            first_checked.set()
            # Go on once the second clerk is waiting for the SSN's lock (or, were there no lock,
            # has finished: the interleaving READ COMMITTED allows, which the lock must prevent).
            while not second_done.is_set() and not second_waits_on_a_lock():
                second_done.wait(0.01)
        return found

    def clerk(name, person):
        try:
            if name == "second":
                first_checked.wait(5)
            results[name] = services.person_ssn_correct(person=person, ssn=RIGHT, reason="card", by=worker).pk
        except ValidationError as exc:
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    people_services._live_holder = live_holder
    try:
        threads = [
            threading.Thread(target=clerk, args=(n, p), name=n) for n, p in (("first", first), ("second", second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        people_services._live_holder = original
    assert results["first"] == first.pk
    assert isinstance(results["second"], services.SsnOnFileForAnother), results
    assert results["second"].holder.pk == first.pk
    assert list(Person.objects.filter(ssn_index=blind_index(RIGHT)).values_list("pk", flat=True)) == [first.pk]


def test_a_writer_without_the_lock_meets_the_unique_index_and_gets_the_same_refusal():
    """The backstop: an SSN given to someone else meanwhile by a writer that does not take the
    lock (a merge undone, an admin) is caught at the unique index, not a 500."""
    first, second = PersonFactory(ssn=""), PersonFactory(ssn="")
    original = people_services._live_holder
    calls = []

    def live_holder(index, *, besides):
        calls.append(besides.pk)
        if len(calls) == 1:  # after the check, before the save: the SSN given to someone else
            Person.objects.filter(pk=first.pk).update(ssn_index=index, ssn_last4=RIGHT[-4:])
            return None
        return original(index, besides=besides)

    people_services._live_holder = live_holder
    try:
        with pytest.raises(services.SsnOnFileForAnother) as caught:
            services.person_ssn_correct(person=second, ssn=RIGHT, reason="card", by=None)
    finally:
        people_services._live_holder = original
    assert caught.value.holder.pk == first.pk
    second.refresh_from_db()
    assert second.ssn_index == ""

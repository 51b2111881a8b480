"""One person, one record when people are added to a new case: the SSN typed for a picked record,
name variants offered and reported, and two clerks opening cases at the same moment."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cases import services
from cases.models import Case, CaseParticipant, Person
from cases.people import duplicate_pairs, person_matches
from core.fields import blind_index
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, PersonFactory, case_create_post
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db
BORN = date(1988, 4, 12)


@pytest.fixture
def worker(role_user):
    return role_user("caseworker")


def _on_file(**fields):
    """A person already on an Albany case (so in the caseworker's scope), born ``BORN``, no SSN."""
    person = PersonFactory(**{"date_of_birth": BORN, "ssn": "", **fields})
    CaseParticipant.objects.create(case=CaseFactory(county="Albany", participants=False), person=person, role="cp")
    return person


def _open(worker, cp, ncp=None, child=None, received_on=date(2026, 11, 2)):
    return services.case_create(
        county="Albany",
        jurisdiction="NY",
        assistance_status="never",
        application_received_on=received_on,
        opened_on=date(2026, 11, 3),
        cp=cp,
        ncp=ncp or services.PartyData("Hugo", "Reyes", date(1985, 1, 30), "123456781"),
        children=[child or services.PartyData("Lola", "Reyes", date(2019, 6, 1), "123456782")],
        by=worker,
        caseworker=worker,
    )


def _live_with_ssn(ssn):
    return Person.objects.filter(ssn_index=blind_index(ssn), merged_into=None)


# The SSN typed for a picked record -----------------------------------------------------------------


def test_the_ssn_typed_for_a_picked_record_is_saved_on_it(worker):
    existing = _on_file(first_name="Maria", last_name="Nunez")
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780", existing_person_id=existing.pk))
    assert case.cp == existing
    existing.refresh_from_db()
    assert existing.ssn == "123456780" and existing.ssn_last4 == "6780"
    # found by the files that match by SSN only (new hires, bank matches, tax offset)
    assert list(_live_with_ssn("123456780")) == [existing]
    # in the field history (the index and last four; the SSN itself is never in history)
    assert existing.history.first().ssn_last4 == "6780"
    # and said on the case-opened event, without the SSN
    event = DomainEvent.objects.get(case_id=case.pk, verb="case.opened")
    assert event.data["people_matched"][0] == {
        "party": "cp",
        "person_id": existing.pk,
        "how": "picked by the caseworker",
        "ssn_added": True,
    }
    assert "123456780" not in str(event.data) and "6780" not in str(event.data) + event.summary


def test_the_next_entry_with_that_ssn_finds_the_picked_record(worker):
    existing = _on_file(first_name="Maria", last_name="Nunez")
    _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780", existing_person_id=existing.pk))
    # next application: same SSN, birth date not on the form (optional for parents)
    again = _open(worker, services.PartyData("Maria", "Nunez", None, "123456780"), received_on=date(2026, 11, 3))
    assert again.cp == existing
    assert Person.objects.filter(first_name="Maria", last_name="Nunez", merged_into=None).count() == 1


def test_a_pick_whose_record_has_a_different_ssn_is_refused_and_nothing_is_written(worker):
    existing = _on_file(first_name="Maria", last_name="Nunez", ssn="987654321")
    cases, people = Case.objects.count(), Person.objects.count()
    with pytest.raises(ValidationError) as exc:  # two SSNs are two people (person_merge refuses the same)
        _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780", existing_person_id=existing.pk))
    assert list(exc.value.message_dict) == ["cp_existing_person"]
    assert "different SSN" in exc.value.message_dict["cp_existing_person"][0]
    existing.refresh_from_db()
    assert existing.ssn == "987654321" and (Case.objects.count(), Person.objects.count()) == (cases, people)


def test_a_record_with_a_different_ssn_is_still_shown_and_a_new_person_needs_a_reason(worker):
    """Same name and birth date, another SSN on file: not the same person, but shown (a one-digit
    typo in the SSN typed would otherwise make a second record silently)."""
    existing = _on_file(first_name="Maria", last_name="Nunez", ssn="987654321")
    with pytest.raises(services.ProbableMatches) as exc:
        _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780"))
    assert exc.value.matches == {"cp": [existing]}
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780", new_person_reason="Other SSN"))
    assert case.cp != existing and case.cp.ssn == "123456780"


def test_the_form_says_which_match_has_a_different_ssn(client, worker):
    from django.urls import reverse

    other = _on_file(first_name="Maria", last_name="Nunez", ssn="987654321")
    same = _on_file(first_name="Maria", last_name="Núñez")
    client.force_login(worker)
    form = case_create_post()
    html = client.post(reverse("cases:case_create"), form).content.decode()
    assert (
        f"SSN ending 4321, a different SSN from the one entered: not this person, on 1 case you can see; person {other.pk})"
        in html
    )
    assert f"Maria Núñez (born 1988-04-12, on 1 case you can see; person {same.pk})" in html
    page = client.post(reverse("cases:case_create"), {**form, "cp_existing_person": str(other.pk)})
    assert page.status_code == 200 and "has a different SSN on file" in page.content.decode()
    assert Person.objects.get(pk=other.pk).ssn == "987654321"


# An SSN on file under another name or birth date ------------------------------------------------


def test_an_ssn_on_file_for_another_name_and_birth_date_is_asked_about(worker):
    """A one-digit slip in the SSN typed would link a stranger's record: asked, not silently reused."""
    stranger = _on_file(first_name="Hector", last_name="Alvarez", date_of_birth=date(1970, 3, 3), ssn="123456780")
    cases, people = Case.objects.count(), Person.objects.count()
    with pytest.raises(services.SsnOnFileDiffers) as exc:
        _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780"))
    assert list(exc.value.message_dict) == ["cp_ssn"]
    message = exc.value.message_dict["cp_ssn"][0]
    assert "Hector" not in message and "1970" not in message  # nothing of the record is shown
    assert (Case.objects.count(), Person.objects.count()) == (cases, people)
    # the caseworker checked: same person (a new surname and a corrected birth date, say)
    case = _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780", ssn_match_confirmed=True))
    assert case.cp == stranger
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note == {
        "party": "cp",
        "person_id": stranger.pk,
        "how": "same SSN",
        "entered_differs": ["name", "date_of_birth"],
        "confirmed_by_caseworker": True,
    }


@pytest.mark.parametrize(
    ("entered", "born"),
    [(("Maria", "Nunez"), None), (("María", "Núñez-Soto"), BORN), (("Nunez", "Maria"), BORN)],
)
def test_an_ssn_on_file_for_the_same_name_is_reused_without_asking(worker, entered, born):
    existing = _on_file(first_name="Maria", last_name="Nunez", ssn="123456780")
    assert _open(worker, services.PartyData(*entered, born, "123456780")).cp == existing


def test_the_form_asks_to_confirm_an_ssn_on_file_for_another_person(client, worker):
    from django.urls import reverse

    stranger = _on_file(first_name="Hector", last_name="Alvarez", date_of_birth=date(1970, 3, 3), ssn="123456780")
    client.force_login(worker)
    form = case_create_post()
    page = client.post(reverse("cases:case_create"), form)
    html = page.content.decode()
    assert page.status_code == 200 and "This SSN is on file for a person whose name or date of birth" in html
    assert 'type="checkbox" name="cp_ssn_same_person"' in html and "Hector" not in html
    done = client.post(reverse("cases:case_create"), {**form, "cp_ssn_same_person": "on"})
    assert done.status_code == 302
    assert Case.objects.get(application_received_on=date(2026, 11, 2)).cp == stranger


# Name variants -----------------------------------------------------------------------------------

VARIANTS = [
    (("Ana", "Garcia Lopez"), ("Ana", "Garcia")),  # second surname dropped
    (("Ana", "Garcia-Lopez"), ("Ana", "Lopez")),  # first surname dropped
    (("José", "García López"), ("Jose", "Garcia")),
    (("Ana", "De La Cruz"), ("Ana", "Cruz")),
    (("Ana", "de la Cruz"), ("Ana", "Delacruz")),
    (("Li", "Wu"), ("Li", "Wu Jr")),  # suffix on a short name
    (("Bo", "Li Sr."), ("Bo", "Li")),
    (("Zoë", "Đorđević"), ("Zoe", "Djordjevic")),  # Đ is transliterated (anyascii)
    (("Maria", "Nunez"), ("Nunes", "Maria")),  # a typo, surname first
]


@pytest.mark.parametrize(("on_file", "entered"), VARIANTS)
def test_a_name_variant_born_the_same_day_is_offered(worker, on_file, entered):
    existing = _on_file(first_name=on_file[0], last_name=on_file[1])
    with pytest.raises(services.ProbableMatches) as exc:
        _open(worker, services.PartyData(entered[0], entered[1], BORN, ""))
    assert exc.value.matches == {"cp": [existing]}


@pytest.mark.parametrize(("on_file", "entered"), VARIANTS)
def test_a_name_variant_born_the_same_day_is_on_the_duplicates_report(on_file, entered):
    a = PersonFactory(first_name=on_file[0], last_name=on_file[1], date_of_birth=BORN, ssn="")
    b = PersonFactory(first_name=entered[0], last_name=entered[1], date_of_birth=BORN, ssn="")
    assert {(p.first.pk, p.second.pk) for p in duplicate_pairs()} == {(a.pk, b.pk)}


DIFFERENT_PEOPLE = [
    (("Ana", "Lopez"), ("Maria", "Lopez")),  # sisters' names: only the surname is shared
    (("Ana", "Garcia"), ("Maria", "Garcia")),
    (("Jose", "Garcia"), ("Juan", "Garcia")),
    (("Li", "Wu"), ("Bo", "Wu")),
    (("Minh", "Le"), ("Minh", "Do")),  # Le, Do: surnames, not particles
    (("Ana", "Cruz"), ("Ana", "De La Rosa")),
    (("Ana", "Lopez"), ("Ana", "Ruiz")),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_clearly_different_people_born_the_same_day_are_not_matched(a, b):
    PersonFactory(first_name=a[0], last_name=a[1], date_of_birth=BORN, ssn="")
    assert not person_matches(first_name=b[0], last_name=b[1], date_of_birth=BORN)
    PersonFactory(first_name=b[0], last_name=b[1], date_of_birth=BORN, ssn="")
    assert duplicate_pairs() == []


def test_a_suffix_alone_is_no_surname():
    PersonFactory(first_name="Ana", last_name="Jr", date_of_birth=BORN, ssn="")
    assert not person_matches(first_name="Ana", last_name="Lopez", date_of_birth=BORN)


def test_the_duplicates_report_leaves_out_pairs_with_two_different_ssns():
    """Two SSNs are two people: such a pair cannot be merged (``person_merge``), so it is not listed."""
    PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="987654321")
    PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="123456780")
    assert duplicate_pairs() == []


# Two clerks at once ------------------------------------------------------------------------------


def test_two_live_records_cannot_share_an_ssn():
    PersonFactory(ssn="123456780")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(ssn="123456780")


def test_a_merged_record_keeps_its_ssn_beside_its_survivor(worker):
    """The unique SSN index is on live records only: a merge keeps the duplicate's SSN (for its
    undo), and a survivor without an SSN takes it."""
    survivor, duplicate = PersonFactory(ssn=""), PersonFactory(ssn="123456780")
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=worker, reason="Same person")
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.ssn == duplicate.ssn == "123456780" and duplicate.merged_into == survivor
    services.person_merge_undo(event=event, by=worker)
    survivor.refresh_from_db()
    assert survivor.ssn == "" and list(_live_with_ssn("123456780")) == [duplicate]


def test_a_merge_of_two_records_of_one_ssn_made_before_the_index_is_not_undone(worker):
    """Such a pair (merged before migration 0024) cannot both be live again: the undo says so."""
    survivor, duplicate = PersonFactory(ssn="123456780"), PersonFactory(ssn="")
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=worker, reason="Same person")
    Person.objects.filter(pk=duplicate.pk).update(ssn_index=survivor.ssn_index)  # its SSN, as it was
    with pytest.raises(ValidationError, match="same SSN"):
        services.person_merge_undo(event=event, by=worker)
    assert Person.objects.get(pk=duplicate.pk).merged_into == survivor


def test_a_case_number_taken_meanwhile_is_not_a_server_error(worker, monkeypatch):
    """Another clerk's case took the number this one computed: the next number is used."""
    from cases.services import cases as case_services

    first = _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780"))
    monkeypatch.setattr(case_services, "case_number_next", _stale_once(first.case_number))
    second = _open(
        worker,
        services.PartyData("Rosa", "Diaz", BORN, "223456780"),
        ncp=services.PartyData("Tom", "Diaz", date(1984, 1, 30), "223456781"),
        child=services.PartyData("Eva", "Diaz", date(2020, 6, 1), "223456782"),
    )
    assert second.case_number == f"NY-{int(first.case_number[3:]) + 1:06d}"


def _stale_once(taken):
    from cases.services.cases import case_number_next

    calls = []

    def numbering(jurisdiction):
        calls.append(1)
        return taken if len(calls) == 1 else case_number_next(jurisdiction)

    return numbering


def test_case_numbers_continue_from_the_highest_whatever_its_length_or_other_numbers(worker):
    """A number of another shape (``NY-B12345678``, the e-IWO bench's) is not counted, and
    ``NY-1000000`` is after ``NY-999999`` though it sorts below it as text."""
    CaseFactory(case_number="NY-B12345678", participants=False)
    first = _open(worker, services.PartyData("Maria", "Nunez", BORN, "123456780"))
    assert first.case_number == "NY-000001"
    CaseFactory(case_number="NY-999999", participants=False)
    CaseFactory(case_number="NY-1000000", participants=False)
    second = _open(
        worker,
        services.PartyData("Rosa", "Diaz", BORN, "223456780"),
        ncp=services.PartyData("Tom", "Diaz", date(1984, 1, 30), "223456781"),
        child=services.PartyData("Eva", "Diaz", date(2020, 6, 1), "223456782"),
    )
    assert second.case_number == "NY-1000001"


def _two_clerks(worker, *, families, pause, second_worker=None):
    """Two clerks press "Open case" together (``second_worker``: the second clerk, else ``worker``
    again). The first, once its parties are matched, waits (up to ``pause`` seconds) for the second
    to finish before it writes anything: the interleaving two READ COMMITTED transactions allow."""
    from cases.services import cases as case_services

    original, second_done, results = case_services._parties_resolve, threading.Event(), {}

    def resolve(parties, *, by):
        result = original(parties, by=by)
        if threading.current_thread().name == "first":
            second_done.wait(pause)
        return result

    def clerk(name, family):
        try:
            if name == "second":
                first_matched.wait(5)
            results[name] = _open(second_worker if name == "second" and second_worker else worker, *family).pk
        except Exception as exc:  # noqa: BLE001 - the test reports what each clerk got
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    first_matched = threading.Event()

    def resolve_and_signal(parties, *, by):
        if threading.current_thread().name == "first":
            first_matched.set()
        return resolve(parties, by=by)

    case_services._parties_resolve = resolve_and_signal
    try:
        threads = [threading.Thread(target=clerk, args=(name, fam), name=name) for name, fam in families.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        case_services._parties_resolve = original
    return results


def _family(cp_ssn, *, last="Nunez", born=BORN, ncp_born=date(1985, 1, 30), child_born=date(2019, 6, 1), n=0):
    return (
        services.PartyData("Maria", last, born, cp_ssn),
        services.PartyData("Hugo", last, ncp_born, f"5556667{n}1"),
        services.PartyData("Lola", last, child_born, f"5556667{n}2"),
    )


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_clerks_opening_two_cases_at_once_both_open(role_user):
    worker = role_user("caseworker")
    results = _two_clerks(
        worker,
        families={
            "first": _family("111222333", n=1),
            "second": _family(
                "444555666",
                last="Diaz",
                born=date(1990, 9, 9),
                ncp_born=date(1980, 2, 2),
                child_born=date(2021, 3, 3),
                n=2,
            ),
        },
        pause=5,
    )
    assert all(isinstance(pk, int) for pk in results.values()), results
    numbers = sorted(Case.objects.filter(pk__in=results.values()).values_list("case_number", flat=True))
    assert len(set(numbers)) == 2


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_one_clerk_sending_the_same_family_twice_at_once_opens_one_case(role_user):
    """A double click whose two requests run at once: the second waits on the clerk's lock, then
    finds the case the first opened and is pointed to it (``CaseAlreadyOpened``)."""
    worker = role_user("caseworker")
    results = _two_clerks(
        worker, families={"first": _family("123456780", n=1), "second": _family("123456780", n=1)}, pause=1.5
    )
    assert isinstance(results["first"], int), results
    assert isinstance(results["second"], services.CaseAlreadyOpened) and results["second"].case.pk == results["first"]
    assert Case.objects.count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_clerks_entering_the_same_new_ssn_at_once_make_one_person(role_user, make_user):
    worker = role_user("caseworker")
    results = _two_clerks(  # two clerks: one clerk sending the same family twice opens one case
        worker,
        families={"first": _family("123456780", n=1), "second": _family("123456780", n=1)},
        pause=1.5,
        second_worker=make_user("caseworker", username="second_clerk"),
    )
    assert all(isinstance(pk, int) for pk in results.values()), results
    assert _live_with_ssn("123456780").count() == 1
    assert Person.objects.filter(merged_into=None).count() == 3  # one CP, one NCP, one child

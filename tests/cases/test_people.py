"""One person, one record: matching people on case opening, the duplicates report, merge and undo."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import Address, Case, CaseParticipant, Employment, Person
from cases.people import duplicate_pairs, name_key, name_similarity, person_matches
from core.models import AccessLog, DomainEvent
from tests.cases.factories import CaseFactory, EmployerFactory, PersonFactory, case_create_post

pytestmark = pytest.mark.django_db
BORN = date(1988, 4, 12)
QUERIES_TO_OFFER = (
    # the page and the stopped case (22, with the case's checks of its constraints; on PostgreSQL
    # also the advisory locks of the SSN and the birth date), the check for the same case opened a
    # moment ago (and on PostgreSQL its lock), then which matches the user may see, their cases, the
    # log row
    29
)
OPENING_DAY = time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)


def _on_file(county="Albany", **fields):
    """María Núñez (born ``BORN``), already on a case of ``county``: a person is in a user's scope
    through a case the user may see (``cases.search.visible_people``)."""
    person = PersonFactory(**{"first_name": "María", "last_name": "Núñez", "date_of_birth": BORN, "ssn": "", **fields})
    case = CaseFactory(county=county, participants=False)
    CaseParticipant.objects.create(case=case, person=person, role="cp")
    return person


def _open(worker, cp, ncp, child, received_on=date(2026, 11, 2), **kw):
    return services.case_create(
        county="Albany",
        jurisdiction="NY",
        assistance_status="never",
        application_received_on=received_on,
        opened_on=date(2026, 11, 3),
        cp=cp,
        ncp=ncp,
        children=[child],
        by=worker,
        caseworker=worker,
        **kw,
    )


def _family(**cp_decision):
    return (
        services.PartyData("María", "Núñez", BORN, "123456780", **cp_decision),
        services.PartyData("Hugo", "Reyes", date(1985, 1, 30), "123456781"),
        services.PartyData("Lola", "Reyes", date(2019, 6, 1), "123456782"),
    )


# Names -----------------------------------------------------------------------------------------


def test_names_compare_without_accents_case_punctuation_or_order():
    assert name_key("José ", "Muñoz-Peña") == "jose munoz pena"
    assert name_similarity("José", "Muñoz-Peña", "JOSE", "MUNOZ PENA") == 1.0
    assert name_similarity("Jose", "Munoz", "Munoz", "Jose") == 1.0  # written surname first
    assert name_similarity("Catherine", "Smith", "Katherine", "Smith") >= 0.8  # one letter off
    assert name_similarity("Ann", "Lee", "Robert", "Johnson") < 0.5


# Matching on case opening ----------------------------------------------------------------------


def test_reentering_an_existing_family_reuses_the_people_by_ssn(worker):
    # given a family already on a case
    first = _open(worker, *_family())
    people = Person.objects.count()
    # when the same parents and child are entered for a second case (another application)
    second = _open(worker, *_family(), received_on=date(2026, 11, 3))
    # then no new person is created: the SSN match through the blind index is the same person
    assert Person.objects.count() == people == 3
    assert second.cp == first.cp and second.ncp == first.ncp and second.children == first.children
    matched = DomainEvent.objects.get(case_id=second.pk, verb="case.opened").data["people_matched"]
    assert {m["party"] for m in matched} == {"cp", "ncp", "child"} and {m["how"] for m in matched} == {"same SSN"}


def test_a_probable_match_stops_the_case_until_the_caseworker_decides(worker):
    existing = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="")
    cp, ncp, child = _family()
    cp.ssn = ""
    cases, people = Case.objects.count(), Person.objects.count()
    with pytest.raises(services.ProbableMatches) as exc:
        _open(worker, cp, ncp, child)
    assert exc.value.matches == {"cp": [existing]}
    assert "cp_existing_person" in exc.value.message_dict
    # nothing was written
    assert (Case.objects.count(), Person.objects.count()) == (cases, people)


def test_the_caseworker_picks_the_existing_person(worker):
    existing = _on_file(first_name="Maria", last_name="Nunez")
    cp, ncp, child = _family(existing_person_id=existing.pk)
    cp.ssn = ""
    case = _open(worker, cp, ncp, child)
    assert case.cp == existing


def test_a_pick_that_is_not_a_candidate_is_refused(worker):
    PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="")
    stranger = PersonFactory()
    cp, ncp, child = _family(existing_person_id=stranger.pk)
    cp.ssn = ""
    with pytest.raises(ValidationError) as exc:
        _open(worker, cp, ncp, child)
    assert "cp_existing_person" in exc.value.message_dict and not Case.objects.exists()


def test_a_new_person_despite_matches_needs_and_records_a_reason(worker):
    existing = _on_file(first_name="Maria", last_name="Nunez")
    cp, ncp, child = _family(new_person_reason="Different mother's maiden name on the birth record")
    cp.ssn = ""
    case = _open(worker, cp, ncp, child)
    assert case.cp != existing
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note == {
        "party": "cp",
        "how": "new despite possible matches",
        "candidates": [existing.pk],
        "reason": "Different mother's maiden name on the birth record",
    }


def test_an_fvi_flag_entered_for_an_existing_person_is_kept(worker):
    first = _open(worker, *_family())
    assert not first.cp.family_violence
    cp, ncp, child = _family()
    cp.family_violence = True
    second = _open(worker, cp, ncp, child, received_on=date(2026, 11, 3))
    assert second.cp.pk == first.cp.pk and Person.objects.get(pk=first.cp.pk).family_violence


def test_different_birth_dates_are_not_a_match():
    PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN)
    matches = person_matches(first_name="Maria", last_name="Nunez", date_of_birth=BORN + timedelta(days=1))
    assert not matches


@pytest.mark.parametrize("office", [1, 40])
def test_matching_costs_the_same_queries_whatever_the_office_size(office, django_assert_num_queries):
    for _ in range(office):
        PersonFactory(date_of_birth=BORN)
    with django_assert_num_queries(2):  # one by SSN index, one by date of birth
        person_matches(first_name="Zed", last_name="Quux", date_of_birth=BORN, ssn="111223333")


# The case page -----------------------------------------------------------------------------------


def _opened():
    """The cases the page opened (the factories' cases were received in 2024)."""
    return Case.objects.filter(application_received_on=date(2026, 11, 2))


def _form(**extra):
    return case_create_post(**{"cp_ssn": "", **extra})  # no SSN typed: matched by name and birth


@OPENING_DAY
def test_the_case_form_offers_the_match_then_opens_with_the_existing_person(client, worker):
    existing = _on_file()
    client.force_login(worker)
    url = reverse("cases:case_create")
    page = client.post(url, _form())
    assert page.status_code == 200 and not _opened().exists()
    html = page.content.decode()
    assert "Custodial parent: already on file?" in html and f'value="{existing.pk}"' in html
    assert "None of these: a new person" in html
    # a new person without a reason is refused on the reason field
    page = client.post(url, _form(cp_existing_person="new"))
    assert page.status_code == 200 and "Say why this is a new person" in page.content.decode()
    # picking the record opens the case with it
    done = client.post(url, _form(cp_existing_person=str(existing.pk)))
    assert done.status_code == 302
    assert _opened().get().cp == existing


# Matches are office-wide (one person, one record), what is shown of them is not: a person is shown
# with their details only to a user who may see them (a case of the user's county), and every offer
# of possible matches is a logged sensitive read (45 CFR 303.21).

WITHHELD = "on cases you cannot see"


def _choice(html, person):
    """Whether ``person`` is offered as a choice of the custodial parent's record."""
    return re.search(rf'name="cp_existing_person" value="{person.pk}"', html) is not None


@OPENING_DAY
def test_a_match_in_the_users_county_is_offered_with_its_details_and_the_offer_is_logged(client, worker):
    existing = _on_file(ssn="123454321")
    client.force_login(worker)
    page = client.post(reverse("cases:case_create"), _form())
    html = page.content.decode()
    assert page.status_code == 200 and not _opened().exists()
    assert _choice(html, existing)
    assert f"María Núñez (born 1988-04-12, SSN ending 4321, on 1 case you can see; person {existing.pk})" in html
    assert WITHHELD not in html
    log = AccessLog.objects.get(kind="sensitive_read")
    assert (log.user, log.username, log.path) == (worker, worker.username, reverse("cases:case_create"))
    assert log.fields == ["date_of_birth", "ssn_last4", "case_count"]
    assert log.detail == {
        "possible_matches": {"cp": [existing.pk]},
        "person_ids": [existing.pk],
        "matches": 1,
        "withheld_person_ids": [],
    }


@OPENING_DAY
def test_another_countys_match_is_not_shown_but_still_stops_the_case(client, worker):
    elsewhere = _on_file(county="Kings", ssn="123454321")
    client.force_login(worker)
    page = client.post(reverse("cases:case_create"), _form())
    html = page.content.decode()
    # the case is stopped: the party must be decided
    assert page.status_code == 200 and not _opened().exists()
    assert "Custodial parent: already on file?" in html and WITHHELD in html
    # but nothing of the record is shown: no choice, no id, no birth date, no SSN, no case count
    assert not _choice(html, elsewhere) and f"person {elsewhere.pk}" not in html
    assert "SSN ending" not in html and "born 1988-04-12" not in html and "on 1 case" not in html
    log = AccessLog.objects.get(kind="sensitive_read")
    assert log.user == worker and log.fields == ["match_elsewhere"]
    assert log.detail == {
        "possible_matches": {"cp": [elsewhere.pk]},
        "person_ids": [],
        "matches": 0,
        "withheld_person_ids": [elsewhere.pk],
    }


@OPENING_DAY
def test_both_kinds_of_match_the_users_with_details_the_other_countys_withheld(client, worker):
    here = _on_file()
    elsewhere = _on_file(county="Kings", ssn="123454321")
    client.force_login(worker)
    html = client.post(reverse("cases:case_create"), _form()).content.decode()
    assert _choice(html, here) and f"person {here.pk}" in html
    assert not _choice(html, elsewhere) and f"person {elsewhere.pk}" not in html and "SSN ending" not in html
    assert WITHHELD in html
    log = AccessLog.objects.get(kind="sensitive_read")
    assert log.fields == ["date_of_birth", "case_count", "match_elsewhere"]
    assert log.detail["person_ids"] == [here.pk] and log.detail["withheld_person_ids"] == [elsewhere.pk]


@OPENING_DAY
def test_another_countys_person_cannot_be_picked(client, worker):
    elsewhere = _on_file(county="Kings")
    client.force_login(worker)
    page = client.post(reverse("cases:case_create"), _form(cp_existing_person=str(elsewhere.pk)))
    assert page.status_code == 200 and not _opened().exists()
    assert "That person is not one of the possible matches." in page.content.decode()


def test_the_service_refuses_a_pick_outside_the_users_scope(worker):
    elsewhere = _on_file(county="Kings", first_name="Maria", last_name="Nunez")
    cp, ncp, child = _family(existing_person_id=elsewhere.pk)
    cp.ssn = ""
    with pytest.raises(ValidationError) as exc:
        _open(worker, cp, ncp, child)
    assert exc.value.message_dict == {"cp_existing_person": ["That person is not one of the possible matches."]}
    assert not Case.objects.filter(county="Albany", participants__person=elsewhere).exists()


def test_someone_who_sees_every_county_may_pick_a_match_from_any_county(role_user):
    elsewhere = _on_file(county="Kings", first_name="Maria", last_name="Nunez")
    cp, ncp, child = _family(existing_person_id=elsewhere.pk)
    cp.ssn = ""
    case = _open(role_user("administrator"), cp, ncp, child)
    assert case.cp == elsewhere


@OPENING_DAY
def test_a_new_record_beside_another_countys_match_is_noted_for_the_duplicates_report(client, worker):
    elsewhere = _on_file(county="Kings")
    client.force_login(worker)
    reason = "The applicant has only ever lived in Albany County"
    done = client.post(reverse("cases:case_create"), _form(cp_existing_person="new", cp_new_person_reason=reason))
    assert done.status_code == 302
    case = _opened().get()
    assert case.cp != elsewhere
    note = DomainEvent.objects.get(case_id=case.pk, verb="case.opened").data["people_matched"][0]
    assert note == {
        "party": "cp",
        "how": "new despite possible matches",
        "candidates": [elsewhere.pk],
        "not_visible_to_caseworker": [elsewhere.pk],
        "reason": reason,
    }
    # the coordinators' report pairs the two records (the same rule as the match), to check and merge
    assert (elsewhere.pk, case.cp.pk) in {(p.first.pk, p.second.pk) for p in duplicate_pairs()}


@OPENING_DAY
def test_a_user_without_a_county_is_shown_no_details_of_any_match(client, make_user):
    nowhere = make_user("caseworker", username="countyless_caseworker", county="")
    existing = _on_file(ssn="123454321")
    client.force_login(nowhere)
    # a decision sent back without its reason: the form offers the matches again
    page = client.post(reverse("cases:case_create"), _form(cp_existing_person="new"))
    html = page.content.decode()
    assert page.status_code == 200 and not _opened().exists()
    assert WITHHELD in html and not _choice(html, existing) and "SSN ending" not in html
    assert f"person {existing.pk}" not in html
    log = AccessLog.objects.get(kind="sensitive_read")
    assert log.user == nowhere and log.detail["withheld_person_ids"] == [existing.pk]
    assert log.detail["person_ids"] == []


@OPENING_DAY
@pytest.mark.parametrize("candidates", [2, 20])
def test_offering_matches_costs_the_same_queries_whatever_their_number(
    client, worker, candidates, django_assert_max_num_queries
):
    for i in range(candidates):
        _on_file(county="Albany" if i % 2 else "Kings", ssn=f"12345{i:04d}")
    client.force_login(worker)
    with django_assert_max_num_queries(QUERIES_TO_OFFER):
        page = client.post(reverse("cases:case_create"), _form())
    assert page.status_code == 200 and page.content.decode().count('name="cp_existing_person"') == candidates // 2 + 1


# Duplicates report, merge and undo ------------------------------------------------------------------


def test_the_duplicates_report_pairs_similar_names():
    # (Two live records of one SSN cannot be written since the unique index, migration 0024:
    # tests/cases/test_people_duplicates.py.)
    a = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="")
    b = PersonFactory(first_name="MARÍA", last_name="NÚÑEZ", date_of_birth=BORN, ssn="")
    PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=date(1990, 1, 1))  # other birth date
    found = {(p.first.pk, p.second.pk): p.reason for p in duplicate_pairs()}
    assert found == {(a.pk, b.pk): "same date of birth, similar name"}


def test_a_merge_moves_everything_to_the_survivor_and_combines_fvi(worker):
    survivor_case, duplicate_case = CaseFactory(), CaseFactory()
    survivor, duplicate = survivor_case.ncp, duplicate_case.ncp
    duplicate.family_violence = True
    duplicate.ssn = ""
    duplicate.save()
    Address.objects.create(
        person=duplicate, line1="1 Elm", city="Troy", state="NY", postal_code="12180", valid_from=date(2024, 1, 1)
    )
    Employment.objects.create(person=duplicate, employer=EmployerFactory(), started_on=date(2024, 1, 1))
    event = services.person_merge(survivor=survivor, duplicate=duplicate, by=worker, reason="Same person")
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and survivor.family_violence
    assert Case.objects.get(pk=duplicate_case.pk).ncp == survivor
    assert survivor.addresses.filter(line1="1 Elm").exists() and survivor.employments.count() == 1
    assert not CaseParticipant.objects.filter(person=duplicate).exists()
    # the merge is an event on both records
    assert DomainEvent.objects.filter(verb="person.merged", subject_id__in=[survivor.pk, duplicate.pk]).count() == 2
    # a merged record is no longer a match
    assert (
        duplicate
        not in person_matches(
            first_name=duplicate.first_name, last_name=duplicate.last_name, date_of_birth=duplicate.date_of_birth
        ).probable
    )
    # and undo puts back exactly what moved
    services.person_merge_undo(event=event, by=worker)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and not survivor.family_violence
    assert Case.objects.get(pk=duplicate_case.pk).ncp == duplicate
    assert duplicate.addresses.filter(line1="1 Elm").exists() and duplicate.employments.count() == 1
    with pytest.raises(ValidationError, match="already undone"):
        services.person_merge_undo(event=event, by=worker)


def test_two_people_on_the_same_case_merge_into_one_participation(worker):
    case = CaseFactory()
    twin = PersonFactory(ssn="")
    CaseParticipant.objects.create(case=case, person=twin, role="ncp")
    event = services.person_merge(survivor=case.ncp, duplicate=twin, by=worker, reason="Entered twice")
    assert CaseParticipant.objects.filter(case=case, role="ncp").count() == 1
    services.person_merge_undo(event=event, by=worker)
    assert CaseParticipant.objects.filter(case=case, role="ncp").count() == 2


def test_different_ssns_are_two_people(worker):
    a, b = PersonFactory(), PersonFactory()
    with pytest.raises(ValidationError, match="different SSNs"):
        services.person_merge(survivor=a, duplicate=b, by=worker, reason="Looks alike")
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_merge_needs_a_reason(worker):
    a, b = PersonFactory(ssn=""), PersonFactory(ssn="")
    with pytest.raises(ValidationError) as exc:
        services.person_merge(survivor=a, duplicate=b, by=worker, reason=" ")
    assert "reason" in exc.value.message_dict


def test_a_merge_cannot_be_undone_the_next_day(worker):
    a, b = PersonFactory(ssn=""), PersonFactory(ssn="")
    with time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False):
        event = services.person_merge(survivor=a, duplicate=b, by=worker, reason="Same")
    with (
        time_machine.travel(datetime(2026, 11, 4, 15, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError, match="only the same day"),
    ):
        services.person_merge_undo(event=event, by=worker)
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk


def test_merging_is_for_coordinators(client, role_user):
    a = PersonFactory(first_name="Maria", last_name="Nunez", date_of_birth=BORN, ssn="")
    b = PersonFactory(first_name="Maria", last_name="Nunes", date_of_birth=BORN, ssn="")
    url = reverse("cases:person_merge", args=[a.pk, b.pk])
    client.force_login(role_user("caseworker"))
    assert client.get(reverse("cases:person_duplicates")).status_code == 403
    assert client.post(url, {"survivor": a.pk, "reason": "Same"}).status_code == 403
    assert Person.objects.get(pk=b.pk).merged_into is None
    client.force_login(role_user("coordinator"))
    report = client.get(reverse("cases:person_duplicates"))
    assert report.status_code == 200 and url in report.content.decode()
    assert client.post(url, {"survivor": a.pk, "reason": "Same person, misspelt"}).status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    # an already merged record cannot be merged again: the page is a 404
    assert client.get(url).status_code == 404


@OPENING_DAY
def test_opening_an_interstate_case_names_a_iv_d_jurisdiction(client, worker):
    # 45 CFR 303.7: the other state runs a IV-D program: the 50 states, DC, PR, VI, GU ("ZZ" or a
    # military postal code is no state; the case details page refuses them too).
    client.force_login(worker)
    for state in ("ZZ", "AE"):
        page = client.post(reverse("cases:case_create"), _form(interstate_role="responding", other_state=state))
        assert page.status_code == 200 and "runs no IV-D program" in page.content.decode()
    assert not _opened().exists()

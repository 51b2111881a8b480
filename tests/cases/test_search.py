"""Find anyone (issue 15.1): kinds of query, scope, FVI, audit, query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import CaseParticipant, Collection, Person
from cases.search import parse_date, search
from core.models import AccessLog
from tests.cases.factories import CaseFactory, EmployerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def case_with_ncp(first: str, last: str, **case_fields):
    """A case whose NCP is named ``first last``; the case's other people get a surname no query here
    uses (Faker's random surnames include "Garcia", which made a CP match a query meant for NCPs)."""
    case = CaseFactory(**case_fields)
    ncp = case.ncp
    for person in Person.objects.filter(participations__case=case).exclude(pk=ncp.pk):
        person.last_name = "Xyzzyqwv"
        person.save()
    ncp.first_name, ncp.last_name = first, last
    ncp.save()
    return case, ncp


def found(results, kind: str) -> list:
    return next((g.rows for g in results.groups if g.kind == kind), [])


def test_name_is_found_whatever_the_accents_and_order(role_user):
    case, ncp = case_with_ncp("José", "Peña")
    user = role_user("caseworker")
    for query in ("Peña Jose", "pena jose", "JOSE PENA", "José", "pen jos"):
        assert ncp in found(search(user=user, query=query), "people"), query
    assert ncp not in found(search(user=user, query="Perez"), "people")
    # each word is the start of a name word, alone or with others ("ena" is inside "pena")
    for query in ("ena", "ena jose", "jose ena", "ose"):
        assert ncp not in found(search(user=user, query=query), "people"), query
    assert Person.objects.get(pk=ncp.pk).name_search == " jose pena "


def test_transliterated_letters_are_found_too(role_user):
    _case, ncp = case_with_ncp("Đức", "Nguyễn")
    assert ncp in found(search(user=role_user("caseworker"), query="nguyen duc"), "people")


def test_case_number_in_any_spelling(role_user):
    case = CaseFactory()
    user = role_user("caseworker")
    digits = int(case.case_number[3:])
    for query in (case.case_number, case.case_number.lower(), f"ny{digits}"):
        assert found(search(user=user, query=query), "cases") == [case], query


@pytest.mark.parametrize("typed", ["1990-03-04", "03/04/1990", "3/4/1990", "Mar 4, 1990", "March 4 1990", "4 Mar 1990"])
def test_date_of_birth_in_several_formats(typed):
    assert parse_date(typed) == date(1990, 3, 4)


def test_date_of_birth_search_is_logged(client_as):
    cp = CaseFactory().cp
    cp.date_of_birth = date(1990, 3, 4)
    cp.save()
    client = client_as("caseworker")
    response = client.get(reverse("search"), {"q": "03/04/1990"})
    assert cp.display_name in response.content.decode()
    log = AccessLog.objects.get(kind="sensitive_read", detail__search=["date_of_birth"])
    assert log.detail["person_ids"] == [cp.pk] and log.username == "caseworker_user"


def test_ssn_last_four_is_a_logged_sensitive_read_and_never_decrypts(client_as, django_assert_max_num_queries):
    case = CaseFactory()
    ncp = case.ncp
    last4 = ncp.ssn_last4
    client = client_as("caseworker")
    response = client.get(reverse("search"), {"q": last4})
    page = response.content.decode()
    assert ncp.display_name in page
    assert ncp.ssn not in page  # masked: ***-**-1234
    log = AccessLog.objects.get(kind="sensitive_read", detail__search=["ssn_last4"])
    assert ncp.pk in log.detail["person_ids"] and log.user.username == "caseworker_user" and log.at


def test_employer_finds_the_people_it_employs_but_never_an_fvi_person(role_user):
    from cases.models import Employment

    employer = EmployerFactory(name="Acme Widgets")
    shown, hidden = CaseFactory(), CaseFactory()
    Employment.objects.create(person=shown.ncp, employer=employer, started_on=date(2024, 1, 1))
    Employment.objects.create(person=hidden.ncp, employer=employer, started_on=date(2024, 1, 1))
    protected = hidden.ncp
    protected.family_violence = True
    protected.save()
    rows = found(search(user=role_user("caseworker"), query="acme"), "employers")
    assert [e.person for e in rows] == [shown.ncp]


def test_employer_people_are_the_first_by_employer_name_in_scope(role_user, monkeypatch):
    # Read in employer-name order until LIMIT are found: exact, not sorted among a first few matches.
    import cases.search as search_module
    from cases.models import Employment

    monkeypatch.setattr(search_module, "CANDIDATES", 1)
    monkeypatch.setattr(search_module, "LIMIT", 2)
    names = ("Acme Zinc", "Acme Brass", "Acme Copper", "Acme Alloys")
    for name in names:
        Employment.objects.create(
            person=CaseFactory().ncp, employer=EmployerFactory(name=name), started_on=date(2024, 1, 1)
        )
    elsewhere = CaseFactory(county="Bronx")  # sorts first, but another county
    Employment.objects.create(
        person=elsewhere.ncp, employer=EmployerFactory(name="Acme Aaa"), started_on=date(2024, 1, 1)
    )
    results = search(user=role_user("caseworker"), query="acme")
    group = next(g for g in results.groups if g.kind == "employers")
    assert [e.employer.name for e in group.rows] == ["Acme Alloys", "Acme Brass"] and group.more is True


def test_a_case_number_is_not_searched_as_a_name(role_user):
    # "NY-000123" holds the name word "ny": it finds the case, not every "Nyla".
    case, _ncp = case_with_ncp("Nyla", "Ortiz")
    results = search(user=role_user("caseworker"), query=case.case_number)
    assert found(results, "cases") == [case]
    assert [g.kind for g in results.groups] == ["cases"] and "name" not in results.read_as


def test_statewide_user_finds_people_on_a_case_of_any_county_only(role_user):
    # A user who sees every case is not asked which case a person is on, only whether there is one.
    here, _ = case_with_ncp("Ines", "Vallejo")
    there, _ = case_with_ncp("Ines", "Valverde", county="Bronx")
    PersonFactory(first_name="Ines", last_name="Valdes")  # on no case
    merged = PersonFactory(first_name="Ines", last_name="Valles")
    CaseParticipant.objects.create(case=here, person=merged, role="cp")
    Person.objects.filter(pk=merged.pk).update(merged_into=here.ncp)
    for role in ("administrator", "ombudsperson"):  # a superuser; cases.view_all_cases
        assert set(found(search(user=role_user(role), query="ines val"), "people")) == {here.ncp, there.ncp}, role
    assert set(found(search(user=role_user("caseworker"), query="ines val"), "people")) == {here.ncp}


def test_payment_reference(role_user):
    case = CaseFactory()
    collection = Collection.objects.create(
        source_reference="IWO-77123",
        case=case,
        amount=Decimal("100.00"),
        received_on=date(2025, 1, 2),
        collected_on=date(2025, 1, 2),
        source="income_withholding",
    )
    assert found(search(user=role_user("caseworker"), query="iwo-77123"), "payments") == [collection]


def test_only_what_the_user_may_see(make_user, role_user):
    mine, _ = case_with_ncp("Rosa", "Quintero")
    elsewhere, other = case_with_ncp("Rosa", "Quintana", county="Bronx")
    caseworker = role_user("caseworker")
    assert found(search(user=caseworker, query="rosa"), "people") == [mine.ncp]
    assert found(search(user=caseworker, query=elsewhere.case_number), "cases") == []
    assert found(search(user=caseworker, query=other.ssn_last4), "people_ssn") == [] or other not in found(
        search(user=caseworker, query=other.ssn_last4), "people_ssn"
    )
    no_county = make_user("caseworker", username="nocounty", county="")
    assert search(user=no_county, query="rosa").total == 0
    assert search(user=no_county, query=mine.case_number).total == 0


def test_roles_without_case_access_are_refused(client_as, client):
    assert client.get(reverse("search"), {"q": "x"}).status_code == 302  # anonymous: sign in
    response = client_as("trainer").get(reverse("search"), {"q": "x"})
    assert response.status_code == 403


def test_bad_input_is_a_clear_error(client_as):
    client = client_as("caseworker")
    response = client.get(reverse("search"), {"q": "a\x00b"})
    assert response.status_code == 400  # NUL bytes are refused before any view (core middleware)
    response = client.get(reverse("search"), {"q": "x" * 101})
    assert "at most 100" in response.content.decode()


def test_header_box_submits_to_search(client_as):
    page = client_as("caseworker").get(reverse("core:home")).content.decode()
    assert 'role="search"' in page and f'action="{reverse("search")}"' in page and 'for="header-search-q"' in page


def test_search_query_count_is_flat_in_rows(client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("caseworker")
    counts = []
    for rows in (1, 12):
        while (
            Person.objects.filter(first_name="Marta", last_name="Lopez").count() < rows
        ):  # faker may name others Lopez
            case = case_with_ncp("Marta", "Lopez")[0]
            Collection.objects.create(
                source_reference=f"LOPEZ{case.pk}",
                case=case,
                amount=Decimal("1.00"),
                received_on=date(2025, 1, 2),
                collected_on=date(2025, 1, 2),
                source="income_withholding",
            )
        client.get(reverse("search"), {"q": "lopez"})  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("search"), {"q": "lopez"})
        assert response.content.decode().count("Marta Lopez") >= rows
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts


# The person page -------------------------------------------------------------------------------


def test_person_page_lists_every_case_with_role_and_balance(client_as):
    first = CaseFactory()
    second = CaseFactory()
    person = first.ncp
    CaseParticipant.objects.create(case=second, person=person, role="cp")
    page = client_as("caseworker").get(reverse("person", args=[person.pk])).content.decode()
    assert first.case_number in page and second.case_number in page
    assert "Noncustodial parent" in page and "Custodial parent" in page
    log = AccessLog.objects.filter(kind="sensitive_read", object_id=str(person.pk)).latest("id")
    assert "date_of_birth" in log.fields


def test_person_pages_name_the_language_and_the_interpreter_need(client_as):
    from core.templatetags.caseworks import language_name

    case = CaseFactory()
    person = case.ncp
    person.preferred_language, person.needs_interpreter, person.language_note = "es", True, "Mixteco too"
    person.save()
    client = client_as("caseworker")
    for url in (
        reverse("person", args=[person.pk]),
        reverse("cases:person_detail", args=[case.case_number, person.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'data-testid="language">Spanish (Mixteco too)' in page and "interpreter needed" in page
    assert (language_name("en"), language_name("xx-unknown"), language_name("")) == ("English", "xx-unknown", "")


def test_person_page_withholds_fvi_whereabouts(client_as):
    from tests.cases.factories import AddressFactory

    case = CaseFactory()
    person = case.cp
    assert person is not None
    person.family_violence = True
    person.phone = "555-123-9876"
    person.save()
    AddressFactory(person=person, line1="12 Hidden Lane")
    page = client_as("coordinator").get(reverse("person", args=[person.pk])).content.decode()
    assert "12 Hidden Lane" not in page and "555-123-9876" not in page
    assert 'data-testid="fvi-protected"' in page


def test_person_page_out_of_scope_is_404_and_logged(client_as, make_user, client):
    elsewhere = CaseFactory(county="Bronx")
    person = elsewhere.ncp
    assert client_as("caseworker").get(reverse("person", args=[person.pk])).status_code == 404
    assert AccessLog.objects.filter(kind="access_denied", object_id=str(person.pk)).exists()
    client.force_login(make_user("caseworker", username="nocounty2", county=""))
    assert client.get(reverse("person", args=[person.pk])).status_code == 404


def test_person_page_for_someone_on_no_case_is_404(client_as):
    loner = PersonFactory()
    assert client_as("coordinator").get(reverse("person", args=[loner.pk])).status_code == 404


def test_common_names_are_sorted_among_the_first_matches_in_scope_only(role_user, monkeypatch):
    # A statewide office has ~90,000 "Garcia"s: a kind reads its first CANDIDATES matches (scope and
    # words applied first), sorts them and shows LIMIT, saying there are more.
    import cases.search as search_module

    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    monkeypatch.setattr(search_module, "LIMIT", 2)
    mine = [case_with_ncp(first, "Garcia")[1] for first in ("Eva", "Cruz", "Ana", "Dora")]
    case_with_ncp("Aaron", "Garcia", county="Bronx")  # sorts first, but another county
    results = search(user=role_user("caseworker"), query="garcia")
    rows = found(results, "people")
    group = next(g for g in results.groups if g.kind == "people")
    assert group.more is True and len(rows) == 2
    assert [p.first_name for p in rows] == sorted(p.first_name for p in rows)  # sorted on name
    assert set(rows) <= set(mine)  # never the other county's Aaron, though he sorts first
    monkeypatch.setattr(search_module, "CANDIDATES", 1000)
    assert [p.first_name for p in found(search(user=role_user("caseworker"), query="garcia"), "people")] == [
        "Ana",
        "Cruz",
    ]  # all matches read: the first two by name


def test_payment_reference_is_found_by_its_key_and_an_unkeyed_repeat_by_its_text(role_user):
    """The search looks a reference up by ``Collection.reference_key`` (casefold: "STRAẞE-7" is
    "strasse-7"); a receipt migration 0034 left without a key (a repeat in another case) is still
    found by its reference as typed."""
    case = CaseFactory()
    row = {"case": case, "amount": Decimal("1.00"), "received_on": date(2025, 1, 2), "source": "income_withholding"}
    street = Collection.objects.create(source_reference="STRAẞE-7", **row)
    unkeyed = Collection.objects.create(source_reference="IWO-5", **row)
    Collection.objects.filter(pk=unkeyed.pk).update(reference_key=None)
    caseworker = role_user("caseworker")
    assert found(search(user=caseworker, query="strasse-7"), "payments") == [street]
    assert found(search(user=caseworker, query="iwo-5"), "payments") == [unkeyed]

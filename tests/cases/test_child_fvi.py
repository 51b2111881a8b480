"""A child lives with the custodial parent: where the child is locates the parent. While a CP on any
of a child's cases has the family violence indicator, the child's whereabouts are withheld on every
channel, as the parent's are (42 USC 654(26); 45 CFR 303.21; ``cases.redaction.parent_fvi``),
derived when shown — whichever way the parent's indicator was set — and shown again when it is
removed, unless the child has one of their own. A child whose CP has no indicator is unaffected."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import ParticipantRole
from cases.letters import recipient_block
from cases.models import Address, CaseParticipant, LocateAttempt, Person
from cases.redaction import (
    WITHHELD,
    mailing_address,
    parent_fvi,
    people_mark,
    person_card,
    protects,
    visible_addresses,
    whereabouts_shown,
)
from cases.services import letter_record
from cases.services.whereabouts import person_fvi_clear, person_fvi_set
from core.letters import Letter
from tests.cases.factories import AddressFactory, CaseFactory, ChildFactory, PersonFactory

pytestmark = pytest.mark.django_db

ROLES = ["caseworker", "coordinator"]
LINE = "5 Zqxchild Court"
PHONE = "518-555-0177"
EMAIL = "zqxkid@example.org"
NOTES = "Seen at 5 Zqxchild Court with the mother"
PEOPLE = "/api/v1/people/"


@pytest.fixture
def family():
    """A case on the cast caseworker's caseload whose child has an address, a phone and an e-mail on
    file, a letter printed with that address and a locate attempt's notes: all before any indicator."""
    case = CaseFactory()
    child = case.participants.get(role=ParticipantRole.CHILD).person
    Person.objects.filter(pk=child.pk).update(phone=PHONE, email=EMAIL)
    child.refresh_from_db()
    AddressFactory(person=child, line1=LINE, valid_from=date(2024, 1, 1))
    block, address = recipient_block(child)
    letter = Letter(kind="sample", subject="Sample letter", recipient=block, date=timezone.localdate())
    sent = letter_record(letter=letter, case=case, person=child, address=address)
    assert LINE in sent.address_text  # the copy holds the address
    LocateAttempt.objects.create(
        case=case, person=child, source="dmv", attempted_on=date(2025, 5, 1), result="found", notes=NOTES
    )
    return case


def _child(case) -> Person:
    return case.participants.get(role=ParticipantRole.CHILD).person


def _protect_cp(case) -> None:
    """As an import or admin would: no service runs (the rule is read when shown)."""
    Person.objects.filter(pk=case.cp.pk).update(family_violence=True)


def _pages(case, child) -> dict[str, str]:
    return {
        "case person page": reverse(
            "cases:person_detail", kwargs={"case_number": case.case_number, "person_id": child.pk}
        ),
        "search person page": reverse("person", args=[child.pk]),
        "case page": reverse("cases:case_detail", args=[case.case_number]),
    }


# --- pages, per role ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_childs_whereabouts_while_the_custodial_parent_has_the_indicator(
    client, role_user, family, role
):
    child = _child(family)
    _protect_cp(family)
    client.force_login(role_user(role))
    for name, url in _pages(family, child).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        for text in ("Zqxchild", PHONE, EMAIL):
            assert text not in page, (name, text)
    person_page = client.get(_pages(family, child)["case person page"]).content.decode()
    assert 'data-testid="fvi-protected-with-parent"' in person_page
    assert "withheld with the custodial parent" in person_page
    assert (
        'data-testid="fvi-protected-with-parent"'
        in client.get(_pages(family, child)["search person page"]).content.decode()
    )
    case_page = client.get(_pages(family, child)["case page"]).content.decode()
    assert 'data-testid="letter-address-withheld"' in case_page and WITHHELD in case_page


@pytest.mark.parametrize("role", ROLES)
def test_a_child_whose_custodial_parent_has_no_indicator_is_shown_as_before(client, role_user, family, role):
    child = _child(family)
    Person.objects.filter(pk=family.ncp.pk).update(family_violence=True)  # the NCP's locates not the child
    client.force_login(role_user(role))
    pages = {name: client.get(url).content.decode() for name, url in _pages(family, child).items()}
    assert LINE in pages["case person page"] and PHONE in pages["case person page"]
    assert LINE in pages["search person page"] and EMAIL in pages["search person page"]
    assert LINE in pages["case page"] and NOTES in pages["case page"]
    assert 'data-testid="fvi-protected' not in pages["case person page"]
    assert whereabouts_shown(child) and mailing_address(child) is not None


# --- letters, the API, querysets ---------------------------------------------------------------------


def test_a_letter_to_the_child_prints_the_confidential_arrangement_not_the_address(family):
    child = _child(family)
    assert not recipient_block(child)[0].confidential
    _protect_cp(family)
    block, address = recipient_block(child)
    assert block.confidential and address is None
    assert mailing_address(child) is None
    assert all("Zqxchild" not in line for line in block.lines)


def test_the_partner_people_list_withholds_the_childs_phone_and_email(family, api_client_with):
    child = _child(family)
    api = api_client_with("cases:read")
    rows = {r["id"]: r for r in api.get(PEOPLE).json()["results"]}
    assert rows[child.pk]["phone"] == PHONE  # before: shown
    _protect_cp(family)
    for params in ({}, {"pagination": "cursor"}):
        response = api.get(PEOPLE, params)
        rows = {r["id"]: r for r in response.json()["results"]}
        assert PHONE not in response.content.decode() and EMAIL not in response.content.decode()
        assert rows[child.pk]["phone"] == WITHHELD and rows[child.pk]["email"] == WITHHELD
        assert rows[child.pk]["family_violence"] is False  # the child's own indicator is not set
        assert "parent_fvi" not in rows[child.pk]


def test_querysets_and_admin_withhold_the_childs_rows(family):
    child = _child(family)
    address = Address.objects.get(person=child)
    assert visible_addresses().filter(pk=address.pk).exists() and not protects(address)
    _protect_cp(family)
    assert not visible_addresses().filter(pk=address.pk).exists()
    assert protects(address) and protects(child)
    assert visible_addresses().filter(person=family.cp).count() == 0


def test_a_cp_with_the_indicator_on_another_of_the_childs_cases_withholds_it(family):
    """The child is on two cases; the CP of the other one has the indicator."""
    child = _child(family)
    other = CaseFactory(participants=False)
    CaseParticipant.objects.create(case=other, person=PersonFactory(family_violence=True), role=ParticipantRole.CP)
    CaseParticipant.objects.create(case=other, person=child, role=ParticipantRole.CHILD)
    assert not whereabouts_shown(child)
    assert person_card(person=child).with_parent


# --- the parent's indicator set and removed through the desk --------------------------------------------


def test_the_desk_setting_and_removing_the_parents_indicator_withholds_and_releases_the_child(family, role_user):
    child = _child(family)
    coordinator = role_user("coordinator")
    person_fvi_set(person=family.cp, reason="Reported by the CP", reported_on=date(2026, 1, 5), by=coordinator)
    assert not whereabouts_shown(child)
    child.refresh_from_db()
    assert child.family_violence is False  # nothing was copied to the child
    person_fvi_clear(person=family.cp, reason="Court order", by=coordinator)
    assert whereabouts_shown(child)


def test_a_child_with_an_indicator_of_their_own_keeps_it_when_the_parents_is_removed(family, role_user):
    child = _child(family)
    coordinator = role_user("coordinator")
    Person.objects.filter(pk=child.pk).update(family_violence=True)
    person_fvi_set(person=family.cp, reason="Reported by the CP", reported_on=date(2026, 1, 5), by=coordinator)
    person_fvi_clear(person=family.cp, reason="Court order", by=coordinator)
    child.refresh_from_db()
    assert not whereabouts_shown(child)
    assert not person_card(person=child).with_parent


def test_the_clear_page_says_the_childrens_whereabouts_are_shown_again(client, role_user, family):
    Person.objects.filter(pk=family.cp.pk).update(family_violence=True)
    client.force_login(role_user("coordinator"))
    url = reverse("cases:person_fvi_clear", args=[family.case_number, family.cp.pk])
    assert "So will those of the children" in client.get(url).content.decode()


# --- no query per person on lists ----------------------------------------------------------------------


def test_people_mark_reads_the_parents_indicator_for_a_list_in_one_query(family, django_assert_num_queries):
    children = [ChildFactory() for _ in range(5)]
    for c in children:
        CaseParticipant.objects.create(case=family, person=c, role=ParticipantRole.CHILD)
    _protect_cp(family)
    people = list(Person.objects.filter(pk__in=[c.pk for c in children]))
    with django_assert_num_queries(1):
        people_mark(people)
        assert all(parent_fvi(p) for p in people)
        assert not any(whereabouts_shown(p) for p in people)


def test_the_case_page_costs_the_same_queries_for_one_childs_letter_and_for_six(client, role_user, family):
    _protect_cp(family)
    client.force_login(role_user("caseworker"))
    url = reverse("cases:case_detail", args=[family.case_number])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    Person.objects.filter(pk=family.cp.pk).update(family_violence=False)  # letters printed before it was set
    for _ in range(5):
        c = ChildFactory()
        CaseParticipant.objects.create(case=family, person=c, role=ParticipantRole.CHILD)
        AddressFactory(person=c, line1="6 Zqxchild Court", valid_from=date(2024, 1, 1))
        block, address = recipient_block(c)
        letter = Letter(kind="sample", subject="Sample", recipient=block, date=timezone.localdate())
        assert "Zqxchild" in letter_record(letter=letter, case=family, person=c, address=address).address_text
        LocateAttempt.objects.create(
            case=family, person=c, source="dmv", attempted_on=date(2025, 5, 1), result="found", notes=NOTES
        )
    _protect_cp(family)
    assert queries() == one
    assert "Zqxchild" not in client.get(url).content.decode()


def test_a_court_may_order_the_release_of_a_child_withheld_with_the_parent(family, role_user):
    from django.core.exceptions import ValidationError

    from cases.services import fvi_override_grant, fvi_override_use

    child = _child(family)
    coordinator = role_user("coordinator")
    order = {"court_name": "Family Court", "ordered_on": date(2026, 1, 5), "by": coordinator, "case": family}
    with pytest.raises(ValidationError):  # nothing is withheld: no override
        fvi_override_grant(person=child, court_order_reference="FC-1", **order)
    _protect_cp(family)
    override = fvi_override_grant(person=child, court_order_reference="FC-2", **order)
    assert [a.line1 for a in fvi_override_use(override=override, via="web", user=coordinator)] == [LINE]


def test_a_child_whose_participation_ended_stays_withheld_with_the_parent(family):
    """Emancipated or moved: nothing on file says the child no longer lives with the CP."""
    child = _child(family)
    CaseParticipant.objects.filter(case=family, person=child).update(
        ended_on=date(2026, 6, 1), end_recorded_on=date(2026, 6, 2), ended_reason="emancipated"
    )
    _protect_cp(family)
    assert not whereabouts_shown(child)

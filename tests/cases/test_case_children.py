"""A child added to an open case (a second child, a newborn): who may, the person found on file as
case opening finds its parties, a form sent twice, and the pass-through counting the new child."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases import allocation as rules
from cases import services
from cases.choices import COORDINATOR_UNIT, AssistanceStatus, ParticipantRole, WorkItemKind
from cases.models import Allocation, AssistanceSpell, CaseBalance, CaseParticipant, Person, WorkItem
from cases.services import case_child_add, charges_accrue, collection_post
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, ObligationFactory, PersonFactory, SupportOrderFactory
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db
BORN = date(2026, 9, 14)
FORM = {
    "child_first_name": "Nora",
    "child_last_name": "Vega",
    "child_date_of_birth": BORN.isoformat(),
    "child_sex": "F",
    "child_born_in_wedlock": "false",
    "child_paternity_status": "pending",
}


def _url(case):
    return reverse("cases:child_add", kwargs={"case_number": case.case_number})


def _children(case):
    return list(case.participants.filter(role=ParticipantRole.CHILD).values_list("person_id", flat=True))


def _on_file(*, county="Albany", **fields):
    """A child already on a case of ``county``, born ``BORN``, without an SSN."""
    person = PersonFactory(**{"first_name": "Nora", "last_name": "Vega", "date_of_birth": BORN, "ssn": "", **fields})
    CaseParticipant.objects.create(
        case=CaseFactory(county=county, participants=False), person=person, role=ParticipantRole.CHILD
    )
    return person


# Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_on_their_caseload_and_a_coordinator_add_a_child(client_as, role):
    case = CaseFactory()
    client = client_as(role)
    assert client.get(_url(case)).status_code == 200
    page = client.post(_url(case), FORM)
    assert page.status_code == 302, page.context["form"].errors if page.context else page
    child = case.participants.get(role=ParticipantRole.CHILD, person__first_name="Nora").person
    assert (child.date_of_birth, child.sex, child.born_in_wedlock, child.paternity_status) == (
        BORN,
        "F",
        False,
        "pending",
    )
    assert len(_children(case)) == 2
    event = DomainEvent.objects.get(verb="case.child_added")
    assert event.case_id == case.pk and event.data["person_id"] == child.pk


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_without_the_permission_are_refused_and_nothing_is_added(client_as, role):
    case = CaseFactory()
    client = client_as(role)
    assert client.get(_url(case)).status_code == 403
    assert client.post(_url(case), FORM).status_code == 403
    assert len(_children(case)) == 1


def test_another_caseload_is_403_another_county_404_and_no_county_refused(client, make_user):
    mine = CaseFactory()
    erie = CaseFactory(county="Erie", case_number="NY-777001")
    client.force_login(make_user("caseworker", username="second_worker", county="Albany"))
    assert client.post(_url(mine), FORM).status_code == 403
    client.force_login(make_user("caseworker", username="albany_worker2", county="Albany"))
    assert client.post(_url(erie), FORM).status_code == 404
    client.force_login(make_user("caseworker", username="countyless", county=""))
    assert client.post(_url(mine), FORM).status_code == 404
    assert len(_children(mine)) == 1 and len(_children(erie)) == 1
    assert not Person.objects.filter(first_name="Nora").exists()


def test_a_closed_case_takes_no_child(client_as, worker):
    case = CaseFactory()
    services.case_close(case=case, reason="good_cause", note="Risk of harm found by the IV-A agency.", by=worker)
    page = client_as("caseworker").post(_url(case), FORM)
    assert page.status_code == 302 and len(_children(case)) == 1
    with pytest.raises(ValidationError):
        case_child_add(case=case, data=services.PartyData("Nora", "Vega", BORN), by=worker)


# Bad input, a form sent twice ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"child_date_of_birth": "2099-01-01"},
        {"child_first_name": ""},
        {"child_paternity_status": "established"},  # without its date and method
        {"child_ssn": "12345"},
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_changes(client_as, bad):
    case = CaseFactory()
    page = client_as("caseworker").post(_url(case), {**FORM, **bad})
    assert page.status_code == 200 and page.context["form"].errors
    assert len(_children(case)) == 1 and not Person.objects.filter(last_name="Vega").exists()
    assert not DomainEvent.objects.filter(verb="case.child_added").exists()


def test_a_form_sent_twice_adds_the_child_once(client_as):
    case = CaseFactory()
    client = client_as("caseworker")
    assert client.post(_url(case), FORM).status_code == 302
    again = client.post(_url(case), FORM)
    assert again.status_code == 200
    assert "already on the case" in str(again.context["form"].non_field_errors())
    # even when the caseworker insists the child is a new person
    insist = client.post(
        _url(case), {**FORM, "child_existing_person": "new", "child_new_person_reason": "a twin of the same name"}
    )
    assert insist.status_code == 200
    assert len(_children(case)) == 2 and Person.objects.filter(first_name="Nora").count() == 1
    assert DomainEvent.objects.filter(verb="case.child_added").count() == 1


def test_a_person_already_on_the_case_is_refused(worker):
    case = CaseFactory()
    cp = case.cp
    with pytest.raises(ValidationError, match="already on the case"):
        case_child_add(
            case=case, data=services.PartyData(cp.first_name, cp.last_name, cp.date_of_birth, cp.ssn), by=worker
        )
    assert len(_children(case)) == 1


# The person found on file, as case opening finds it ------------------------------------------------


def test_a_possible_match_is_offered_and_the_record_picked_is_reused(client_as):
    case = CaseFactory()
    existing = _on_file()
    client = client_as("caseworker")
    asked = client.post(_url(case), FORM)
    assert asked.status_code == 200
    form = asked.context["form"]
    assert "child_existing_person" in form.errors
    assert str(existing.pk) in [value for value, _ in form.fields["child_existing_person"].widget.choices]
    done = client.post(_url(case), {**FORM, "child_existing_person": str(existing.pk)})
    assert done.status_code == 302
    assert existing.pk in _children(case) and Person.objects.filter(first_name="Nora").count() == 1


def test_the_same_ssn_is_the_same_person(worker):
    case = CaseFactory()
    existing = _on_file(ssn="123450001")
    participant = case_child_add(case=case, data=services.PartyData("Nora", "Vega", BORN, "123450001"), by=worker)
    assert participant.person == existing and Person.objects.filter(first_name="Nora").count() == 1


def test_an_fvi_record_picked_is_routed_to_a_coordinator_as_on_opening(client_as):
    case = CaseFactory()
    protected = _on_file(family_violence=True)
    page = client_as("caseworker").post(_url(case), {**FORM, "child_existing_person": str(protected.pk)})
    assert page.status_code == 302
    added = case.participants.get(role=ParticipantRole.CHILD, person__first_name="Nora").person
    assert added != protected and added.family_violence  # a new record, with the indicator
    item = WorkItem.objects.get(case=case, kind=WorkItemKind.PERSON_CHECK)
    assert item.unit == COORDINATOR_UNIT and f"person {protected.pk}" in item.notes
    assert "adding a child to this case" in item.notes


def test_an_ssn_on_file_in_another_county_under_another_name_is_routed_not_linked(client_as):
    case = CaseFactory()
    elsewhere = _on_file(county="Erie", first_name="Ximena", last_name="Ortiz", ssn="123450002")
    client = client_as("caseworker")
    asked = client.post(_url(case), {**FORM, "child_ssn": "123450002"})
    assert asked.status_code == 200 and "child_ssn" in asked.context["form"].errors
    assert "Ximena" not in asked.content.decode()
    done = client.post(_url(case), {**FORM, "child_ssn": "123450002", "child_ssn_same_person": "on"})
    assert done.status_code == 302
    added = case.participants.get(role=ParticipantRole.CHILD, person__first_name="Nora").person
    assert added != elsewhere and added.ssn == ""  # the SSN stays on the record it is on
    assert WorkItem.objects.filter(case=case, kind=WorkItemKind.PERSON_CHECK, unit=COORDINATOR_UNIT).count() == 1


def test_a_match_out_of_scope_cannot_be_picked(client_as):
    case = CaseFactory()
    elsewhere = _on_file(county="Erie")
    page = client_as("caseworker").post(_url(case), {**FORM, "child_existing_person": str(elsewhere.pk)})
    assert page.status_code == 200 and "child_existing_person" in page.context["form"].errors
    assert len(_children(case)) == 1


# The pass-through counts the child -----------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def test_the_pass_through_counts_the_child_added_from_the_month_added(worker):
    """Fam. Code 17504: a CA family on CalWORKs with one child, then a second: the month the child is
    added, the family's share of current support is the two-children amount. February, before the
    child was added, keeps the one-child amount: when a late February collection redistributes it,
    and in the data check of the pass-through (``cases.pass_through_not_as_the_law_reads``)."""
    from core.integrity import declared_checks

    case = CaseFactory(
        case_number="CA-917505",
        jurisdiction="CA",
        county="Albany",
        assistance_status=AssistanceStatus.CURRENT,
        application_received_on=date(2024, 1, 2),
        opened_on=date(2024, 1, 10),
        ncp_located_on=date(2024, 1, 10),
        caseworker=worker,
    )
    order = SupportOrderFactory(case=case, issued_on=date(2024, 2, 1), effective_on=date(2024, 2, 1))
    ObligationFactory(order=order, amount=Decimal("500.00"))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": Decimal("500.00")})
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.CURRENT, start_on=date(2024, 1, 10))
    one = rules.pass_through_limit(jurisdiction="CA", children=1, on=date(2024, 3, 1))
    two = rules.pass_through_limit(jurisdiction="CA", children=2, on=date(2024, 3, 1))
    assert two > one

    def family_share(day, ref, collected_on=None):
        with time_machine.travel(_at(day), tick=False):
            charges_accrue(through=day)
            result = collection_post(
                case_number=case.case_number,
                amount=Decimal("500.00"),
                received_on=day,
                collected_on=collected_on,
                source="income_withholding",
                source_reference=ref,
                received_via="api",
            )
        return sum(
            Allocation.objects.filter(
                collection=result.collection, payee="family", bucket="current", reversed_on__isnull=True
            ).values_list("amount", flat=True)
        )

    def family_in(month):
        return sum(
            Allocation.objects.filter(
                case=case,
                payee="family",
                bucket="current",
                reversed_on__isnull=True,
                collection__collected_on__year=month.year,
                collection__collected_on__month=month.month,
            ).values_list("amount", flat=True)
        )

    assert family_share(date(2024, 2, 10), "FEB") == one
    with time_machine.travel(_at(date(2024, 3, 4)), tick=False):
        added = case_child_add(case=case, data=services.PartyData("Nora", "Vega", date(2024, 3, 1)), by=worker)
    assert added.added_on == date(2024, 3, 4)
    assert family_share(date(2024, 3, 10), "MAR") == two
    # a payment withheld on February 5, received in March: February is distributed again, one child
    family_share(date(2024, 3, 12), "FEB-LATE", collected_on=date(2024, 2, 5))
    assert (family_in(date(2024, 2, 1)), family_in(date(2024, 3, 1))) == (one, two)
    (check,) = [c for c in declared_checks() if c.name == "cases.pass_through_not_as_the_law_reads"]
    assert [row for row in check.find() if row.reference == case.case_number] == []


# Two clerks at once ---------------------------------------------------------------------------------


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_clerks_adding_the_same_child_at_once_add_it_once(role_user):
    """Two clerks press "Add the child" together. The first, once the child is matched, waits (at
    most ``pause`` seconds) for the second: the second waits on the case's lock, then finds the
    first's child on the case and is refused."""
    from cases.services import participants

    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    original, first_matched, second_done, results = participants._parties_resolve, *_events(2), {}

    def resolve(parties, *, by):
        result = original(parties, by=by)
        if threading.current_thread().name == "first":
            first_matched.set()
            second_done.wait(2)
        return result

    def clerk(name):
        try:
            if name == "second":
                first_matched.wait(5)
            results[name] = case_child_add(
                case=case, data=services.PartyData("Nora", "Vega", BORN, "123450009"), by=worker
            ).pk
        except Exception as exc:  # noqa: BLE001 - the test reports what each clerk got
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    participants._parties_resolve = resolve
    try:
        threads = [threading.Thread(target=clerk, args=(name,), name=name) for name in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        participants._parties_resolve = original
    assert isinstance(results["first"], int), results
    assert isinstance(results["second"], ValidationError) and "already on the case" in str(results["second"])
    assert len(_children(case)) == 2 and Person.objects.filter(first_name="Nora").count() == 1


def _events(n):
    return [threading.Event() for _ in range(n)]

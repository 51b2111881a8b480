"""A child added to an open case (a second child, a newborn): who may, the person found on file as
case opening finds its parties, a form sent twice, and the pass-through counting the new child. A
child's participation ended (emancipated, died, custody, adopted): who may, bad input, a form sent
twice or from a stale page, and every count of the case's children (pass-through, OCSE-157, the
income withholding order)."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import allocation as rules
from cases import services
from cases.choices import COORDINATOR_UNIT, AssistanceStatus, ParticipantRole, WorkItemKind
from cases.models import Allocation, AssistanceSpell, CaseBalance, CaseParticipant, Person, WorkItem
from cases.services import case_child_add, case_child_end, charges_accrue, collection_post
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, ChildFactory, ObligationFactory, PersonFactory, SupportOrderFactory
from tests.conftest import needs_postgres
from tests.pages import shown_on

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


def _calworks_case(worker, case_number):
    """A CA case on CalWORKs since 2024-01-10 with a $500 monthly order from February 2024 and its
    one child; returns it with the one- and two-children pass-through limits (the latter higher)."""
    case = CaseFactory(
        case_number=case_number,
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
    return case, one, two


def test_the_pass_through_counts_the_child_added_from_the_month_added(worker):
    """Fam. Code 17504: a CA family on CalWORKs with one child, then a second: the month the child is
    added, the family's share of current support is the two-children amount. February, before the
    child was added, keeps the one-child amount: when a late February collection redistributes it,
    and in the data check of the pass-through (``cases.pass_through_not_as_the_law_reads``)."""
    from core.integrity import declared_checks

    case, one, two = _calworks_case(worker, "CA-917505")

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


# Ending a child's participation ---------------------------------------------------------------------

END = {"ended_on": "2026-11-20", "reason": "emancipated", "reason_text": ""}


def _end_url(case, participant):
    return reverse("cases:child_end", kwargs={"case_number": case.case_number, "participant_id": participant.pk})


def _child_of(case):
    return case.participants.get(role=ParticipantRole.CHILD)


def _post_end(client, case, participant, data=END):
    """The end page as opened, then sent with ``data`` (and what the page showed)."""
    page = client.get(_end_url(case, participant))
    assert page.status_code == 200
    return client.post(_end_url(case, participant), {**data, **shown_on(page)})


def _ended(participant):
    participant.refresh_from_db()
    return participant.ended_on


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_on_their_caseload_and_a_coordinator_end_a_child(client_as, role):
    case = CaseFactory()
    child = _child_of(case)
    second = CaseParticipant.objects.create(case=case, person=PersonFactory(), role=ParticipantRole.CHILD)
    client = client_as(role)
    case_url = reverse("cases:case_detail", kwargs={"case_number": case.case_number})
    assert 'data-testid="child-end"' in client.get(case_url).content.decode()
    page = _post_end(client, case, child)
    assert page.status_code == 302, page.context["form"].errors if page.context else page
    child.refresh_from_db()
    assert (child.ended_on, child.end_recorded_on, child.ended_reason) == (
        date(2026, 11, 20),
        timezone.localdate(),
        "emancipated",
    )
    assert _ended(second) is None and [p.pk for p in case.children] == [second.person_id]
    event = DomainEvent.objects.get(verb="case.child_ended")
    assert event.case_id == case.pk and event.data["children_left"] == 1 and event.data["reason"] == "emancipated"
    assert child.history.count() == 2  # field history keeps the participation before its end
    shown = client.get(case_url).content.decode()
    assert "ended on Nov 20, 2026 (emancipated)" in shown
    assert shown.count('data-testid="child-end"') == 1  # only the current child can be ended


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_without_the_permission_cannot_end_a_child(client_as, role):
    case = CaseFactory()
    child = _child_of(case)
    client = client_as(role)
    assert client.get(_end_url(case, child)).status_code == 403
    assert client.post(_end_url(case, child), END).status_code == 403
    assert 'data-testid="child-end"' not in client.get(f"/cases/{case.case_number}/").content.decode()
    assert _ended(child) is None


def test_ending_a_child_another_caseload_is_403_another_county_404_and_no_county_refused(client, make_user):
    mine = CaseFactory()
    erie = CaseFactory(county="Erie", case_number="NY-777002")
    client.force_login(make_user("caseworker", username="second_worker", county="Albany"))
    assert client.get(_end_url(mine, _child_of(mine))).status_code == 403
    assert client.post(_end_url(mine, _child_of(mine)), END).status_code == 403
    client.force_login(make_user("caseworker", username="albany_worker2", county="Albany"))
    assert client.post(_end_url(erie, _child_of(erie)), END).status_code == 404
    # a coordinator reads every county but changes only their own: another county's case is 403
    client.force_login(make_user("coordinator", username="albany_coordinator2", county="Albany"))
    assert client.post(_end_url(erie, _child_of(erie)), END).status_code == 403
    client.force_login(make_user("caseworker", username="countyless", county=""))
    assert client.post(_end_url(mine, _child_of(mine)), END).status_code == 404
    assert _ended(_child_of(mine)) is None and _ended(_child_of(erie)) is None
    assert not DomainEvent.objects.filter(verb="case.child_ended").exists()


def test_only_a_child_of_this_case_can_be_ended(client_as):
    case, other = CaseFactory(), CaseFactory()
    client = client_as("caseworker")
    assert client.get(_end_url(case, case.participants.get(role=ParticipantRole.CP))).status_code == 404
    assert client.get(_end_url(case, _child_of(other))).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"ended_on": "2099-01-01"},  # in the future
        {"ended_on": "2024-01-09"},  # before the case opened (Jan 10, 2024)
        {"ended_on": ""},
        {"reason": "moved"},
        {"reason": "other", "reason_text": ""},
    ],
)
def test_bad_input_to_end_a_child_is_shown_on_the_form_and_nothing_changes(client_as, bad):
    case = CaseFactory()
    child = _child_of(case)
    page = _post_end(client_as("caseworker"), case, child, {**END, **bad})
    assert page.status_code == 200 and page.context["form"].errors
    assert _ended(child) is None and not DomainEvent.objects.filter(verb="case.child_ended").exists()


def test_a_child_added_cannot_end_before_it_was_added_and_a_closed_case_is_refused(worker):
    case = CaseFactory()
    with time_machine.travel(_at(date(2026, 10, 5)), tick=False):
        added = case_child_add(case=case, data=services.PartyData("Nora", "Vega", BORN), by=worker)
    with pytest.raises(ValidationError, match="added to the case on Oct 5, 2026"):
        case_child_end(participant=added, ended_on=date(2026, 10, 4), reason="adopted", by=worker)
    services.case_close(case=case, reason="good_cause", note="Risk of harm found by the IV-A agency.", by=worker)
    with pytest.raises(ValidationError, match="closed"):
        case_child_end(participant=added, ended_on=date(2026, 11, 1), reason="adopted", by=worker)
    with pytest.raises(ValidationError, match="Only a child"):
        case_child_end(
            participant=case.participants.get(role=ParticipantRole.CP),
            ended_on=date(2026, 11, 1),
            reason="adopted",
            by=worker,
        )
    assert _ended(added) is None


def test_a_form_sent_twice_ends_the_child_once(client_as):
    case = CaseFactory()
    child = _child_of(case)
    client = client_as("caseworker")
    page = client.get(_end_url(case, child))
    form = {**END, **shown_on(page)}
    assert client.post(_end_url(case, child), form).status_code == 302
    again = client.post(_end_url(case, child), {**form, "ended_on": "2026-11-25"})
    assert again.status_code == 200 and "ended meanwhile (Nov 20, 2026, emancipated)" in str(
        again.context["form"].non_field_errors()
    )
    assert _ended(child) == date(2026, 11, 20)
    assert DomainEvent.objects.filter(verb="case.child_ended").count() == 1


def test_a_page_opened_before_a_colleague_ended_the_child_is_refused(client_as, role_user):
    case = CaseFactory()
    child = _child_of(case)
    client = client_as("caseworker")
    page = client.get(_end_url(case, child))
    case_child_end(participant=child, ended_on=date(2026, 11, 2), reason="adopted", by=role_user("coordinator"))
    late = client.post(_end_url(case, child), {**END, **shown_on(page)})
    errors = str(late.context["form"].non_field_errors())
    assert late.status_code == 200 and "meanwhile" in errors and "Coordinator_User" in errors
    assert _ended(child) == date(2026, 11, 2)
    # a form without what the page showed is refused as out of date
    other = CaseParticipant.objects.create(case=case, person=PersonFactory(), role=ParticipantRole.CHILD)
    bare = client.post(_end_url(case, other), END)
    assert bare.status_code == 200 and "out of date" in str(bare.context["form"].errors)
    assert _ended(other) is None


def test_a_child_who_died_gets_a_date_of_death_unless_one_is_on_file(worker):
    case = CaseFactory()
    child = _child_of(case)
    second = CaseParticipant.objects.create(
        case=case, person=PersonFactory(deceased_on=date(2026, 10, 1)), role=ParticipantRole.CHILD
    )
    case_child_end(participant=child, ended_on=date(2026, 11, 3), reason="deceased", by=worker)
    case_child_end(participant=second, ended_on=date(2026, 11, 4), reason="deceased", by=worker)
    child.person.refresh_from_db()
    second.person.refresh_from_db()
    assert (child.person.deceased_on, second.person.deceased_on) == (date(2026, 11, 3), date(2026, 10, 1))


def test_ending_the_last_child_leaves_the_case_open_as_a_closure_candidate(client_as):
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(_end_url(case, _child_of(case)))
    assert "last child on the case" in page.content.decode()
    done = client.post(_end_url(case, _child_of(case)), {**END, **shown_on(page)}, follow=True)
    assert "No child remains on the case" in done.content.decode()
    case.refresh_from_db()
    assert case.is_open and case.children == []
    assert DomainEvent.objects.get(verb="case.child_ended").data["children_left"] == 0


def test_a_child_counts_in_the_months_from_added_through_its_end():
    """The one rule (``cases.allocation.child_counts_in_month``): by month, both ends included."""
    counts = rules.child_counts_in_month
    assert counts(None, None, date(2020, 1, 1))
    assert counts(date(2026, 3, 31), None, date(2026, 3, 1)) and not counts(date(2026, 4, 1), None, date(2026, 3, 1))
    assert counts(None, date(2026, 3, 1), date(2026, 3, 1)) and not counts(None, date(2026, 3, 31), date(2026, 4, 1))
    assert (
        rules.children_in_month([(None, None), (None, date(2026, 3, 15)), (date(2026, 4, 2), None)], date(2026, 3, 1))
        == 2
    )
    assert (
        rules.children_in_month([(None, None), (None, date(2026, 3, 15)), (date(2026, 4, 2), None)], date(2026, 4, 1))
        == 2
    )


def test_the_pass_through_counts_the_child_through_the_month_its_end_is_recorded(worker):
    """Fam. Code 17504: a CA family on CalWORKs with two children, one of whom emancipated. March,
    distributed before the end was known, keeps the two-children amount (also when a late March
    collection redistributes it); the end is recorded in April, which counts the child; from May
    the family's share is the one-child amount. The data check of the pass-through stays clean."""
    from core.integrity import declared_checks

    case, one, two = _calworks_case(worker, "CA-917506")
    CaseParticipant.objects.create(case=case, person=PersonFactory(), role=ParticipantRole.CHILD)

    def post(day, ref, collected_on=None):
        with time_machine.travel(_at(day), tick=False):
            charges_accrue(through=day)
            collection_post(
                case_number=case.case_number,
                amount=Decimal("500.00"),
                received_on=day,
                collected_on=collected_on,
                source="income_withholding",
                source_reference=ref,
                received_via="api",
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

    post(date(2024, 3, 10), "MAR")
    post(date(2024, 4, 10), "APR")
    with time_machine.travel(_at(date(2024, 4, 20)), tick=False):
        # the child emancipated on March 28: learned of in April
        ended = case_child_end(
            participant=_child_of_first(case), ended_on=date(2024, 3, 28), reason="emancipated", by=worker
        )
    assert (ended.ended_on, ended.end_recorded_on) == (date(2024, 3, 28), date(2024, 4, 20))
    post(date(2024, 4, 25), "APR-2")
    post(date(2024, 5, 10), "MAY")
    # a payment withheld on March 20, received in May: March is distributed again, two children
    post(date(2024, 5, 12), "MAR-LATE", collected_on=date(2024, 3, 20))
    assert [family_in(date(2024, m, 1)) for m in (3, 4, 5)] == [two, two, one]
    (check,) = [c for c in declared_checks() if c.name == "cases.pass_through_not_as_the_law_reads"]
    assert [row for row in check.find() if row.reference == case.case_number] == []


def _child_of_first(case):
    return case.participants.filter(role=ParticipantRole.CHILD).order_by("id").first()


def test_the_157_lines_count_a_child_on_the_case_at_the_year_end_and_in_the_caseload_during_it(worker):
    """OCSE-157, FY 2027 (Oct 1, 2026 - Sep 30, 2027): line 5a counts the children born out of
    wedlock on the case at the end of FY 2026; line 6 those with paternity established in the
    caseload during FY 2027. A child who left on Sep 30, 2026 is in neither; one who left in
    November 2026 is in both."""
    from quality.measures import compute_lines

    case = CaseFactory()
    left_before = _child_of(case)
    left_during = CaseParticipant.objects.create(case=case, person=ChildFactory(), role=ParticipantRole.CHILD)
    CaseParticipant.objects.create(case=case, person=ChildFactory(), role=ParticipantRole.CHILD)
    scope = Q(pk=case.pk)
    with time_machine.travel(_at(date(2026, 12, 7)), tick=False):
        assert [compute_lines(fiscal_year=2027, case_filter=scope)[k] for k in ("5a", "6")] == [3, 3]
        case_child_end(participant=left_before, ended_on=date(2026, 9, 30), reason="custody_changed", by=worker)
        case_child_end(participant=left_during, ended_on=date(2026, 11, 2), reason="adopted", by=worker)
        assert [compute_lines(fiscal_year=2027, case_filter=scope)[k] for k in ("5a", "6")] == [2, 2]
        # the year before: all three were in its caseload
        assert compute_lines(fiscal_year=2026, case_filter=scope)["6"] == 3


def test_the_income_withholding_order_lists_only_the_current_children(worker):
    """A withholding order issued after a child's participation ended names the children still on
    the case (``Case.children``, ``enforcement.services.withholding``)."""
    from enforcement.services.withholding import iwo_reconcile_action
    from tests.enforcement.iwo_factories import active_withholding_action

    action = active_withholding_action()
    case = action.case
    staying = CaseParticipant.objects.create(
        case=case, person=ChildFactory(first_name="Ada", last_name="Lane"), role=ParticipantRole.CHILD
    )
    case_child_end(participant=_child_of_first(case), ended_on=date(2026, 11, 2), reason="emancipated", by=worker)
    (iwo,) = iwo_reconcile_action(action=action, on=date(2026, 11, 30))
    assert [child["name"] for child in iwo.children] == [f"{staying.person.last_name}, {staying.person.first_name}"]


def test_a_child_whose_participation_ended_is_not_added_again(worker):
    case = CaseFactory()
    child = _child_of(case)
    child.person.ssn = "123450077"
    child.person.save()
    case_child_end(participant=child, ended_on=date(2026, 11, 2), reason="custody_changed", by=worker)
    data = services.PartyData(child.person.first_name, child.person.last_name, child.person.date_of_birth, "123450077")
    with pytest.raises(ValidationError, match="ended on Nov 2, 2026 \\(went to live with the other parent\\)"):
        case_child_add(case=case, data=data, by=worker)
    assert len(_children(case)) == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_clerks_ending_the_same_child_at_once_end_it_once(role_user):
    """Two clerks press "End the participation" together: the second waits on the case's lock, then
    finds the participation ended and is refused; one event."""
    from cases.services import participants

    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    child = _child_of(case)
    original, first_locked, second_started, results = participants.not_in_future, *_events(2), {}

    def checked(value, field, **kwargs):  # runs under the case's lock, before the write
        if threading.current_thread().name == "first":
            first_locked.set()
            second_started.wait(2)
        return original(value, field, **kwargs)

    def clerk(name, reason):
        try:
            if name == "second":
                first_locked.wait(5)
                second_started.set()
            results[name] = case_child_end(participant=child, ended_on=date(2026, 11, 2), reason=reason, by=worker)
        except Exception as exc:  # noqa: BLE001 - the test reports what each clerk got
            results[name] = exc
        finally:
            connection.close()

    participants.not_in_future = checked
    try:
        threads = [
            threading.Thread(target=clerk, args=(name, reason), name=name)
            for name, reason in (("first", "adopted"), ("second", "emancipated"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        participants.not_in_future = original
    assert isinstance(results["first"], CaseParticipant), results
    assert isinstance(results["second"], ValidationError) and "already ended" in str(results["second"])
    child.refresh_from_db()
    assert child.ended_reason == "adopted"
    assert DomainEvent.objects.filter(verb="case.child_ended").count() == 1


def test_line_6_leaves_out_a_child_added_after_the_fiscal_year():
    # Red team: a child added on 2026-11-15 (paternity acknowledged in 2020) was counted on FY2026's
    # line 6, though FY2026 ended on 2026-09-30.
    from quality.measures import compute_lines
    from tests.cases.factories import ChildFactory

    case = CaseFactory(participants=False, opened_on=date(2024, 1, 10))
    before = compute_lines(fiscal_year=2026)["6"]
    CaseParticipant.objects.create(
        case=case, person=ChildFactory(), role=ParticipantRole.CHILD, added_on=date(2026, 11, 15)
    )
    assert compute_lines(fiscal_year=2026)["6"] == before
    assert compute_lines(fiscal_year=2027)["6"] == before + 1

"""A new address after the case opened (``cases:address_add``, ``cases.services.whereabouts.address_record``)
and the address a "found" locate attempt records: who may, what is refused, what letters use, and that an
FVI person's address is recorded but never shown back (42 USC 654(26))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStage
from cases.letters import recipient_block
from cases.models import Address, Case, LocateAttempt, Person
from cases.redaction import mailing_address
from cases.services.whereabouts import address_record
from core.models import AccessLog, DomainEvent
from tests.cases.factories import AddressFactory, CaseFactory, PersonFactory
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db

NEW = {
    "line1": "41 Zqxnew Street",
    "line2": "Apt 2",
    "city": "Troy",
    "state": "ny",
    "postal_code": "12180-1234",
    "source": "reported_by_person",
}
OLD_LINE = "9 Zqxold Avenue"


def _url(case, person):
    return reverse("cases:address_add", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _post(client, case, person, **changes):
    data = {**NEW, "valid_from": (timezone.localdate() - timedelta(days=3)).isoformat(), **changes}
    return client.post(_url(case, person), data)


@pytest.fixture
def moved(worker):
    """A case on the worker's caseload whose NCP has an address on file from 2024."""
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.ncp, line1=OLD_LINE, valid_from=date(2024, 1, 1))
    return case


def _page(client, case, person) -> str:
    url = reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": person.pk})
    return client.get(url).content.decode()


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_the_caseworker_of_the_case_and_a_coordinator_record_a_new_address(client, role_user, moved, role):
    client.force_login(role_user(role))
    response = _post(client, moved, moved.ncp)
    assert response.status_code == 302
    current = Address.objects.get(person=moved.ncp, valid_to__isnull=True)
    assert (current.line1, current.line2, current.city, current.state, current.postal_code) == (
        "41 Zqxnew Street",
        "Apt 2",
        "Troy",
        "NY",
        "12180-1234",
    )
    assert current.source == "reported_by_person"


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_that_do_not_work_parties_are_refused(client, role_user, moved, role):
    user = role_user(role)
    client.force_login(user)
    assert client.get(_url(moved, moved.ncp)).status_code == 403
    assert _post(client, moved, moved.ncp).status_code == 403
    assert Address.objects.filter(person=moved.ncp).count() == 1
    assert AccessLog.objects.filter(kind="access_denied", outcome="denied", user=user).count() == 2


def test_a_case_of_another_caseload_is_403_another_county_404_no_county_404(client, make_user, moved):
    colleague = make_user("caseworker", username="colleague")
    client.force_login(colleague)
    assert client.get(_url(moved, moved.ncp)).status_code == 403
    assert _post(client, moved, moved.ncp).status_code == 403
    elsewhere = CaseFactory(county="Schenectady", caseworker=colleague)
    client.force_login(make_user("caseworker", username="albany_worker"))
    assert _post(client, elsewhere, elsewhere.ncp).status_code == 404
    client.force_login(make_user("caseworker", username="nowhere", county=""))
    assert _post(client, moved, moved.ncp).status_code == 404
    assert Address.objects.filter(person__in=[moved.ncp, elsewhere.ncp]).count() == 1


def test_a_person_who_is_not_on_the_case_is_404(client, worker, moved):
    stranger = CaseFactory(caseworker=worker).ncp
    client.force_login(worker)
    assert client.get(_url(moved, stranger)).status_code == 404
    assert client.get(_url(moved, PersonFactory())).status_code == 404
    assert not Address.objects.filter(person=stranger).exists()


def test_a_merged_record_is_refused(client, worker, moved):
    survivor = PersonFactory()
    Person.objects.filter(pk=moved.ncp.pk).update(merged_into=survivor)
    client.force_login(worker)
    response = _post(client, moved, moved.ncp)
    assert response.status_code == 200 and "merged into another" in response.content.decode()
    assert Address.objects.filter(person=moved.ncp).count() == 1


# --- what it does ----------------------------------------------------------------------------------


def test_the_current_address_ends_the_day_before_and_letters_use_the_new_one(client, worker, moved):
    client.force_login(worker)
    starts = timezone.localdate() - timedelta(days=3)
    assert _post(client, moved, moved.ncp, valid_from=starts.isoformat()).status_code == 302
    old = Address.objects.get(person=moved.ncp, line1=OLD_LINE)
    assert old.valid_to == starts - timedelta(days=1)
    assert mailing_address(moved.ncp).line1 == "41 Zqxnew Street"
    block, used = recipient_block(moved.ncp)
    assert used.line1 == "41 Zqxnew Street" and block.lines[0] == "41 Zqxnew Street"
    assert OLD_LINE not in "\n".join(block.lines)


def test_an_undeliverable_old_address_never_comes_back(worker, moved):
    old = Address.objects.get(person=moved.ncp)
    Address.objects.filter(pk=old.pk).update(undeliverable_on=date(2026, 1, 5), undeliverable_reason="Moved")
    assert mailing_address(moved.ncp) is None
    data = {**NEW, "valid_from": date(2026, 2, 1), "source": "returned_mail"}
    address_record(person=moved.ncp, data=data, by=worker, case=moved)
    assert mailing_address(moved.ncp).line1 == "41 Zqxnew Street"
    old.refresh_from_db()
    assert old.valid_to == date(2026, 1, 31)


def test_the_event_names_the_source_never_the_address(client, worker, moved):
    client.force_login(worker)
    _post(client, moved, moved.ncp)
    event = DomainEvent.objects.get(verb="address.recorded")
    assert event.case_id == moved.pk and event.subject_id == moved.ncp.pk
    assert event.summary == "New address recorded, source: Reported by the person"
    text = f"{event.summary} {event.data}"
    assert "Zqxnew" not in text and "Troy" not in text and "12180" not in text


def test_a_double_submit_records_the_address_once(client, worker, moved):
    client.force_login(worker)
    assert _post(client, moved, moved.ncp).status_code == 302
    second = _post(client, moved, moved.ncp)
    assert second.status_code == 200 and "already the person&#x27;s current address" in second.content.decode()
    assert Address.objects.filter(person=moved.ncp).count() == 2
    assert DomainEvent.objects.filter(verb="address.recorded").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postal_code": "1218"}, "postal_code", "Enter a ZIP code"),
        ({"postal_code": "12180-12"}, "postal_code", "Enter a ZIP code"),
        ({"state": "ZZ"}, "state", "two-letter postal code"),
        ({"line1": "  "}, "line1", "required"),
        ({"city": ""}, "city", "required"),
        ({"source": "gossip"}, "source", "valid choice"),
        ({"valid_from": "2099-01-01"}, "valid_from", "future"),
        ({"valid_from": "2023-12-31"}, "valid_from", "current address is on file from"),
        ({"valid_from": "0001-01-01"}, "valid_from", "between 1900 and 2100"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(client, worker, moved, changes, field, message):
    client.force_login(worker)
    response = _post(client, moved, moved.ncp, **changes)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Address.objects.filter(person=moved.ncp).count() == 1
    assert Address.objects.get(person=moved.ncp).valid_to is None
    assert not DomainEvent.objects.filter(verb="address.recorded").exists()


def test_a_field_left_empty_says_so_once(client, worker, moved):
    client.force_login(worker)
    errors = _post(client, moved, moved.ncp, city="", state="").context["form"].errors
    assert errors["city"] == ["This field is required."] and errors["state"] == ["This field is required."]


def test_locate_address_fields_half_filled_are_each_asked_for(client, worker):
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    errors = _locate(client, case, address_city="", address_postal_code="").context["form"].errors
    assert errors["address_city"] == ["This field is required."]
    assert errors["address_postal_code"] == ["This field is required."]
    assert not LocateAttempt.objects.filter(case=case).exists()


def test_a_zip_of_nine_digits_is_read_as_zip_plus_four(worker, moved):
    data = {**NEW, "postal_code": "121801234", "valid_from": date(2026, 2, 1)}
    assert address_record(person=moved.ncp, data=data, by=worker).postal_code == "12180-1234"


def test_an_address_replaced_the_day_it_started_ends_that_day(worker, moved):
    day = date(2026, 2, 1)
    first = address_record(person=moved.ncp, data={**NEW, "valid_from": day}, by=worker)
    address_record(person=moved.ncp, data={**NEW, "line1": "42 Zqxnew Street", "valid_from": day}, by=worker)
    first.refresh_from_db()
    assert first.valid_to == day


def test_the_form_shows_the_current_address_of_a_person_without_the_indicator(client, worker, moved):
    client.force_login(worker)
    page = client.get(_url(moved, moved.ncp)).content.decode()
    assert OLD_LINE in page
    assert AccessLog.objects.filter(kind="sensitive_read", object_id=str(moved.ncp.pk), fields=["addresses"]).exists()


def test_a_child_of_the_case_is_404_and_their_page_offers_no_address_form(client, worker, moved):
    """A parent's address only, as at case opening: a child lives with a parent."""
    child = moved.participants.get(role="child").person
    client.force_login(worker)
    assert client.get(_url(moved, child)).status_code == 404
    assert _post(client, moved, child).status_code == 404
    assert not Address.objects.filter(person=child).exists()
    assert 'data-testid="address-add"' not in _page(client, moved, child)
    assert 'data-testid="address-add"' in _page(client, moved, moved.cp)


def test_a_childs_address_is_withheld_while_the_parent_the_child_lives_with_has_the_indicator(client, worker, moved):
    child = moved.participants.get(role="child").person
    AddressFactory(person=child, line1="5 Zqxchild Court", valid_from=date(2024, 1, 1))
    Person.objects.filter(pk=moved.cp.pk).update(family_violence=True)
    client.force_login(worker)
    page = _page(client, moved, child)
    assert "Zqxchild" not in page and 'data-testid="fvi-protected' in page  # withheld, not a page that failed


# --- an FVI person -----------------------------------------------------------------------------------


def test_an_fvi_persons_address_is_recorded_but_never_shown_back(client, worker, moved):
    ncp = moved.ncp
    Person.objects.filter(pk=ncp.pk).update(family_violence=True)
    client.force_login(worker)
    form = client.get(_url(moved, ncp)).content.decode()
    assert OLD_LINE not in form and 'data-testid="fvi-protected"' in form and "letters go to the new" not in form
    response = _post(client, moved, ncp)
    assert response.status_code == 302
    followed = client.get(response.url)
    messages = [str(m) for m in followed.context["messages"]]
    assert messages and all("Zqxnew" not in m and "Troy" not in m and "12180" not in m for m in messages)
    assert "stays withheld" in messages[0] and "letters use it" not in messages[0]
    page = followed.content.decode()
    for text in ("Zqxnew", OLD_LINE, "12180", "Troy"):
        assert text not in page
    assert Address.objects.get(person=ncp, valid_to__isnull=True).line1 == "41 Zqxnew Street"
    ncp.refresh_from_db()
    assert mailing_address(ncp) is None  # letters go through the confidential arrangement
    assert recipient_block(ncp)[0].confidential
    event = DomainEvent.objects.get(verb="address.recorded")
    assert "Zqxnew" not in f"{event.summary} {event.data}"
    # The same address again (a double submit, or a guess of the address on file): recorded again,
    # with the same answer (42 USC 654(26): no answer depends on the address on file).
    again = _post(client, moved, ncp)
    assert again.status_code == 302
    assert "stays withheld" in [str(m) for m in client.get(again.url).context["messages"]][0]
    assert Address.objects.get(person=ncp, valid_to__isnull=True).line1 == "41 Zqxnew Street"


ON_FILE = {"line1": "9 Zqxold Avenue", "line2": "", "city": "Schenectady", "state": "NY", "postal_code": "12305"}


@pytest.fixture
def fvi_moved(worker):
    """A case whose NCP has the FVI and an address on file from Mar 17, 2024."""
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.ncp, valid_from=date(2024, 3, 17), **ON_FILE)
    Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    return case


def _answer(client, response) -> tuple[int, list[str]]:
    """The status and the messages the user reads after a post."""
    if response.status_code != 302:
        return response.status_code, []
    return 302, [str(m) for m in client.get(response.url).context["messages"]]


def test_a_guess_of_an_fvi_persons_address_gets_the_answer_any_address_gets(client, worker, fvi_moved):
    """Typing the address on file or any other: the same answer, and no start date (42 USC 654(26))."""
    ncp = fvi_moved.ncp
    client.force_login(worker)
    right = _post(client, fvi_moved, ncp, **ON_FILE, source="reported_by_person")
    right_answer = _answer(client, right)
    wrong_answer = _answer(client, _post(client, fvi_moved, ncp, line1="1 Other Rd", source="reported_by_person"))
    assert right_answer == wrong_answer and right_answer[0] == 302
    assert all("Mar 17, 2024" not in m and "already" not in m for m in right_answer[1])
    # The same address from a later day: the old row closes, the same address is current again.
    current = Address.objects.get(person=ncp, valid_to__isnull=True)
    assert current.line1 == "1 Other Rd"
    assert Address.objects.filter(person=ncp, line1=ON_FILE["line1"]).count() == 2


def test_an_fvi_persons_address_from_before_the_current_one_is_kept_as_a_past_address(client, worker, fvi_moved):
    """No refusal naming the current address's start date: the address is recorded as a past one,
    ending the day before the current address started; the current one stays current."""
    ncp = fvi_moved.ncp
    client.force_login(worker)
    response = _post(client, fvi_moved, ncp, line1="1 Other Rd", valid_from="2024-01-01")
    status, messages = _answer(client, response)
    assert status == 302 and "stays withheld" in messages[0]
    assert all("2024" not in m and "Mar 17" not in m for m in messages)
    past = Address.objects.get(person=ncp, line1="1 Other Rd")
    assert (past.valid_from, past.valid_to) == (date(2024, 1, 1), date(2024, 3, 16))
    assert Address.objects.get(person=ncp, valid_to__isnull=True).line1 == ON_FILE["line1"]


def test_an_address_found_for_an_fvi_ncp_before_the_current_one_names_no_date(client, worker, fvi_moved):
    client.force_login(worker)
    response = _locate(client, fvi_moved, attempted_on="2024-01-05")
    assert response.status_code == 302
    for shown in ("Mar 17, 2024", "2024-03-17"):
        assert shown not in client.get(response.url).content.decode()
    assert Address.objects.get(person=fvi_moved.ncp, valid_to__isnull=True).line1 == ON_FILE["line1"]


def test_an_error_does_not_write_an_fvi_persons_typed_address_back(client, worker, fvi_moved):
    client.force_login(worker)
    page = _post(client, fvi_moved, fvi_moved.ncp, line1="77 Zqxhidden Lane", city="Zqxtown", postal_code="1")
    assert page.status_code == 200 and "postal_code" in page.context["form"].errors
    assert "Zqxhidden" not in page.content.decode() and "Zqxtown" not in page.content.decode()
    located = _locate(
        client, fvi_moved, address_line1="77 Zqxhidden Lane", address_city="Zqxtown", address_postal_code="1"
    )
    assert located.status_code == 200 and "Zqxhidden" not in located.content.decode()


def test_an_error_writes_the_typed_address_back_for_a_person_without_the_indicator(client, worker, moved):
    client.force_login(worker)
    page = _post(client, moved, moved.ncp, line1="77 Zqxshown Lane", postal_code="1")
    assert page.status_code == 200 and "Zqxshown" in page.content.decode()


@pytest.mark.parametrize("valid_from", ["0001-01-01", "1800-01-01", "1899-12-31"])
def test_an_address_from_before_1900_is_refused(client, worker, moved, valid_from):
    client.force_login(worker)
    response = _post(client, moved, moved.ncp, valid_from=valid_from)
    assert response.status_code == 200 and "between 1900 and 2100" in " ".join(
        response.context["form"].errors["valid_from"]
    )
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        address_record(person=moved.ncp, data={**NEW, "valid_from": date(1, 1, 1)}, by=worker)
    assert Address.objects.filter(person=moved.ncp).count() == 1


def test_an_address_from_year_one_twice_is_a_clear_error_not_a_500(client, worker):
    """0001-01-01 was accepted, and the next address from that day computed date(1, 1, 1) - 1 day."""
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    client.raise_request_exception = False
    for line1 in ("1 A St", "2 B St"):
        response = _post(client, case, case.ncp, line1=line1, valid_from="0001-01-01")
        assert response.status_code == 200
    assert not Address.objects.filter(person=case.ncp).exists()


def test_the_person_page_links_to_the_form_for_those_who_may_record(client, role_user, moved):
    client.force_login(role_user("caseworker"))
    assert 'data-testid="address-add"' in _page(client, moved, moved.ncp)
    client.force_login(role_user("ombudsperson"))
    assert 'data-testid="address-add"' not in _page(client, moved, moved.ncp)


# --- a "found" locate attempt ---------------------------------------------------------------------------


def _locate(client, case, **changes):
    data = {
        "source": "dmv",
        "attempted_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "result": "found",
        "notes": "",
        "address_line1": "7 Zqxfound Road",
        "address_line2": "",
        "address_city": "Albany",
        "address_state": "NY",
        "address_postal_code": "12203",
        **changes,
    }
    return client.post(reverse("cases:locate_add", kwargs={"case_number": case.case_number}), data)


def test_a_found_attempt_records_the_address_found_and_locates_the_ncp(client, worker):
    case = CaseFactory(
        caseworker=worker, stage=CaseStage.LOCATE, ncp_located_on=None, locate_needed_on=date(2026, 1, 5)
    )
    AddressFactory(person=case.ncp, line1=OLD_LINE, valid_from=date(2024, 1, 1))
    client.force_login(worker)
    assert _locate(client, case).status_code == 302
    on = timezone.localdate() - timedelta(days=1)
    found = Address.objects.get(person=case.ncp, valid_to__isnull=True)
    assert (found.line1, found.source, found.valid_from) == ("7 Zqxfound Road", "dmv", on)
    assert Address.objects.get(line1=OLD_LINE).valid_to == on - timedelta(days=1)
    case.refresh_from_db()
    assert case.ncp_located_on == on and case.stage == CaseStage.ESTABLISHMENT  # the 90-day clock, as before
    assert LocateAttempt.objects.filter(case=case, result="found").count() == 1
    assert DomainEvent.objects.get(verb="address.recorded").case_id == case.pk
    assert mailing_address(case.ncp).line1 == "7 Zqxfound Road"


def test_a_found_attempt_at_the_current_address_is_recorded_and_adds_no_address(client, worker):
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert _locate(client, case).status_code == 302
    assert _locate(client, case, source="employer").status_code == 302  # found there again by another source
    assert LocateAttempt.objects.filter(case=case).count() == 2
    assert Address.objects.filter(person=case.ncp).count() == 1
    assert DomainEvent.objects.filter(verb="address.recorded").count() == 1


def test_a_new_hire_attempt_records_the_new_hire_source(client, worker):
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert _locate(client, case, source="new_hire").status_code == 302
    assert Address.objects.get(person=case.ncp).source == "new hire"


def test_an_address_with_another_result_is_refused_and_nothing_is_recorded(client, worker):
    case = CaseFactory(caseworker=worker, stage=CaseStage.LOCATE, ncp_located_on=None)
    client.force_login(worker)
    response = _locate(client, case, result="not_found")
    assert response.status_code == 200
    assert 'only with the result "Found"' in " ".join(response.context["form"].errors["result"])
    assert not LocateAttempt.objects.filter(case=case).exists() and not Address.objects.filter(person=case.ncp).exists()
    assert Case.objects.get(pk=case.pk).ncp_located_on is None


def test_a_bad_address_found_refuses_the_whole_attempt(client, worker):
    case = CaseFactory(caseworker=worker, stage=CaseStage.LOCATE, ncp_located_on=None)
    client.force_login(worker)
    response = _locate(client, case, address_postal_code="ABCDE")
    assert response.status_code == 200 and "address_postal_code" in response.context["form"].errors
    assert not LocateAttempt.objects.filter(case=case).exists() and not Address.objects.exists()
    assert Case.objects.get(pk=case.pk).ncp_located_on is None


def test_an_address_found_before_the_current_one_started_refuses_the_whole_attempt(client, worker):
    case = CaseFactory(caseworker=worker, stage=CaseStage.LOCATE, ncp_located_on=None)
    AddressFactory(person=case.ncp, valid_from=timezone.localdate())
    client.force_login(worker)
    response = _locate(client, case)
    assert response.status_code == 200 and "attempted_on" in response.context["form"].errors
    assert not LocateAttempt.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).ncp_located_on is None


def test_a_found_attempt_without_an_address_is_as_before(client, worker):
    case = CaseFactory(caseworker=worker, stage=CaseStage.LOCATE, ncp_located_on=None)
    client.force_login(worker)
    blank = {f"address_{n}": "" for n in ("line1", "line2", "city", "state", "postal_code")}
    assert _locate(client, case, **blank).status_code == 302
    assert not Address.objects.filter(person=case.ncp).exists()
    assert Case.objects.get(pk=case.pk).ncp_located_on == timezone.localdate() - timedelta(days=1)


def test_an_address_found_for_an_fvi_ncp_is_recorded_and_not_shown(client, worker):
    case = CaseFactory(caseworker=worker)
    Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    client.force_login(worker)
    response = _locate(client, case)
    assert response.status_code == 302
    assert Address.objects.get(person=case.ncp).line1 == "7 Zqxfound Road"
    assert "Zqxfound" not in client.get(response.url).content.decode()
    assert "Zqxfound" not in _page(client, case, case.ncp)


# --- two clerks at once (PostgreSQL) ---------------------------------------------------------------------


def _at_once(*calls):
    """Run the calls in threads released together; what each returned or raised."""
    import threading

    from django.db import connection

    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test reports what each got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_same_address_sent_twice_at_once_is_recorded_once(role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.ncp, line1=OLD_LINE, valid_from=date(2024, 1, 1))
    data = {**NEW, "valid_from": date(2026, 2, 1)}
    results = _at_once(*[lambda: address_record(person=case.ncp, data=data, by=worker, case=case)] * 2)
    assert sum(isinstance(r, Address) for r in results) == 1, results
    assert Address.objects.filter(person=case.ncp, valid_to__isnull=True).count() == 1
    assert Address.objects.filter(person=case.ncp).count() == 2


# --- a "found" locate attempt typed with a guess at an FVI NCP's address ------------------------------


def test_a_locate_guess_of_an_fvi_address_leaves_the_same_trace_right_or_wrong(client, worker, fvi_moved):
    # Red team: a "found" attempt typed with the FVI NCP's address on file wrote nothing, a wrong
    # guess wrote an address and a "New address recorded" event: the case history and the person
    # page answered the guess (42 USC 654(26)). The locate path now records what was typed whatever
    # is on file, as the Record-address page does.
    other = CaseFactory(caseworker=worker)
    AddressFactory(person=other.ncp, valid_from=date(2024, 3, 17), **ON_FILE)
    Person.objects.filter(pk=other.ncp.pk).update(family_violence=True)
    right_case, wrong_case = fvi_moved, other
    client.force_login(worker)
    typed = {f"address_{k}": v for k, v in ON_FILE.items()}
    assert _locate(client, right_case, **typed).status_code == 302
    assert _locate(client, wrong_case, **{**typed, "address_line1": "1 Other Rd"}).status_code == 302

    def trace(case):
        page = client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
        person = client.get(reverse("person", kwargs={"person_id": case.ncp.pk})).content.decode()
        events = DomainEvent.objects.filter(verb="address.recorded", subject_id=case.ncp.pk)
        addresses = Address.objects.filter(person=case.ncp)
        return (
            page.count("New address recorded"),
            person.count("New address recorded"),
            events.count(),
            addresses.count(),
            addresses.filter(valid_to__isnull=True).count(),
        )

    assert trace(right_case) == trace(wrong_case)
    assert trace(right_case)[2:] == (1, 2, 1)  # recorded: the old row closed, one current address

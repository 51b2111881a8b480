"""The family violence indicator set and removed after the case opened (``cases:person_fvi_set``,
``cases:person_fvi_clear``; ``cases.services.whereabouts``): who may, what is refused, what is logged,
and that every channel withholds the person's whereabouts from the next request on and shows them
again once a coordinator removed it (42 USC 654(26); 45 CFR 303.21)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.letters import recipient_block
from cases.models import LocateAttempt, Person
from cases.redaction import WITHHELD, mailing_address
from cases.services.whereabouts import person_fvi_clear, person_fvi_set
from core.models import AccessLog, DomainEvent
from tests.cases.factories import AddressFactory, CaseFactory, EmployerFactory, EmploymentFactory
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db

ADDRESS = "12 Zqxhidden Lane"
PHONE = "518-555-0177"
EMPLOYER = "Zqxworks Incorporated"
NOTES = "Found at 12 Zqxhidden Lane"
WHEREABOUTS = ("Zqxhidden", PHONE, "Zqxworks")


def _set_url(case, person):
    return reverse("cases:person_fvi_set", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _clear_url(case, person):
    return reverse("cases:person_fvi_clear", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _person_url(case, person):
    return reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _set(client, case, person, **changes):
    data = {"reported_on": timezone.localdate().isoformat(), "reason": "CP disclosed abuse by the NCP at the desk."}
    return client.post(_set_url(case, person), {**data, **changes})


def _clear(client, case, person, **changes):
    data = {"reason": "Court order of Dec 1 lifting the protection.", "confirmed": "on"}
    return client.post(_clear_url(case, person), {**data, **changes})


def _fvi(person) -> bool:
    return Person.objects.get(pk=person.pk).family_violence


@pytest.fixture
def case(worker):
    """A case on the worker's caseload whose CP has an address, a phone, an employer and a locate note."""
    case = CaseFactory(caseworker=worker)
    cp = case.cp
    cp.phone = PHONE
    cp.save()
    AddressFactory(person=cp, line1=ADDRESS, valid_from=date(2024, 1, 1))
    EmploymentFactory(person=cp, employer=EmployerFactory(name=EMPLOYER))
    LocateAttempt.objects.create(
        case=case, person=cp, source="dmv", attempted_on=date(2025, 5, 1), result="found", notes=NOTES
    )
    return case


# --- setting: who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_the_caseworker_of_the_case_and_a_coordinator_set_the_indicator(client, role_user, case, role):
    client.force_login(role_user(role))
    assert client.get(_set_url(case, case.cp)).status_code == 200
    assert _set(client, case, case.cp).status_code == 302
    assert _fvi(case.cp)


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_that_do_not_work_parties_cannot_set_it(client, role_user, case, role):
    client.force_login(role_user(role))
    assert client.get(_set_url(case, case.cp)).status_code == 403
    assert _set(client, case, case.cp).status_code == 403
    assert not _fvi(case.cp)


def test_another_caseload_is_403_another_county_404_no_county_404(client, make_user, case):
    client.force_login(make_user("caseworker", username="colleague"))
    assert _set(client, case, case.cp).status_code == 403
    assert AccessLog.objects.filter(kind="access_denied", detail__reason="out_of_scope").exists()
    elsewhere = CaseFactory(county="Schenectady", caseworker=None)
    assert _set(client, elsewhere, elsewhere.cp).status_code == 404
    client.force_login(make_user("caseworker", username="nowhere", county=""))
    assert _set(client, case, case.cp).status_code == 404
    assert not _fvi(case.cp) and not _fvi(elsewhere.cp)


def test_a_person_not_on_the_case_is_404(client, worker, case):
    other = CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert _set(client, case, other.cp).status_code == 404
    assert not _fvi(other.cp)


# --- setting: what it does ------------------------------------------------------------------------------


def test_setting_it_records_an_event_with_the_reason_and_no_whereabouts(client, worker, case):
    client.force_login(worker)
    reported = timezone.localdate() - timedelta(days=2)
    _set(client, case, case.cp, reported_on=reported.isoformat())
    event = DomainEvent.objects.get(verb="person.fvi_set")
    assert event.case_id == case.pk and event.subject_id == case.cp.pk and event.actor == worker
    assert event.data["reason"] == "CP disclosed abuse by the NCP at the desk."
    assert event.data["reported_on"] == reported.isoformat()
    assert not any(text in f"{event.summary} {event.data}" for text in WHEREABOUTS)


def test_setting_it_twice_is_refused_politely(client, worker, case):
    client.force_login(worker)
    _set(client, case, case.cp)
    page = client.get(_set_url(case, case.cp)).content.decode()
    assert 'data-testid="fvi-already"' in page and "already set on" in page
    second = _set(client, case, case.cp)
    assert second.status_code == 200 and "already set on" in second.content.decode()
    assert DomainEvent.objects.filter(verb="person.fvi_set").count() == 1


def test_an_indicator_set_without_an_event_is_refused_too(worker, case):
    Person.objects.filter(pk=case.cp.pk).update(family_violence=True)  # set at case opening
    with pytest.raises(Exception, match="already set: nothing was changed"):
        person_fvi_set(person=case.cp, reason="again", reported_on=timezone.localdate(), by=worker)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "   "}, "reason", "required"),
        ({"reason": "x" * 1001}, "reason", "at most 1000"),
        ({"reported_on": "2099-01-01"}, "reported_on", "future"),
        ({"reported_on": "not a date"}, "reported_on", "valid date"),
        ({"reported_on": "0001-01-01"}, "reported_on", "between 1900 and 2100"),
        ({"reported_on": "1700-05-05"}, "reported_on", "between 1900 and 2100"),
    ],
)
def test_bad_input_changes_nothing(client, worker, case, changes, field, message):
    client.force_login(worker)
    response = _set(client, case, case.cp, **changes)
    assert response.status_code == 200
    assert message.lower() in " ".join(response.context["form"].errors[field]).lower()
    assert not _fvi(case.cp) and not DomainEvent.objects.filter(verb="person.fvi_set").exists()


def test_the_service_refuses_a_report_before_1900(worker, case):
    with pytest.raises(Exception, match="between 1900 and 2100"):
        person_fvi_set(person=case.cp, reason="told us", reported_on=date(1, 1, 1), by=worker)
    assert not _fvi(case.cp)


# --- every channel, from the next request ---------------------------------------------------------------


def _channels(client, api, case, person) -> dict[str, str]:
    """What each channel shows of ``person`` now: their page on the case, the case page, the search
    person page, the partner API's people list and the mailing block of a letter."""
    block, _address = recipient_block(Person.objects.get(pk=person.pk))
    return {
        "person page": client.get(_person_url(case, person)).content.decode(),
        "case page": client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode(),
        "search person page": client.get(reverse("person", args=[person.pk])).content.decode(),
        "partner API": api.get("/api/v1/people/").content.decode(),
        "letter": "\n".join(block.lines),
    }


def test_every_channel_withholds_the_whereabouts_at_once_and_shows_them_again_after_removal(
    client, worker, role_user, api_client_with, case
):
    cp = case.cp
    api = api_client_with("cases:read")
    client.force_login(worker)
    before = _channels(client, api, case, cp)
    assert ADDRESS in before["person page"] and PHONE in before["person page"] and EMPLOYER in before["person page"]
    assert NOTES in before["case page"] and PHONE in before["search person page"]
    assert PHONE in before["partner API"] and ADDRESS in before["letter"]

    assert _set(client, case, cp).status_code == 302

    during = _channels(client, api, case, cp)
    for channel, text in during.items():
        for secret in WHEREABOUTS:
            assert secret not in text, f"{secret} shown on the {channel} after the indicator was set"
    assert WITHHELD in during["partner API"] and mailing_address(Person.objects.get(pk=cp.pk)) is None
    # The other parent's whereabouts are not theirs: still shown.
    assert 'data-testid="fvi-protected"' not in client.get(_person_url(case, case.ncp)).content.decode()

    client.force_login(role_user("coordinator"))
    assert _clear(client, case, cp).status_code == 302

    after = _channels(client, api, case, cp)
    assert ADDRESS in after["person page"] and PHONE in after["person page"] and EMPLOYER in after["person page"]
    assert NOTES in after["case page"] and PHONE in after["partner API"] and ADDRESS in after["letter"]


# --- removing -------------------------------------------------------------------------------------------


@pytest.fixture
def protected(case, worker):
    person_fvi_set(person=case.cp, reason="Disclosed at intake.", reported_on=date(2026, 1, 5), by=worker, case=case)
    return case


def test_a_caseworker_cannot_remove_it_and_the_denial_is_logged(client, worker, protected):
    client.force_login(worker)
    assert client.get(_clear_url(protected, protected.cp)).status_code == 403
    assert _clear(client, protected, protected.cp).status_code == 403
    assert _fvi(protected.cp)
    denied = AccessLog.objects.filter(kind="access_denied", outcome="denied", user=worker)
    assert denied.filter(path=_clear_url(protected, protected.cp)).count() == 2


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_other_roles_cannot_remove_it(client, role_user, protected, role):
    client.force_login(role_user(role))
    assert _clear(client, protected, protected.cp).status_code == 403
    assert _fvi(protected.cp)


def test_the_page_asks_for_explicit_confirmation(client, role_user, protected):
    client.force_login(role_user("coordinator"))
    page = client.get(_clear_url(protected, protected.cp)).content.decode()
    assert "will be visible to everyone who can open the case" in page
    response = _clear(client, protected, protected.cp, confirmed="")
    assert response.status_code == 200 and "confirmed" in response.context["form"].errors
    assert _fvi(protected.cp) and not DomainEvent.objects.filter(verb="person.fvi_cleared").exists()


@pytest.mark.parametrize(("reason", "message"), [("", "required"), ("y" * 1001, "at most 1000")])
def test_removing_needs_a_reason(client, role_user, protected, reason, message):
    client.force_login(role_user("coordinator"))
    response = _clear(client, protected, protected.cp, reason=reason)
    assert message in " ".join(response.context["form"].errors["reason"]).lower()
    assert _fvi(protected.cp)


def test_removing_it_is_an_event_and_a_confidentiality_row_of_the_security_log(client, role_user, protected):
    coordinator = role_user("coordinator")
    client.force_login(coordinator)
    assert _clear(client, protected, protected.cp).status_code == 302
    assert not _fvi(protected.cp)
    event = DomainEvent.objects.get(verb="person.fvi_cleared")
    assert event.actor == coordinator and event.case_id == protected.pk
    assert event.data["reason"] == "Court order of Dec 1 lifting the protection."
    row = AccessLog.objects.get(kind="override", object_id=str(protected.cp.pk))
    assert row.user == coordinator and row.object_type == "cases.Person"
    assert row.detail["action"] == "fvi_cleared" and row.detail["reason"] == event.data["reason"]
    assert row.path == _clear_url(protected, protected.cp)


def test_removing_an_indicator_not_set_is_refused(client, role_user, case):
    client.force_login(role_user("coordinator"))
    assert 'data-testid="fvi-not-set"' in client.get(_clear_url(case, case.cp)).content.decode()
    response = _clear(client, case, case.cp)
    assert response.status_code == 200 and "no family violence indicator" in response.content.decode()
    assert not AccessLog.objects.filter(kind="override").exists()


def test_the_administrator_may_remove_it(role_user, protected):
    admin = role_user("administrator")
    assert admin.has_perm("cases.clear_fvi")
    person_fvi_clear(person=protected.cp, reason="Court order.", by=admin, case=protected)
    assert not _fvi(protected.cp)


# --- the person page ------------------------------------------------------------------------------------


def test_the_person_page_says_when_it_was_set_and_offers_what_the_user_may_do(client, worker, role_user, protected):
    url = _person_url(protected, protected.cp)
    client.force_login(worker)
    page = client.get(url).content.decode()
    set_on = DomainEvent.objects.get(verb="person.fvi_set").occurred_at
    from core.dates import display_date

    assert f"set on {display_date(set_on)}" in page
    assert _clear_url(protected, protected.cp) not in page and _set_url(protected, protected.cp) not in page
    client.force_login(role_user("coordinator"))
    assert _clear_url(protected, protected.cp) in client.get(url).content.decode()
    client.force_login(role_user("ombudsperson"))
    page = client.get(url).content.decode()
    assert _clear_url(protected, protected.cp) not in page and "Family violence indicator:" in page
    # A person without it: the caseworker is offered to set it.
    client.force_login(worker)
    assert _set_url(protected, protected.ncp) in client.get(_person_url(protected, protected.ncp)).content.decode()


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_setting_it_at_once_set_it_once(role_user):
    from tests.cases.test_addresses import _at_once

    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    results = _at_once(
        *[lambda: person_fvi_set(person=case.cp, reason="Disclosed.", reported_on=date(2026, 1, 5), by=worker)] * 2
    )
    assert sum(isinstance(r, Person) for r in results) == 1, results
    assert DomainEvent.objects.filter(verb="person.fvi_set").count() == 1

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cases.choices import CaseStage
from cases.models import Case, Collection, Person, SupportOrder
from core.models import AccessLog as CoreAccessLog
from core.models import DomainEvent
from core.templatetags.caseworks import fdate
from tests.cases.factories import AddressFactory, CaseFactory, case_with_order
from tests.pages import shown_on

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def _make_cases(n, worker):
    for _ in range(n):
        case_with_order(caseworker=worker)


@pytest.mark.parametrize("rows", [1, 50])
def test_caseload_query_count_does_not_grow_with_rows(client, worker, rows, django_assert_max_num_queries):
    _make_cases(rows, worker)
    client.force_login(worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:case_list"), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(rows, 25)


def test_caseload_search_by_case_number_name_and_last4(client, worker):
    target = CaseFactory(caseworker=worker)
    other = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:case_list")
    typed = (target.case_number.lower(), target.case_number.replace("-", ""))  # matched case-insensitively
    for q in (target.case_number, *typed, target.ncp.last_name, target.ncp.ssn_last4):
        numbers = [c.case_number for c in client.get(url, {"q": q}).context["object_list"]]
        assert target.case_number in numbers and other.case_number not in numbers, q


def _same_last4(person, last4):
    person.ssn = f"{77000 + person.pk:05d}{last4}"  # one SSN per live person (person_live_ssn_unique)
    person.save()
    return person


def test_caseload_search_by_the_last_four_of_an_ssn_is_a_logged_sensitive_read(client, worker):
    # given a case of mine, and a case of another county whose NCP's SSN ends the same
    mine = CaseFactory(caseworker=worker)
    last4 = mine.ncp.ssn_last4
    _same_last4(CaseFactory(county="Kings", caseworker=worker).ncp, last4)
    client.force_login(worker)
    url = reverse("cases:case_list")
    # when the caseload is searched by the last four digits (on the page, then as CSV)
    page = client.get(url, {"q": last4, "scope": "all"})
    export = client.get(url, {"q": last4, "scope": "all", "export": "csv"})
    # then only the case in scope is found, and each request writes one row naming its person
    assert [c.pk for c in page.context["object_list"]] == [mine.pk]
    assert export.status_code == 200 and mine.case_number in b"".join(export.streaming_content).decode()
    logs = list(CoreAccessLog.objects.filter(kind="sensitive_read").order_by("pk"))
    assert [log.path for log in logs] == [
        f"{url}?q={last4}&scope=all",
        f"{url}?q={last4}&scope=all&export=csv",
    ]
    for log in logs:
        assert (log.user, log.username, log.fields) == (worker, worker.username, ["ssn_last4"])
        assert log.detail == {"search": ["ssn_last4"], "person_ids": [mine.ncp.pk], "matches": 1}


def test_caseload_searches_by_anything_but_the_last_four_of_an_ssn_write_no_sensitive_read(client, worker):
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:case_list")
    for q in ("", case.ncp.last_name, case.case_number, case.case_number[-6:], "123", "12a4"):
        assert client.get(url, {"q": q}).status_code == 200, q
    assert not CoreAccessLog.objects.filter(kind="sensitive_read").exists()


def test_a_user_without_a_county_searching_the_last_four_finds_nothing_and_is_logged(client, make_user):
    case = CaseFactory()
    nowhere = make_user("caseworker", username="countyless_caseworker", county="")
    client.force_login(nowhere)
    page = client.get(reverse("cases:case_list"), {"q": case.ncp.ssn_last4, "scope": "all"})
    assert list(page.context["object_list"]) == []
    log = CoreAccessLog.objects.get(kind="sensitive_read")
    assert log.user == nowhere and log.detail == {"search": ["ssn_last4"], "person_ids": [], "matches": 0}


@pytest.mark.parametrize("rows", [1, 50])
def test_caseload_search_by_the_last_four_costs_the_same_queries_whatever_the_rows(
    client, worker, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        _same_last4(case_with_order(caseworker=worker).ncp, "4321")
    client.force_login(worker)
    with django_assert_max_num_queries(12):  # the plain caseload's budget, with the people found and the log row
        response = client.get(reverse("cases:case_list"), {"q": "4321", "page_size": 50})
    assert len(response.context["object_list"]) == min(rows, 25)
    # the factories' SSNs are a sequence: a CP's or child's may end in 4321 too, on a worker that has
    # made thousands of people (CI on PostgreSQL found 51 matches for 50 NCPs)
    matching = Person.objects.filter(ssn_last4="4321").count()
    assert matching >= rows
    assert CoreAccessLog.objects.get(kind="sensitive_read").detail["matches"] == matching


def test_caseload_shows_only_my_cases_unless_scope_all(client, worker):
    mine = CaseFactory(caseworker=worker)
    theirs = CaseFactory(caseworker=None)
    client.force_login(worker)
    url = reverse("cases:case_list")
    assert [c.pk for c in client.get(url).context["object_list"]] == [mine.pk]
    assert {c.pk for c in client.get(url, {"scope": "all"}).context["object_list"]} == {mine.pk, theirs.pk}


def test_caseload_bad_filter_gives_error_not_500(client, worker):
    client.force_login(worker)
    assert client.get(reverse("cases:case_list"), {"q": "a\x00b"}).status_code == 400
    response = client.get(reverse("cases:case_list"), {"status": "bogus", "updated_since": "yesterday"})
    assert response.status_code == 200
    assert response.context["filter"].errors


@time_machine.travel(NOW, tick=False)
def test_create_case_flow(client, worker):
    client.force_login(worker)
    data = {
        "county": "Albany",
        "jurisdiction": "NY",
        "assistance_status": "former",
        "application_received_on": "2026-11-20",
        "cp_first_name": "Ann",
        "cp_last_name": "Able",
        "ncp_first_name": "Ben",
        "ncp_last_name": "Baker",
        "ncp_ssn": "123-45-6789",
        "child_first_name": "Cy",
        "child_last_name": "Baker",
        "child_date_of_birth": "2019-05-01",
        "child_paternity_status": "pending",
        "interstate_role": "none",
    }
    response = client.post(reverse("cases:case_create"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/cases/{case.case_number}/")
    assert case.caseworker == worker and case.ncp.ssn_last4 == "6789"


@time_machine.travel(NOW, tick=False)
def test_create_case_bad_input_writes_nothing(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("cases:case_create"),
        {"application_received_on": "2027-01-01", "ncp_ssn": "12345", "child_paternity_status": "established"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"application_received_on", "ncp_ssn", "cp_first_name"} <= set(errors)
    assert not Case.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_add_order_and_refused_on_closed_case(client, worker):
    case = CaseFactory(caseworker=worker, stage=CaseStage.ESTABLISHMENT)
    client.force_login(worker)
    url = reverse("cases:order_create", kwargs={"case_number": case.case_number})
    data = {
        "order_number": "F-9",
        "kind": "court",
        "issued_on": "2026-11-02",
        "effective_on": "2026-11-02",
        "current_support": "450.00",
        "frequency": "monthly",
        "medical_support": "50",
    }
    assert client.post(url, data).status_code == 302
    order = SupportOrder.objects.get(case=case)
    assert order.obligations.count() == 2
    bad = client.post(url, {**data, "current_support": "-5", "issued_on": "2026-12-30"})
    assert set(bad.context["form"].errors) >= {"current_support", "issued_on"}
    Case.objects.filter(pk=case.pk).update(
        status="closed", stage="closed", closure_reason="other", closed_on=date(2026, 11, 22)
    )
    response = client.post(url, {**data, "order_number": "F-10"})
    assert response.status_code == 302 and SupportOrder.objects.filter(case=case).count() == 1


@time_machine.travel(NOW, tick=False)
def test_record_payment_posts_a_collection(client, worker):
    case = case_with_order(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:payment_create", kwargs={"case_number": case.case_number})
    data = {"amount": "125.50", "received_on": "2026-11-20", "source": "direct_payment", "source_reference": "R-1"}
    assert client.post(url, data).status_code == 302
    assert Collection.objects.get(source_reference="R-1").amount == Decimal("125.50")
    for bad in ({"amount": "1.001"}, {"amount": "0"}, {"received_on": "2026-12-01"}, {"source": "cash"}):
        response = client.post(url, {**data, "source_reference": "R-2", **bad})
        assert response.status_code == 200 and response.context["form"].errors
    assert not Collection.objects.filter(source_reference="R-2").exists()
    again = client.post(url, {**data, "amount": "99.00"})  # same reference, other content
    assert "source_reference" in again.context["form"].errors
    detail = client.get(reverse("cases:case_detail", kwargs={"case_number": case.case_number}))
    assert b"R-1" in detail.content


def test_a_double_clicked_work_item_form_adds_one_item(client, worker):
    from cases.models import WorkItem

    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:workitem_create", kwargs={"case_number": case.case_number})
    data = {"title": "Call the employer", "due_on": "2026-12-15", "priority": "2", "notes": "About the bonus"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200 and b"already added" in second.content
    assert WorkItem.objects.filter(case=case, title="Call the employer").count() == 1
    # Another due date is another item.
    assert client.post(url, {**data, "due_on": "2026-12-16"}).status_code == 302
    assert WorkItem.objects.filter(case=case, title="Call the employer").count() == 2


def test_a_double_clicked_note_is_added_once_and_the_same_note_later_again(client, worker):
    from cases.models import CaseNote

    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:note_add", kwargs={"case_number": case.case_number})
    assert client.post(url, {"body": "Called the NCP, no answer."}).status_code == 302
    second = client.post(url, {"body": "Called the NCP, no answer."})
    assert second.status_code == 200 and b"This note was already added" in second.content
    assert CaseNote.objects.filter(case=case).count() == 1
    with time_machine.travel(datetime.now(tz=UTC).replace(microsecond=0).timestamp() + 3 * 3600):
        client.force_login(worker)
        assert client.post(url, {"body": "Called the NCP, no answer."}).status_code == 302  # hours later
    assert CaseNote.objects.filter(case=case).count() == 2


def test_a_double_clicked_locate_attempt_is_recorded_once_and_the_same_kind_another_day_again(client, worker):
    from cases.models import LocateAttempt

    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:locate_add", kwargs={"case_number": case.case_number})
    data = {"source": "dmv", "attempted_on": "2026-11-02", "result": "not_found", "notes": ""}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200 and b"This locate attempt was already recorded" in second.content
    assert LocateAttempt.objects.filter(case=case).count() == 1
    assert client.post(url, {**data, "attempted_on": "2026-11-03"}).status_code == 302  # another day
    assert LocateAttempt.objects.filter(case=case).count() == 2


def test_close_case_requires_reason(client, worker):
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    url = reverse("cases:case_close", kwargs={"case_number": case.case_number})
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "recipient_request"}).status_code == 200  # not confirmed: asks
    case.refresh_from_db()
    assert case.is_open
    shown = shown_on(client.get(url))  # what the page showed (core.stale)
    assert client.post(url, {"reason": "recipient_request", "confirm": "on", **shown}).status_code == 302
    case.refresh_from_db()
    assert case.closure_reason == "recipient_request" and not case.is_open


def test_person_page_masks_ssn_without_permission_and_logs_reveals(client, worker, role_user):
    case = CaseFactory(caseworker=worker)
    ncp = case.ncp
    AddressFactory(person=ncp, line1="12 Elm Street")
    url = reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": ncp.pk})
    client.force_login(worker)  # caseworkers hold cases.view_ssn
    page = client.get(url).content.decode()
    assert f"{ncp.ssn[:3]}-{ncp.ssn[3:5]}-{ncp.ssn[5:]}" in page and "12 Elm Street" in page
    log = CoreAccessLog.objects.get(kind="sensitive_read")
    assert set(log.fields) == {"ssn", "date_of_birth", "addresses"}
    client.force_login(role_user("quality_analyst"))  # no view_ssn
    page = client.get(url).content.decode()
    assert ncp.ssn not in page and f"***-**-{ncp.ssn[-4:]}" in page


def test_fvi_address_never_rendered_and_override_shows_it_once(client, worker, role_user):
    case = CaseFactory(caseworker=worker)
    cp = case.cp
    cp.family_violence = True
    cp.save()
    AddressFactory(person=cp, line1="99 Hidden Lane")
    url = reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": cp.pk})
    client.force_login(worker)
    assert "99 Hidden Lane" not in client.get(url).content.decode()
    coordinator = role_user("coordinator")
    client.force_login(coordinator)
    assert "99 Hidden Lane" not in client.get(url).content.decode()
    client.post(
        reverse("cases:fvi_override_create", kwargs={"case_number": case.case_number, "person_id": cp.pk}),
        {"court_name": "Family Court", "court_order_reference": "O-7", "ordered_on": "2026-01-05"},
    )
    override = cp.fvi_overrides.get()
    use = reverse("cases:fvi_override_use", kwargs={"pk": override.pk})
    assert client.get(use).status_code == 405
    assert "99 Hidden Lane" in client.post(use).content.decode()
    assert client.post(use).status_code == 302  # used up
    assert CoreAccessLog.objects.filter(kind="override").count() == 2


def test_a_double_clicked_court_override_allows_one_release(client, worker, role_user):
    """A court order allows one release of an FVI-protected person's whereabouts: recording it
    twice (a double click, a retried form) must not make two releases possible."""
    case = CaseFactory(caseworker=worker)
    cp = case.cp
    cp.family_violence = True
    cp.save()
    client.force_login(role_user("coordinator"))
    url = reverse("cases:fvi_override_create", kwargs={"case_number": case.case_number, "person_id": cp.pk})
    data = {"court_name": "Family Court", "court_order_reference": "O-7", "ordered_on": "2026-01-05"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200 and b"already recorded" in second.content
    assert cp.fvi_overrides.count() == 1
    # Another order of the court is another override.
    assert client.post(url, {**data, "court_order_reference": "O-8"}).status_code == 302
    assert cp.fvi_overrides.count() == 2


def test_fti_needs_permission_and_current_training(worker, role_user, monkeypatch):
    from cases.access import can_view_fti

    specialist = role_user("enforcement_specialist")
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: True)  # training current
    assert not can_view_fti(worker)  # no cases.view_fti
    assert can_view_fti(specialist)
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: False)  # training lapsed
    assert not can_view_fti(specialist)  # training lapsed


def test_caseloads_page_for_coordinator_only(client, worker, role_user, django_assert_max_num_queries):
    CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert client.get(reverse("cases:caseloads")).status_code == 403
    client.force_login(role_user("coordinator"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cases:caseloads"))
    row = next(w for w in response.context["object_list"] if w.pk == worker.pk)
    assert row.open_cases == 1


def test_home_cards_for_caseworker(client, worker):
    CaseFactory(caseworker=worker, next_deadline_on=date(2020, 1, 1))
    client.force_login(worker)
    content = client.get(reverse("core:home")).content.decode()
    assert "Overdue deadlines" in content


def test_case_page_lists_the_complaints_the_user_may_see(client, worker):
    from tests.complaints.factories import ComplaintFactory

    case = case_with_order(caseworker=worker)
    mine = ComplaintFactory(case=case, filed_by=worker)
    someone_elses = ComplaintFactory(case=case)
    client.force_login(worker)

    html = client.get(reverse("cases:case_detail", kwargs={"case_number": case.case_number})).content.decode()

    assert "Complaints" in html and "case-complaints-heading" in html
    assert mine.number in html  # caseworkers see the complaints they filed (complaints.roles)
    assert someone_elses.number not in html


# --- interstate referral (45 CFR 303.7: the initiating state refers within 20 days) -------------------


def _initiating_case(**fields):
    from cases.services.cases import case_deadline_refresh

    case = CaseFactory(
        interstate_role="initiating", other_state="PA", interstate_needed_on=date(2026, 11, 10), **fields
    )
    case_deadline_refresh(case)
    return case


@time_machine.travel(NOW, tick=False)
def test_interstate_referral_deadline_shows_until_the_referral_is_recorded(client, worker):
    # given an initiating case whose referral is due 20 days after the need was found
    case = _initiating_case(caseworker=worker)
    client.force_login(worker)
    detail = reverse("cases:case_detail", args=[case.case_number])
    assert f"Interstate referral (45 CFR 303.7): due {fdate(date(2026, 11, 30))}" in client.get(detail).content.decode()
    assert b"Interstate referral" in client.get(reverse("cases:case_list")).content
    # when the caseworker records the day the referral was sent
    response = client.post(
        reverse("cases:interstate_referral", args=[case.case_number]), {"interstate_referred_on": "2026-11-20"}
    )
    # then it is on the case, audited, and the deadline no longer runs
    assert response.status_code == 302 and response.url == detail
    case.refresh_from_db()
    assert case.interstate_referred_on == date(2026, 11, 20)
    assert case.next_deadline_kind != "interstate_referral"
    assert DomainEvent.objects.filter(verb="case.interstate_referred", case_id=case.pk, actor=worker).exists()
    page = client.get(detail).content
    assert (
        f"referred {fdate(date(2026, 11, 20))}".encode() in page
        and b"Interstate referral (45 CFR 303.7): due" not in page
    )


@time_machine.travel(NOW, tick=False)
def test_interstate_referral_refuses_a_future_date_and_a_case_that_is_not_initiating(client, worker):
    client.force_login(worker)
    case = _initiating_case(caseworker=worker)
    response = client.post(
        reverse("cases:interstate_referral", args=[case.case_number]), {"interstate_referred_on": "2026-11-24"}
    )
    assert response.status_code == 200 and response.context["form"].errors["interstate_referred_on"]
    responding = CaseFactory(caseworker=worker, interstate_role="responding", other_state="NJ")
    response = client.post(
        reverse("cases:interstate_referral", args=[responding.case_number]), {"interstate_referred_on": "2026-11-20"}
    )
    assert response.status_code == 200 and response.context["form"].errors["interstate_referred_on"]
    case.refresh_from_db()
    responding.refresh_from_db()
    assert case.interstate_referred_on is None and responding.interstate_referred_on is None
    assert not DomainEvent.objects.filter(verb="case.interstate_referred").exists()


@pytest.mark.parametrize("role", ["enforcement_specialist", "ombudsperson", "hearing_officer"])
def test_interstate_referral_denied_without_change_permission(client, role_user, role):
    case = _initiating_case()
    client.force_login(role_user(role))
    url = reverse("cases:interstate_referral", args=[case.case_number])
    assert client.get(url).status_code == 403
    assert client.post(url, {"interstate_referred_on": "2026-11-20"}).status_code == 403
    case.refresh_from_db()
    assert case.interstate_referred_on is None


def test_interstate_referral_of_a_case_out_of_county_is_not_found(client, make_user):
    case = _initiating_case(county="Albany")
    client.force_login(make_user("caseworker", username="erie_worker", county="Erie"))
    url = reverse("cases:interstate_referral", args=[case.case_number])
    assert client.get(url).status_code == 404
    assert client.post(url, {"interstate_referred_on": "2026-11-20"}).status_code == 404
    case.refresh_from_db()
    assert case.interstate_referred_on is None

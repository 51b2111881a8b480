from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintStatus
from core.hooks import case_panels_for
from core.models import DomainEvent
from hearings import services
from hearings.choices import ActionStatus
from hearings.models import HearingRequest
from tests.cases.factories import CaseFactory
from tests.complaints.factories import ComplaintFactory
from tests.hearings.factories import ComplianceActionFactory, HearingRequestFactory
from tests.pages import shown_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def resolved():
    return ComplaintFactory(
        received_on=date(2026, 11, 2),
        due_on=date(2026, 12, 2),
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 20),
        outcome="not_upheld",
        resolution_explanation="e",
        hearing_deadline=date(2027, 2, 18),
        category="distribution",
    )


def test_request_from_a_complaint_is_prefilled(client_as, resolved):
    page = client_as("ombudsperson").get(reverse("hearings:request_create"), {"complaint": resolved.number})
    initial = page.context["form"].initial
    assert initial["complaint_number"] == resolved.number and initial["issue"] == "distribution"
    assert initial["resolution_received_on"] == date(2026, 11, 25)  # resolved Nov 20 + 5 days' mailing


def test_a_notice_sent_after_the_resolution_was_reached_is_presumed_received_after_it_went_out(client_as, resolved):
    resolved.resolution_sent_on = date(2026, 12, 10)
    resolved.save(update_fields=["resolution_sent_on"])
    page = client_as("ombudsperson").get(reverse("hearings:request_create"), {"complaint": resolved.number})
    assert page.context["form"].initial["resolution_received_on"] == date(2026, 12, 15)  # sent Dec 10 + 5


FVI_PHONE = "518-555-0199"
FVI_EMAIL = "hidden.victim@example.org"


@pytest.fixture
def fvi_resolved(resolved):
    """``resolved``, made by a case's custodial parent who has the FVI, with the phone and e-mail on file."""
    case = CaseFactory()
    cp = case.cp
    cp.family_violence, cp.phone, cp.email = True, FVI_PHONE, FVI_EMAIL
    cp.save()
    resolved.case, resolved.complainant_person, resolved.complainant_name = case, cp, str(cp)
    resolved.contact_phone, resolved.contact_email = FVI_PHONE, FVI_EMAIL
    resolved.save()
    return resolved


@pytest.mark.parametrize("role", ["ombudsperson", "coordinator", "hearing_officer"])
def test_request_page_withholds_an_fvi_appellants_phone_and_email(client_as, role, fvi_resolved):
    """The appellant is the FVI complainant: the contact on the request is their whereabouts, withheld
    as on their person page and their complaint (cases.redaction.contact_copy; 42 USC 654(26))."""
    from cases.redaction import WITHHELD

    request = HearingRequestFactory(
        case=fvi_resolved.case,
        complaint=fvi_resolved,
        requester_name=fvi_resolved.complainant_name,
        contact_phone=FVI_PHONE,
        contact_email=FVI_EMAIL,
    )
    page = client_as(role).get(reverse("hearings:request_detail", args=[request.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert FVI_PHONE not in body and FVI_EMAIL not in body
    assert WITHHELD in body


def test_request_page_shows_the_contact_of_an_appellant_who_is_no_case_person(client_as):
    request = HearingRequestFactory(contact_phone=FVI_PHONE, contact_email=FVI_EMAIL)
    body = client_as("ombudsperson").get(reverse("hearings:request_detail", args=[request.number])).content.decode()
    assert FVI_PHONE in body and FVI_EMAIL in body


def test_a_case_persons_contact_and_address_shown_by_the_request_and_its_letters_are_logged_reads(
    client_as, role_user, resolved
):
    """The appellant is a case person: their phone on the request page, and their address on file in
    the appellant's letter (page and PDF), are sensitive reads, logged as their person page logs one."""
    from core.models import AccessLog
    from hearings.models import HearingLetter
    from tests.cases.factories import AddressFactory

    case = CaseFactory()
    cp = case.cp
    AddressFactory(person=cp, line1="17 Hidden Lane")
    resolved.case, resolved.complainant_person = case, cp
    resolved.save()
    request = HearingRequestFactory(case=case, complaint=resolved, contact_phone="518-555-0177", contact_email="")
    letter = HearingLetter.objects.create(
        request=request,
        kind="dismissal",
        party="appellant",
        addressee=str(cp),
        issued_on=date(2027, 1, 11),
        dismissal_ground="late",
        dismissal_on=date(2027, 1, 26),
    )
    client = client_as("hearing_officer")
    reads = AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ)
    assert "518-555-0177" in client.get(reverse("hearings:request_detail", args=[request.number])).content.decode()
    page_read = reads.get()
    assert (page_read.object_type, page_read.fields, page_read.detail["person_id"]) == (
        "hearings.HearingRequest",
        ["contact_phone"],
        cp.pk,
    )
    for name in ("hearings:letter", "hearings:letter_pdf"):
        assert client.get(reverse(name, args=[letter.pk])).status_code == 200
    letter_reads = reads.exclude(pk=page_read.pk)
    assert [(r.object_type, r.object_id, r.fields) for r in letter_reads] == [
        ("cases.Person", str(cp.pk), ["addresses"])
    ] * 2


def test_a_request_from_a_complaint_is_not_prefilled_with_the_complainants_contact(client_as, fvi_resolved):
    """The form no longer copies the complaint's phone and e-mail into its boxes (an FVI complainant's
    would be on the page); left blank, the request takes them from the complaint, out of sight."""
    client = client_as("ombudsperson")
    page = client.get(reverse("hearings:request_create"), {"complaint": fvi_resolved.number})
    assert "contact_phone" not in page.context["form"].initial
    assert "contact_email" not in page.context["form"].initial
    assert FVI_PHONE not in page.content.decode() and FVI_EMAIL not in page.content.decode()
    response = client.post(
        reverse("hearings:request_create"),
        {
            "complaint_number": fvi_resolved.number,
            "requester_name": fvi_resolved.complainant_name,
            "issue": "distribution",
            "statement": "s",
            "requested_on": "2027-01-11",
        },
        follow=True,
    )
    request = HearingRequest.objects.get()
    assert (request.contact_phone, request.contact_email) == (FVI_PHONE, FVI_EMAIL)
    assert FVI_PHONE not in response.content.decode()


def test_request_form_records_a_court_matter_with_the_alternate_route(client_as, resolved):
    response = client_as("ombudsperson").post(
        reverse("hearings:request_create"),
        {
            "complaint_number": resolved.number,
            "requester_name": "Dana",
            "issue": "custody",
            "statement": "s",
            "requested_on": "2027-01-11",
            "alternate_route": "",
        },
        follow=True,
    )
    request = HearingRequest.objects.get()
    assert not request.in_jurisdiction and b"belongs to the court" in response.content
    assert request.contact_phone == resolved.contact_phone  # taken from the complaint


def test_a_double_clicked_request_form_records_one_request(client_as, resolved):
    client = client_as("ombudsperson")
    form = {
        "complaint_number": resolved.number,
        "requester_name": "Dana",
        "issue": "distribution",
        "statement": "The payment went to the state",
        "requested_on": "2027-01-11",
    }
    first = client.post(reverse("hearings:request_create"), form)
    second = client.post(reverse("hearings:request_create"), form)
    request = HearingRequest.objects.get()
    assert first.status_code == 302 and second.status_code == 200
    assert f"already recorded as {request.number}".encode() in second.content
    assert DomainEvent.objects.filter(verb="hearing.requested").count() == 1
    # Another issue of the same person is another request.
    assert client.post(reverse("hearings:request_create"), {**form, "issue": "closure"}).status_code == 302
    assert HearingRequest.objects.count() == 2


def test_request_form_too_early_shows_why(client_as):
    open_complaint = ComplaintFactory(received_on=date(2026, 12, 20), due_on=date(2027, 1, 19))
    response = client_as("ombudsperson").post(
        reverse("hearings:request_create"),
        {
            "complaint_number": open_complaint.number,
            "requester_name": "Dana",
            "issue": "closure",
            "statement": "s",
            "requested_on": "2027-01-11",
        },
    )
    assert response.status_code == 200 and b"complaint process comes first" in response.content
    assert not HearingRequest.objects.exists()


DIRECT = {
    "requester_name": "Dana",
    "contact_phone": "5185550100",
    "issue": "distribution",
    "statement": "s",
    "requested_on": "2027-01-11",
    "complaint_made_on": "2026-11-02",
}


@pytest.fixture
def county_requester(make_user):
    """Someone who records hearing requests but sees only their county's cases (an office that
    withdrew cases.view_all_cases from the role); ``county_requester("")``: a user with no county."""
    from django.contrib.auth.models import Permission

    def make(county: str = "Albany"):
        user = make_user(username=f"requester_{county or 'none'}", county=county)
        for perm in ("hearings.add_hearingrequest", "hearings.view_hearingrequest", "cases.view_case"):
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return user

    return make


def test_a_direct_request_links_a_case_the_requester_may_see(client, county_requester):
    case = CaseFactory(county="Albany")
    client.force_login(county_requester("Albany"))
    response = client.post(reverse("hearings:request_create"), {**DIRECT, "case_number": case.case_number.lower()})
    assert response.status_code == 302 and HearingRequest.objects.get().case == case


def test_the_ombudsperson_links_any_countys_case(client_as):
    case = CaseFactory(county="Saratoga")
    response = client_as("ombudsperson").post(
        reverse("hearings:request_create"), {**DIRECT, "case_number": case.case_number}
    )
    assert response.status_code == 302 and HearingRequest.objects.get().case == case


@pytest.mark.parametrize(("case_county", "user_county"), [("Saratoga", "Albany"), ("Albany", "")])
def test_a_case_the_requester_may_not_see_is_refused_as_an_unknown_number(
    client, county_requester, case_county, user_county
):
    # given: a case outside the requester's view (another county's; any case for a user without a county)
    case = CaseFactory(county=case_county)
    client.force_login(county_requester(user_county))
    url = reverse("hearings:request_create")
    unknown = client.post(url, {**DIRECT, "case_number": "NY-987654"})
    # when
    response = client.post(url, {**DIRECT, "case_number": case.case_number})
    # then: the answer of a number that does not exist; nothing recorded, nothing on the case
    assert response.status_code == unknown.status_code == 200
    errors = response.context["form"].errors
    assert errors == unknown.context["form"].errors == {"case_number": ["No case you can see has this number."]}
    assert not HearingRequest.objects.exists()
    assert not DomainEvent.objects.filter(case_id=case.pk).exists()


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("hearing_officer", 200),
        ("ombudsperson", 200),
        ("coordinator", 200),
        ("caseworker", 403),
        ("enforcement_specialist", 403),
    ],
)
def test_request_list_by_role(client_as, role, code):
    assert client_as(role).get(reverse("hearings:request_list")).status_code == code


@pytest.mark.parametrize(("role", "code"), [("hearing_officer", 200), ("ombudsperson", 403), ("coordinator", 403)])
def test_only_hearing_officers_open_the_decision_form(client_as, role, code):
    request = HearingRequestFactory()
    assert client_as(role).get(reverse("hearings:decide", args=[request.number])).status_code == code


@pytest.mark.parametrize("rows", [1, 30])
def test_request_list_query_count(client_as, django_assert_max_num_queries, rows, resolved):
    for _ in range(rows):
        HearingRequestFactory(complaint=resolved, case=CaseFactory(participants=False))
    client = client_as("hearing_officer")
    client.get(reverse("hearings:request_list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("hearings:request_list")).status_code == 200


def test_schedule_decide_and_docket(client_as, role_user, resolved):
    officer = role_user("hearing_officer")
    hr = services.hearing_request_create(
        complaint=resolved, requester_name="Dana", issue="distribution", statement="s", requested_on=date(2027, 1, 4)
    )
    client = client_as("hearing_officer")
    # scheduled the morning of the request, so the hearing is in the future whatever today is
    with time_machine.travel(timezone.make_aware(datetime(2027, 1, 4, 9)), tick=False):
        client.force_login(officer)
        response = client.post(
            reverse("hearings:schedule", args=[hr.number]),
            {
                **shown_on(client.get(reverse("hearings:schedule", args=[hr.number]))),
                "officer": officer.pk,
                "starts_at": "2027-01-14T10:00",
                "mode": "video",
                "location": "https://video.example",
                "interpreter_language": "Spanish",
                "accommodation_needs": "",
            },
        )
        assert response.status_code == 302
        docket = client.get(reverse("hearings:docket"), {"start": "2027-01-11"})
    day_rows = dict(docket.context["days"])
    assert [h.request for h in day_rows[date(2027, 1, 14)]] == [hr]
    hearing = hr.hearings.get()
    with time_machine.travel(hearing.ends_at):
        client.force_login(officer)  # a session from today has expired by then
        assert client.post(reverse("hearings:held", args=[hr.number]), {"confirm": "on"}).status_code == 302
        formset = {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0"}
        response = client.post(
            reverse("hearings:decide", args=[hr.number]),
            {
                "outcome": "granted",
                "decided_on": "2027-01-14",
                "summary": "Recalculate",
                **formset,
                "actions-0-description": "Recalculate arrears",
                "actions-0-due_on": "2027-02-01",
                "actions-1-description": "Refund",
                "actions-1-due_on": "",
            },
        )
        assert response.status_code == 200 and b"Give the due date" in response.content
        response = client.post(
            reverse("hearings:decide", args=[hr.number]),
            {
                "outcome": "granted",
                "decided_on": "2027-01-14",
                "summary": "Recalculate",
                **formset,
                "actions-0-description": "Recalculate arrears",
                "actions-0-due_on": "2027-02-01",
                "actions-0-assigned_to": officer.pk,
            },
        )
    hr.refresh_from_db()
    assert response.status_code == 302 and hr.outcome == "granted" and hr.actions.count() == 1
    assert hr.actions.get().assigned_to == officer
    docket = client.get(reverse("hearings:docket"))
    assert [a.description for a in docket.context["actions"]] == ["Recalculate arrears"]


def test_a_double_clicked_schedule_sends_one_notice_of_hearing(client_as, role_user, resolved):
    """The same scheduling POST twice (a double click, a browser retry): one hearing, one notice to
    each party; the second attempt says so and changes nothing."""
    from hearings.models import Hearing, HearingLetter

    officer = role_user("hearing_officer")
    hr = services.hearing_request_create(
        complaint=resolved, requester_name="Dana", issue="distribution", statement="s", requested_on=date(2027, 1, 4)
    )
    client = client_as("hearing_officer")
    form = {
        "officer": officer.pk,
        "starts_at": "2027-01-24T10:00",  # NY: at least 10 days after the notice (18 NYCRR 358-5.1(a))
        "mode": "video",
        "location": "https://video.example",
        "interpreter_language": "",
        "accommodation_needs": "",
    }
    url = reverse("hearings:schedule", args=[hr.number])
    form |= shown_on(client.get(url))  # the page's form, sent twice
    assert client.post(url, form).status_code == 302
    second = client.post(url, form)

    assert second.status_code == 200 and b"already scheduled" in second.content
    assert list(Hearing.objects.filter(request=hr).values_list("status", flat=True)) == ["scheduled"]
    assert HearingLetter.objects.filter(request=hr, kind="notice").count() == 2  # the appellant and the agency
    assert DomainEvent.objects.filter(verb="hearing.notice_letters_issued").count() == 1
    assert DomainEvent.objects.filter(verb="hearing.scheduled").count() == 1
    # A real change (another time) is a reschedule: the first sitting is postponed, a new notice goes out.
    assert client.post(url, {**form, **shown_on(client.get(url)), "starts_at": "2027-01-25T10:00"}).status_code == 302
    assert sorted(Hearing.objects.filter(request=hr).values_list("status", flat=True)) == ["postponed", "scheduled"]
    assert HearingLetter.objects.filter(request=hr, kind="notice").count() == 4


def test_docket_query_count(client_as, role_user, django_assert_max_num_queries):
    officer = role_user("hearing_officer")
    for day in range(1, 12):
        request = HearingRequestFactory()
        starts_at = timezone.make_aware(datetime(2027, 1, 11 + day, 9))
        request.hearings.create(
            officer=officer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            mode="phone",
            location="Bridge",
        )
        ComplianceActionFactory(request=request)
    client = client_as("hearing_officer")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("hearings:docket"), {"start": "2027-01-11"}).status_code == 200


def test_good_cause_via_the_page(client_as, resolved):
    hr = services.hearing_request_create(
        complaint=resolved,
        requester_name="Dana",
        issue="distribution",
        statement="s",
        requested_on=date(2027, 1, 11),
        resolution_received_on=date(2026, 11, 20),
        today=date(2027, 3, 1),
    )
    hr = HearingRequest.objects.get(pk=hr.pk)
    assert not hr.is_late
    late = HearingRequestFactory(
        requested_on=date(2027, 1, 5), filing_deadline=date(2027, 1, 4), is_late=True, good_cause="pending"
    )
    client = client_as("hearing_officer")
    response = client.post(reverse("hearings:good_cause", args=[late.number]), {"found": "yes", "reason": "Flood"})
    late.refresh_from_db()
    assert response.status_code == 302 and late.good_cause == "found"


def test_a_compliance_action_done_via_the_page_returns_to_its_request(client_as):
    # given an action a decision ordered (its URL names the action, not the request)
    action = ComplianceActionFactory()
    client = client_as("coordinator")
    url = reverse("hearings:action_done", args=[action.pk])
    request_page = reverse("hearings:request_detail", args=[action.request.number])
    # when a date in the future, then today, is posted
    refused = client.post(url, {"done_on": "2027-01-12"})
    done = client.post(url, {"done_on": "2027-01-11", "note": "Recalculated"})
    # then both come back to the request's page (the refusal as a message), and the second is saved
    assert refused.status_code == 302 and refused.url == request_page
    assert done.status_code == 302 and done.url == request_page
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_on == date(2027, 1, 11)


# Case page block ------------------------------------------------------------------------------


def test_case_panels_show_what_the_user_may_see(role_user):
    case = CaseFactory(participants=False)
    filed = ComplaintFactory(case=case, filed_by=role_user("caseworker"))
    other = ComplaintFactory(case=case)
    request = HearingRequestFactory(case=case)
    ombudsperson = {p.template: p.context for p in case_panels_for(user=role_user("ombudsperson"), case=case)}
    assert set(ombudsperson["complaints/partials/case_complaints.html"]["complaints"]) == {filed, other}
    assert ombudsperson["hearings/partials/case_hearings.html"]["hearing_requests"] == [request]
    caseworker = {p.template: p.context for p in case_panels_for(user=role_user("caseworker"), case=case)}
    caseworker.pop("cases/_documents_panel.html", None)  # the case's documents panel (cases' own, issue 15.8)
    assert caseworker == {"complaints/partials/case_complaints.html": {"complaints": [filed]}}
    assert [
        p.template
        for p in case_panels_for(user=role_user("trainer"), case=case)
        if p.template != "cases/_documents_panel.html"
    ] == []


# API ------------------------------------------------------------------------------------------


def test_hearings_api_is_paginated_and_has_no_contact_details(api_client_with):
    for _ in range(3):
        HearingRequestFactory(contact_email="secret@example.org")
    response = api_client_with("hearings:read", all_counties=True).get("/api/v1/hearings/", {"page_size": 2})
    body = response.json()
    assert response.status_code == 200 and body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert "secret@example.org" not in response.content.decode()


def test_hearings_api_needs_its_scope(api_client_with):
    assert api_client_with("complaints:read").get("/api/v1/hearings/").status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_hearings_api_query_count(api_client_with, django_assert_max_num_queries, rows, role_user):
    officer = role_user("hearing_officer")
    start = timezone.now()
    for i in range(rows):  # one officer, one sitting an hour (a double booking is refused on PostgreSQL)
        request = HearingRequestFactory(case=CaseFactory(participants=False), complaint=ComplaintFactory())
        request.hearings.create(
            officer=officer,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i + 1),
            mode="phone",
            location=f"Bridge {i}",
        )
    api = api_client_with("hearings:read", all_counties=True)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/hearings/").status_code == 200


def test_hearings_api_filters(api_client_with):
    HearingRequestFactory(is_late=True, good_cause="pending")
    HearingRequestFactory()
    body = api_client_with("hearings:read", all_counties=True).get("/api/v1/hearings/", {"is_late": "true"}).json()
    assert body["count"] == 1


def test_the_hearings_api_q_matches_the_number_not_the_name_it_withholds(api_client_with, client_as):
    # given a request whose requester's name the API never returns
    request = HearingRequestFactory(case=CaseFactory(participants=False), requester_name="Rosalind Quimby")
    api = api_client_with("hearings:read", all_counties=True)
    assert "Quimby" not in api.get("/api/v1/hearings/").content.decode()
    # then ?q= confirms no prefix of the name (it would read it a letter at a time) ...
    assert api.get("/api/v1/hearings/", {"q": "Quimb"}).json()["count"] == 0
    assert api.get("/api/v1/hearings/", {"q": "Rosalind Quimby"}).json()["count"] == 0
    # ... and finds the request by its number
    assert api.get("/api/v1/hearings/", {"q": request.number.lower()}).json()["count"] == 1
    # while the staff list, which shows the name, keeps its name search
    page = client_as("hearing_officer").get(reverse("hearings:request_list"), {"q": "Quimb"})
    assert request.number in page.content.decode()


def test_home_cards_for_the_hearing_officer(client_as, role_user):
    officer = role_user("hearing_officer")
    request = HearingRequestFactory(is_late=True, good_cause="pending")
    request.hearings.create(
        officer=officer,
        starts_at=timezone.make_aware(datetime(2027, 1, 13, 9)),
        ends_at=timezone.make_aware(datetime(2027, 1, 13, 10)),
        mode="phone",
        location="Bridge",
    )
    page = client_as("hearing_officer").get(reverse("core:home"))
    cards = {card.title: card.value for _, group in page.context["sections"] for card in group}
    assert cards["My hearings, next 7 days"] == "1" and cards["Late: good cause to decide"] == "1"


def test_case_panels_template_tag(rf, role_user):
    from django.template import Context, Template

    case = CaseFactory(participants=False)
    complaint = ComplaintFactory(case=case, description="<b>x</b>")
    hearing_request = HearingRequestFactory(case=case)
    request = rf.get("/")
    request.user = role_user("coordinator")
    html = Template("{% load caseworks %}{% case_panels case %}").render(Context({"request": request, "case": case}))
    assert complaint.number in html and hearing_request.number in html
    assert html.index("Complaints") < html.index("State hearing requests")
    request.user = role_user("trainer")
    assert (
        Template("{% load caseworks %}{% case_panels case %}")
        .render(Context({"request": request, "case": case}))
        .strip()
        == ""
    )


# Pages out of date (core.stale) ---------------------------------------------------------------
def test_schedule_from_a_page_opened_before_another_officer_scheduled_is_refused_not_a_reschedule(client, make_user):
    from hearings.models import Hearing, HearingLetter

    def at(day: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

    with time_machine.travel("2026-11-23T15:00:00Z", tick=False):
        officer_a, officer_b = make_user("hearing_officer"), make_user("hearing_officer", username="officer_b")
        request = HearingRequestFactory(status="requested")
        client.force_login(officer_a)
        url = reverse("hearings:schedule", args=[request.number])
        page = client.get(url)  # A's page: the request is "requested", no sitting
        sitting = services.hearing_schedule(  # meanwhile the hearing is scheduled (notices go out)
            request=request,
            officer=officer_a,
            starts_at=at(date(2026, 12, 8)),
            mode="phone",
            location="Bridge 1",
            by=officer_b,
        )
        notices = HearingLetter.objects.filter(request=request, kind="notice").count()
        response = client.post(
            url,
            {
                **shown_on(page),
                "officer": officer_a.pk,
                "starts_at": "2026-12-10T14:00",
                "minutes": 60,
                "mode": "phone",
                "location": "Bridge 2",
            },
        )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    three = f"{timezone.localtime(datetime.fromisoformat('2026-11-23T15:00:00Z')):%H:%M}"  # the clock, local
    assert error == (
        f"The hearing was scheduled meanwhile for Dec 8, 2026 10:00 (by {officer_b} at {three}, after you opened "
        f"the page at {three}): reload the page to see it; nothing was saved."
    )
    assert error in response.content.decode()  # on the page, above the form
    # reloaded, the page says the hearing is scheduled and that a new time reschedules it
    with time_machine.travel("2026-11-23T15:05:00Z", tick=False):
        reloaded = client.get(url).content.decode()
    assert "Reschedule the hearing" in reloaded
    assert "The hearing is scheduled for Dec 8, 2026 10:00. A new time postpones that sitting" in reloaded
    # A believed it was the first scheduling: the 8 Dec sitting stands, no second notice went out
    assert list(Hearing.objects.filter(request=request).values_list("pk", "status")) == [(sitting.pk, "scheduled")]
    assert HearingLetter.objects.filter(request=request, kind="notice").count() == notices


def test_a_request_date_typed_with_the_wrong_century_is_refused_by_the_form(client_as):
    # The form applies the one date rule of every form (core.forms.past_date): 1900 to today.
    response = client_as("ombudsperson").post(
        reverse("hearings:request_create"), {**DIRECT, "requested_on": "1827-01-11"}
    )
    assert response.status_code == 200 and b"Enter a date between 1900 and 2100." in response.content
    assert not HearingRequest.objects.exists()

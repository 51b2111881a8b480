from datetime import date

import pytest
import time_machine
from django.core import mail
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import reverse

from cases.models import SentLetter
from complaints import services
from complaints.choices import Channel, ComplaintStatus, ReferralStatus
from complaints.models import Complaint
from complaints.views import ReferralForwardView
from core.models import DomainEvent
from tests.cases.factories import AddressFactory, CaseFactory
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

PUBLIC = {
    "complainant_name": "Robin <b>Bold</b>",
    "contact_email": "robin@example.org",
    "contact_phone": "",
    "case_number": "",
    "category": "distribution",
    "known_on": "",
    "description": "<script>alert('x')</script> my payment",
    "preferred_language": "Spanish",
    "interpreter_needed": "on",
    "accommodation_needs": "",
}


def throttle_rate(rate):
    from django.conf import settings

    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": rate},
        }
    )


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()


# Public form and status page ----------------------------------------------------------------


def test_public_form_needs_no_account_and_gives_number_and_secret(client, post_public):
    response = post_public(PUBLIC)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WEB and complaint.interpreter_needed
    secret = response.context["secret"]
    assert complaint.number in response.content.decode() and secret in response.content.decode()
    assert complaint.secret_hash != secret
    status = client.post(reverse("complaints:public_status"), {"number": complaint.number.lower(), "secret": secret})
    assert status.status_code == 200 and status.context["complaint"] == complaint
    wrong = client.post(reverse("complaints:public_status"), {"number": complaint.number, "secret": "nope"})
    assert wrong.context.get("complaint") is None and b"No complaint matches" in wrong.content


def test_public_form_says_nothing_of_the_case_a_number_names(client, post_public):
    # given: a case of another county than the cast's, with a CP whose address is on file
    case = CaseFactory(county="Saratoga")
    AddressFactory(person=case.cp, line1="12 Elm Street")

    def confirmation(case_number: str) -> tuple[Complaint, str]:
        page = post_public({**PUBLIC, "case_number": case_number})
        complaint = Complaint.objects.get(number=page.context["complaint"].number)
        text = page.content.decode().replace(complaint.number, "NUMBER").replace(page.context["secret"], "SECRET")
        return complaint, text

    # when: the anonymous complainant gives its number, and a number that names no case
    known, known_page = confirmation(case.case_number)
    unknown, unknown_page = confirmation("NY-987654")
    # then: the office has the complaint on the case; the complainant gets the same page either way
    assert known.case == case and not known.unknown_case and unknown.case is None and unknown.unknown_case
    assert known_page == unknown_page.replace("NY-987654", case.case_number)
    assert "could not find" not in known_page + unknown_page and "12 Elm Street" not in known_page
    assert case.cp.last_name not in known_page


def test_public_form_missing_contact_is_a_clear_error_and_nothing_is_saved(client, post_public):
    response = post_public({**PUBLIC, "contact_email": ""})
    assert response.status_code == 200 and b"email address or a phone number" in response.content
    assert not Complaint.objects.exists()


def test_public_form_bad_phone(client, post_public):
    response = post_public({**PUBLIC, "contact_email": "", "contact_phone": "12"})
    assert b"phone number of 7 to 15 digits" in response.content and not Complaint.objects.exists()


def test_scripts_are_stored_as_typed_and_shown_escaped(post_public, client_as):
    post_public(PUBLIC)
    complaint = Complaint.objects.get()
    assert complaint.description.startswith("<script>")
    page = client_as("ombudsperson").get(reverse("complaints:complaint_detail", args=[complaint.number]))
    html = page.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Robin &lt;b&gt;Bold&lt;/b&gt;" in html


def test_public_form_flood_gets_429_after_the_limit(client, post_public):
    with throttle_rate("3/hour"):
        codes = [post_public(PUBLIC).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Complaint.objects.count() == 3
    with throttle_rate("3/hour"):
        response = post_public(PUBLIC)
    assert response["Retry-After"] == "3600" and b"call the office" in response.content


def test_limit_is_per_client_address(client, post_public):
    with throttle_rate("1/hour"):
        assert post_public(PUBLIC, REMOTE_ADDR="10.0.0.1").status_code == 200
        assert post_public(PUBLIC, REMOTE_ADDR="10.0.0.1").status_code == 429
        assert post_public(PUBLIC, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_status_page_guessing_is_throttled(client):
    with throttle_rate("2/hour"):
        codes = [
            client.post(reverse("complaints:public_status"), {"number": "CMP-AAAA-BBBB", "secret": "x"}).status_code
            for _ in range(3)
        ]
    assert codes == [200, 200, 429]


# Staff intake, queue, detail ----------------------------------------------------------------


@time_machine.travel("2026-11-23 15:00Z")
def test_caseworker_files_a_complaint_on_someones_behalf(client_as):
    client = client_as("caseworker")
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "channel": "walk_in",
            "received_on": "2026-11-23",
            "complainant_name": "Lee",
            "contact_phone": "5185550199",
            "case_number": "NY-424242",
            "category": "service",
            "description": "Long wait",
            "known_on": "2026-07-01",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.unknown_case and complaint.past_known_limit
    assert complaint.due_on == date(2026, 12, 23)
    assert client.get(reverse("complaints:complaint_detail", args=[complaint.number])).status_code == 200


def _intake(case_number: str, party: str = "cp", **fields) -> dict:
    return {
        "channel": "walk_in",
        "received_on": "2026-11-23",
        "complainant_name": "Lee",
        "complainant_party": party,
        "contact_phone": "5185550199",
        "case_number": case_number,
        "category": "service",
        "description": "Long wait",
        **fields,
    }


@time_machine.travel("2026-11-23 15:00Z")
def test_caseworker_links_the_complainant_to_a_party_of_a_case_of_their_county(client_as):
    # given: an Albany case whose CP has an address, and the (Albany) caseworker at the intake desk
    case = CaseFactory(county="Albany")
    AddressFactory(person=case.cp, line1="12 Elm Street")
    client = client_as("caseworker")
    # when
    response = client.post(reverse("complaints:complaint_create"), _intake(case.case_number.lower()))
    # then: linked to the CP, who is mailed the acknowledgement (logged on the case)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.case == case and complaint.complainant_person == case.cp and not complaint.unknown_case
    assert SentLetter.objects.filter(case=case, person=case.cp, reference=complaint.number).count() == 1
    letter = client.get(reverse("complaints:acknowledgement_letter", args=[complaint.number]))
    assert letter.status_code == 200 and "12 Elm Street" in letter.content.decode()


@time_machine.travel("2026-11-23 15:00Z")
def test_a_double_clicked_intake_files_one_complaint_and_mails_one_acknowledgement(client_as):
    case = CaseFactory(county="Albany")
    AddressFactory(person=case.cp, line1="12 Elm Street")
    client = client_as("caseworker")
    first = client.post(reverse("complaints:complaint_create"), _intake(case.case_number))
    second = client.post(reverse("complaints:complaint_create"), _intake(case.case_number))
    complaint = Complaint.objects.get()
    assert first.status_code == 302 and second.status_code == 200
    assert f"already filed as {complaint.number}".encode() in second.content
    assert SentLetter.objects.filter(reference=complaint.number).count() == 1


@time_machine.travel("2026-11-23 15:00Z")
@pytest.mark.parametrize(
    ("case_county", "user_county"),
    [("Saratoga", "Albany"), ("Albany", "")],
    ids=["other-county", "user-without-county"],
)
@pytest.mark.parametrize("party", ["cp", "ncp"])
def test_a_case_the_filer_may_not_see_is_refused_as_an_unknown_number(
    client, make_user, case_county, user_county, party
):
    # given: a case the caseworker may not view (another county's, or any case for a user without a county)
    case = CaseFactory(county=case_county)
    AddressFactory(person=case.cp, line1="12 Elm Street")
    AddressFactory(person=case.ncp, line1="7 Oak Lane")
    client.force_login(make_user("caseworker", username="intake_cw", county=user_county))
    url = reverse("complaints:complaint_create")
    unknown = client.post(url, _intake("NY-987654", party))
    # when: they name it and choose a party of it
    response = client.post(url, _intake(case.case_number, party))
    # then: the answer of a number that does not exist, and nothing is recorded or mailed
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == unknown.context["form"].errors
    assert errors["complainant_party"] == [
        "Give the number of a case you may see to link the complainant to a case party."
    ]
    page = response.content.decode()
    assert "12 Elm Street" not in page and "7 Oak Lane" not in page
    assert not Complaint.objects.exists() and not SentLetter.objects.exists()
    assert not DomainEvent.objects.filter(case_id=case.pk).exists()


@time_machine.travel("2026-11-23 15:00Z")
def test_another_countys_case_number_without_a_party_is_recorded_as_unknown(client, make_user):
    # given: a Saratoga case, and an Albany caseworker who names it (no party) with its caseworker to investigate
    saratoga_worker = make_user("ombudsperson", username="saratoga_ombud", county="Saratoga")
    case = CaseFactory(county="Saratoga", caseworker=saratoga_worker)
    client.force_login(make_user("caseworker", username="intake_cw", county="Albany"))
    # when
    response = client.post(
        reverse("complaints:complaint_create"),
        _intake(case.case_number, party="", investigator=saratoga_worker.pk),
        follow=True,
    )
    # then: kept as received and flagged unknown, as a number that does not exist would be: no link,
    # no event or letter on the Saratoga case, and no word about its caseworker
    complaint = Complaint.objects.get()
    assert complaint.case is None and complaint.complainant_person is None and complaint.unknown_case
    assert complaint.case_number_received == case.case_number
    assert "the case number is not known" in response.content.decode()
    assert not DomainEvent.objects.filter(case_id=case.pk).exists() and not SentLetter.objects.exists()


@time_machine.travel("2026-11-23 15:00Z")
@pytest.mark.parametrize(
    ("received_on", "why"),
    [
        ("2026-11-24", "The date cannot be in the future."),
        # A year typed with the wrong century: the one date rule of every form (core.forms.past_date).
        ("1826-11-23", "Enter a date between 1900 and 2100."),
    ],
)
def test_a_received_date_after_today_or_before_1900_is_refused_by_the_form(client_as, received_on, why):
    response = client_as("ombudsperson").post(
        reverse("complaints:complaint_create"),
        {
            "channel": "phone",
            "received_on": received_on,
            "complainant_name": "Lee",
            "contact_phone": "5185550199",
            "category": "service",
            "description": "x",
        },
    )
    assert response.status_code == 200 and why.encode() in response.content
    assert not Complaint.objects.exists()


def test_caseworker_sees_only_what_they_filed(client_as, role_user):
    mine = ComplaintFactory(filed_by=role_user("caseworker"))
    other = ComplaintFactory()
    client = client_as("caseworker")
    assert client.get(reverse("complaints:complaint_detail", args=[mine.number])).status_code == 200
    assert client.get(reverse("complaints:complaint_detail", args=[other.number])).status_code == 404
    listing = client.get(reverse("complaints:complaint_list"))
    assert list(listing.context["object_list"]) == [mine]


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("ombudsperson", 200),
        ("coordinator", 200),
        ("hearing_officer", 200),
        ("caseworker", 200),
        ("outreach", 403),
        ("trainer", 403),
    ],
)
def test_queue_access_by_role(client_as, role, code):
    assert client_as(role).get(reverse("complaints:complaint_list")).status_code == code


@pytest.mark.parametrize(
    ("role", "code"), [("coordinator", 200), ("ombudsperson", 200), ("caseworker", 403), ("hearing_officer", 403)]
)
def test_coordinators_and_ombudspersons_open_the_extension_form(client_as, role, code):
    complaint = ComplaintFactory()
    assert client_as(role).get(reverse("complaints:complaint_extend", args=[complaint.number])).status_code == code


@time_machine.travel("2026-11-23 15:00Z")
def test_queue_is_sorted_by_due_date_and_filters(client_as, role_user):
    late = ComplaintFactory(received_on=date(2026, 10, 1), due_on=date(2026, 11, 2), past_known_limit=True)
    soon = ComplaintFactory(received_on=date(2026, 11, 1), due_on=date(2026, 12, 1))
    ComplaintFactory(
        received_on=date(2026, 11, 1),
        due_on=date(2026, 12, 1),
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 5),
        outcome="upheld",
    )
    client = client_as("ombudsperson")
    rows = list(client.get(reverse("complaints:complaint_list")).context["object_list"])
    assert rows[:2] == [late, soon]
    overdue = client.get(reverse("complaints:complaint_list"), {"due": "overdue"}).context["object_list"]
    assert list(overdue) == [late]
    flagged = client.get(reverse("complaints:complaint_list"), {"flagged": "late"}).context["object_list"]
    assert list(flagged) == [late]


@pytest.mark.parametrize("rows", [1, 40])
def test_queue_query_count_does_not_grow(client_as, django_assert_max_num_queries, rows, role_user):
    for _ in range(rows):
        ComplaintFactory(case=CaseFactory(participants=False), investigator=role_user("ombudsperson"))
    client = client_as("ombudsperson")
    client.get(reverse("complaints:complaint_list"))  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(reverse("complaints:complaint_list")).status_code == 200


def test_detail_page_query_count(client_as, django_assert_max_num_queries):
    from tests.complaints.factories import CommunicationFactory, ReferralFactory

    complaint = ComplaintFactory()
    for _ in range(10):
        CommunicationFactory(complaint=complaint)
        ReferralFactory(complaint=complaint)
    client = client_as("ombudsperson")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("complaints:complaint_detail", args=[complaint.number])).status_code == 200


# The complainant's contact under the family violence indicator ------------------------------

FVI_PHONE = "518-555-0199"
FVI_EMAIL = "hidden.victim@example.org"


def fvi_complaint(**fields):
    """A complaint by a case's custodial parent who has the FVI, giving the phone and e-mail on file."""
    case = CaseFactory()
    cp = case.cp
    cp.family_violence, cp.phone, cp.email = True, FVI_PHONE, FVI_EMAIL
    cp.save()
    return ComplaintFactory(
        case=case,
        complainant_person=cp,
        complainant_name=str(cp),
        contact_phone=FVI_PHONE,
        contact_email=FVI_EMAIL,
        **fields,
    )


@pytest.mark.parametrize("role", ["ombudsperson", "coordinator", "hearing_officer"])
def test_complaint_page_withholds_an_fvi_complainants_phone_and_email(client_as, role):
    """The phone and e-mail an FVI complainant gave are their whereabouts: the complaint page withholds
    them, as their person page does (cases.redaction.contact_copy; 42 USC 654(26))."""
    from cases.redaction import WITHHELD

    complaint = fvi_complaint()
    page = client_as(role).get(reverse("complaints:complaint_detail", args=[complaint.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert FVI_PHONE not in body and FVI_EMAIL not in body
    assert WITHHELD in body


def test_complaint_page_withholds_the_contact_once_the_indicator_is_set_after_filing(client_as):
    cp = (case := CaseFactory()).cp
    complaint = ComplaintFactory(case=case, complainant_person=cp, contact_phone=FVI_PHONE)
    client = client_as("ombudsperson")
    url = reverse("complaints:complaint_detail", args=[complaint.number])
    assert FVI_PHONE in client.get(url).content.decode()
    cp.family_violence = True
    cp.save()
    assert FVI_PHONE not in client.get(url).content.decode()


def test_complaint_page_shows_the_contact_of_a_complainant_who_is_no_case_person(client_as):
    complaint = ComplaintFactory(contact_phone=FVI_PHONE, contact_email=FVI_EMAIL)
    body = client_as("ombudsperson").get(reverse("complaints:complaint_detail", args=[complaint.number])).content
    assert FVI_PHONE in body.decode() and FVI_EMAIL in body.decode()


def test_the_contact_of_a_case_person_shown_on_the_complaint_page_is_a_logged_read(client_as, role_user):
    """A case person's phone and e-mail on the complaint page are their whereabouts: one
    ``sensitive_read`` row naming them (as their person page logs it). A complainant who is no case
    person, and an FVI complainant (withheld), leave none."""
    from core.models import AccessLog

    cp = (case := CaseFactory()).cp
    complaint = ComplaintFactory(case=case, complainant_person=cp, contact_phone="518-555-0177", contact_email="")
    client = client_as("ombudsperson")
    reads = AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ)
    assert (
        "518-555-0177" in client.get(reverse("complaints:complaint_detail", args=[complaint.number])).content.decode()
    )
    read = reads.get()
    assert (read.username, read.object_type, read.object_id, read.fields) == (
        role_user("ombudsperson").username,
        "complaints.Complaint",
        str(complaint.pk),
        ["contact_phone"],
    )
    assert read.detail["person_id"] == cp.pk
    for other in (ComplaintFactory(contact_phone="518-555-0178"), fvi_complaint()):
        assert client.get(reverse("complaints:complaint_detail", args=[other.number])).status_code == 200
    assert reads.count() == 1


# Actions ------------------------------------------------------------------------------------


@time_machine.travel("2026-11-23 15:00Z")
def test_resolve_then_notice_and_pdf(client_as, file_complaint):
    complaint = file_complaint()
    client = client_as("ombudsperson")
    response = client.post(
        reverse("complaints:complaint_resolve", args=[complaint.number]),
        {"outcome": "upheld", "resolved_on": "2026-11-23", "explanation": "We corrected the March posting."},
    )
    assert response.status_code == 302 and response.url.endswith("/notice/")
    notice = client.get(response.url)
    text = notice.content.decode()
    # New York counts from the decision (18 NYCRR 358-3.5(b)(1)), not the notice's receipt: Nov 23 + 90
    # (the row in force before the 60 days of Dec 7, 2026) = Sunday Feb 21 -> Monday Feb 22.
    assert "fair hearing" in text and "Family Code" not in text  # a New York office (11.9)
    assert (
        "Ask within 90 days after the date of this notice, November 23, 2026: at the latest by February 22, 2027."
        in text
    )
    assert "counted as received" not in text
    pdf = client.get(reverse("complaints:resolution_notice_pdf", args=[complaint.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_post_only_actions_answer_405_to_get(client_as):
    complaint = ComplaintFactory()
    assert (
        client_as("ombudsperson").get(reverse("complaints:complaint_assign", args=[complaint.number])).status_code
        == 405
    )


def test_assigning_the_caseworker_via_the_page_shows_the_error(client_as, make_user, file_complaint):
    caseworker = make_user("ombudsperson", username="cw_ombud3")
    case = CaseFactory(case_number="NY-000300", caseworker=caseworker)
    complaint = file_complaint(case_number="NY-000300", case=case)
    client = client_as("ombudsperson")
    response = client.post(
        reverse("complaints:complaint_assign", args=[complaint.number]), {"investigator": caseworker.pk}, follow=True
    )
    assert b"caseworker cannot investigate" in response.content
    complaint.refresh_from_db()
    assert complaint.investigator is None


@time_machine.travel("2026-11-23 15:00Z")
def test_extension_via_the_page(client_as, file_complaint):
    complaint = file_complaint()
    client = client_as("coordinator")
    url = reverse("complaints:complaint_extend", args=[complaint.number])
    assert client.post(url, {"days": "31", "reason": "x"}).status_code == 200
    assert client.post(url, {"days": "10", "reason": "Bank records"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.due_on == date(2026, 12, 14)  # Nov 2 + 40 = Dec 12 (Saturday) → Monday
    again = client.post(url, {"days": "5", "reason": "More"})
    assert b"only one extension" in again.content


@time_machine.travel("2026-11-23 15:00Z")
def test_a_referral_forwarded_via_the_page_returns_to_its_complaint(client_as, role_user, file_complaint):
    # given a referral (its URL names the referral, not the complaint)
    complaint = file_complaint()
    referral = services.referral_create(
        complaint=complaint,
        target_kind="county",
        target_name="Rensselaer",
        reason="Their order",
        by=role_user("ombudsperson"),
    )
    client = client_as("ombudsperson")
    url = reverse("complaints:referral_forward", args=[referral.pk])
    complaint_page = reverse("complaints:complaint_detail", args=[complaint.number])
    # when a refused date, then a good one, is posted
    refused = client.post(url, {"forwarded_on": "2026-12-01"})
    forwarded = client.post(url, {"forwarded_on": "2026-11-23"})
    # then both come back to the complaint's page (the refusal as a message), and the second is saved
    assert refused.status_code == 302 and refused.url == complaint_page
    assert forwarded.status_code == 302 and forwarded.url == complaint_page
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FORWARDED and referral.forwarded_on == date(2026, 11, 23)


@time_machine.travel("2026-11-23 15:00Z")
def test_a_referral_page_reads_the_referral_through_its_complaints_scope(role_user, file_complaint):
    # given a referral of a complaint no caseworker filed or investigates
    complaint = file_complaint()
    referral = services.referral_create(
        complaint=complaint,
        target_kind="county",
        target_name="Rensselaer",
        reason="Their order",
        by=role_user("ombudsperson"),
    )

    def page_as(role):
        request = RequestFactory().post("/")
        request.user = role_user(role)
        view = ReferralForwardView()
        view.setup(request, pk=referral.pk)
        return view

    # then the ombudsperson's page acts on the referral and returns to its complaint
    page = page_as("ombudsperson")
    assert page.object == referral and page.numbered_object == complaint
    # and a caseworker, who may not see the complaint, finds no referral
    with pytest.raises(Http404):
        page_as("caseworker").get_object()


@time_machine.travel("2026-11-23 15:00Z")
def test_a_double_clicked_referral_is_recorded_once(client_as, file_complaint):
    complaint = file_complaint()
    client = client_as("ombudsperson")
    url = reverse("complaints:referral_add", args=[complaint.number])
    data = {"target_kind": "county", "target_name": "Rensselaer", "reason": "Their order"}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert complaint.referrals.count() == 1
    assert b"already waiting to be forwarded" in second.content
    assert DomainEvent.objects.filter(verb="complaint.referred").count() == 1
    # Another target is another referral.
    client.post(url, {**data, "target_name": "Albany"})
    assert complaint.referrals.count() == 2


@time_machine.travel("2026-11-23 15:00Z")
def test_a_double_clicked_communication_is_logged_once(client_as, file_complaint):
    complaint = file_complaint()
    client = client_as("ombudsperson")
    url = reverse("complaints:communication_add", args=[complaint.number])
    data = {"occurred_on": "2026-11-23", "direction": "out", "party": "complainant", "channel": "phone"}
    data["summary"] = "Called back about the March payment."
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert complaint.communications.count() == 1
    assert b"This communication was already logged" in second.content
    # The same call again the next morning is another entry.
    with time_machine.travel("2026-11-24 14:00Z"):
        client_as("ombudsperson").post(url, {**data, "occurred_on": "2026-11-24"})
    assert complaint.communications.count() == 2


# Report -------------------------------------------------------------------------------------


@pytest.fixture
def known_data(db):
    """November 2026: 4 received; 3 resolved in November (2 within the 30 days); one from October."""

    def resolved(received, done, category, outcome):
        return ComplaintFactory(
            received_on=received,
            due_on=date(received.year, received.month, received.day),
            original_due_on=received.replace(day=min(received.day + 20, 28)),
            category=category,
            status=ComplaintStatus.RESOLVED,
            resolved_on=done,
            outcome=outcome,
        )

    resolved(date(2026, 11, 2), date(2026, 11, 12), "distribution", "upheld")  # 10 days, within
    resolved(date(2026, 11, 3), date(2026, 11, 23), "distribution", "not_upheld")  # 20 days, on the due date
    ComplaintFactory(
        received_on=date(2026, 11, 4), due_on=date(2026, 12, 4), original_due_on=date(2026, 12, 4), category="service"
    )
    ComplaintFactory(
        received_on=date(2026, 11, 30),
        due_on=date(2026, 12, 30),
        original_due_on=date(2026, 12, 30),
        category="staff_conduct",
    )
    oct_one = ComplaintFactory(
        received_on=date(2026, 10, 1),
        due_on=date(2026, 11, 2),
        original_due_on=date(2026, 11, 2),
        category="closure",
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 6),
        outcome="upheld",
    )
    return oct_one


def test_report_figures_on_a_known_data_set(known_data):
    from complaints.selectors import complaint_report

    report = complaint_report(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert report.received == 4
    assert report.resolved == 3
    assert report.resolved_within == 2  # the October one was resolved after its due date
    assert str(report.within_pct) == "66.7"
    assert str(report.average_days) == "22.0"  # (10 + 20 + 36) / 3
    assert report.by_category == [
        ("distribution", "Distribution / arrears calculation", 2, 2),
        ("closure", "Case closure", 0, 1),
        ("service", "Customer service", 1, 0),
        ("staff_conduct", "Staff conduct", 1, 0),
    ]
    assert report.by_outcome == [
        ("upheld", "Upheld (action taken)", 2),
        ("not_upheld", "Not upheld (no error found)", 1),
    ]


def test_report_page_csv_and_charts(client_as, known_data):
    client = client_as("coordinator")
    params = {"period": "month", "year": "2026", "number": "11"}
    page = client.get(reverse("complaints:report"), params)
    assert page.status_code == 200 and page.context["report"].received == 4
    csv_body = client.get(reverse("complaints:report_csv"), params).content.decode()
    assert "total,received,4" in csv_body and "total,within_30_days_pct,66.7" in csv_body
    assert "resolved_by_outcome,upheld,2" in csv_body
    svg = client.get(reverse("complaints:report_chart_category"), params)
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    quarter = client.get(reverse("complaints:report"), {"period": "quarter", "year": "2026", "number": "4"})
    assert quarter.context["report"].received == 5


@pytest.mark.parametrize(
    ("role", "code"), [("coordinator", 200), ("ombudsperson", 200), ("quality_analyst", 200), ("caseworker", 403)]
)
def test_report_permissions(client_as, role, code):
    assert client_as(role).get(reverse("complaints:report")).status_code == code


def test_notices_page_lists_only_mine(client_as, role_user):
    from complaints.models import Notice

    Notice.objects.create(user=role_user("ombudsperson"), kind="due_soon", message="Mine", dedupe_key="a")
    Notice.objects.create(user=role_user("coordinator"), kind="due_soon", message="Theirs", dedupe_key="b")
    page = client_as("ombudsperson").get(reverse("complaints:notice_list"))
    assert [n.message for n in page.context["object_list"]] == ["Mine"]
    assert not mail.outbox


@override_settings(CASEWORKS_JURISDICTION="CA")
@time_machine.travel(date(2026, 10, 28), tick=False)
def test_public_pages_give_the_same_due_date_whichever_states_case_the_number_names(client, post_public):
    """Received 2026-10-28: day 30 is 2026-11-27, the day after Thanksgiving, a California holiday
    and a New York business day. The complaint's own due date follows its case's state; the public
    pages give the earliest of the office's profiles' dates, so they hint at no state (and never a
    date later than the complaint's own: Fam. Code 17801(b))."""
    ny, ca = CaseFactory(jurisdiction="NY"), CaseFactory(jurisdiction="CA")

    def pages(case_number: str) -> tuple[Complaint, str, str]:
        page = post_public({**PUBLIC, "case_number": case_number})
        complaint = Complaint.objects.get(number=page.context["complaint"].number)
        status = client.post(
            reverse("complaints:public_status"), {"number": complaint.number, "secret": page.context["secret"]}
        )
        return complaint, page.content.decode(), status.content.decode()

    filed = {number: pages(number) for number in (ny.case_number, ca.case_number, "CA-987654")}
    # the office's clocks are the case's state's (or the office's for an unknown number)
    assert [c.due_on for c, _, _ in filed.values()] == [date(2026, 11, 27), date(2026, 11, 30), date(2026, 11, 30)]
    # the complainant sees one date whatever the number
    for _, confirmation, status in filed.values():
        assert "by <strong>Nov 27, 2026</strong>" in confirmation and "Nov 30, 2026" not in confirmation
        assert "Nov 27, 2026" in status and "Nov 30, 2026" not in status


def test_admin_withholds_an_fvi_complainants_contact_and_its_history(client, role_user):
    """Admin (superusers) applies the same rule: the contact is left out of the complaint's form and
    of its hearing request's, and their change history (whose diffs carry it) is refused."""
    from tests.hearings.factories import HearingRequestFactory

    complaint = fvi_complaint()
    request = HearingRequestFactory(
        case=complaint.case, complaint=complaint, contact_phone=FVI_PHONE, contact_email=FVI_EMAIL
    )
    client.force_login(role_user("administrator"))
    for name, pk in (("complaints_complaint", complaint.pk), ("hearings_hearingrequest", request.pk)):
        page = client.get(reverse(f"admin:{name}_change", args=[pk]))
        assert page.status_code == 200
        assert FVI_PHONE.encode() not in page.content and FVI_EMAIL.encode() not in page.content
        assert client.get(reverse(f"admin:{name}_history", args=[pk])).status_code == 403
    other = ComplaintFactory(contact_phone=FVI_PHONE)
    assert FVI_PHONE.encode() in client.get(reverse("admin:complaints_complaint_change", args=[other.pk])).content

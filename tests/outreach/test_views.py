from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.choices import QuestionKind
from outreach.models import Event, Material, Organisation, SurveyResponse
from tests.pages import shown_on

from .factories import (
    AnnouncementFactory,
    ContactFactory,
    EventFactory,
    MaterialFactory,
    MediaInquiryFactory,
    OrganisationFactory,
    RegistrationFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    event_form_data,
)

pytestmark = pytest.mark.django_db


# Permissions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status"), [("outreach", 200), ("coordinator", 200), ("caseworker", 403), ("trainer", 403)]
)
def test_event_list_access(client_as, role, status):
    assert client_as(role).get(reverse("outreach:event_list")).status_code == status


@pytest.mark.parametrize(("held", "new_page", "edit_page"), [("add", 200, 403), ("change", 403, 200)])
def test_one_edit_view_asks_add_for_a_new_organisation_and_change_to_edit_one(
    client, make_user, held, new_page, edit_page
):
    # given a user who sees organisations and holds only one of the two write permissions
    user = make_user(username=f"{held}_only")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisation", f"{held}_organisation"]))
    client.force_login(user)
    org = OrganisationFactory()
    # then the new page and the edit page (one view class) each ask for their own
    assert client.get(reverse("outreach:organisation_create")).status_code == new_page
    assert client.get(reverse("outreach:organisation_update", args=[org.pk])).status_code == edit_page


@pytest.mark.parametrize(
    ("role", "status"), [("outreach", 200), ("coordinator", 200), ("caseworker", 200), ("hearing_officer", 200)]
)
def test_calendar_is_open_to_staff(client_as, role, status):
    EventFactory(title="Parents forum", starts_at=timezone.now())
    response = client_as(role).get(reverse("outreach:event_calendar"))
    assert response.status_code == status
    assert b"Parents forum" in response.content


def test_calendar_for_someone_without_event_access_shows_no_links(client_as):
    event = EventFactory(starts_at=timezone.now())
    body = client_as("caseworker").get(reverse("outreach:event_calendar")).content.decode()
    assert reverse("outreach:event_detail", args=[event.pk]) not in body


def test_calendar_month_parameter_and_bad_input(client_as):
    EventFactory(title="March event", starts_at=timezone.make_aware(timezone.datetime(2027, 3, 10, 18, 0)))
    client = client_as("outreach")
    assert b"March event" in client.get(reverse("outreach:event_calendar"), {"month": "2027-03"}).content
    for bad in ["2027-13", "x", "99999-01", "2027-3-1"]:
        assert client.get(reverse("outreach:event_calendar"), {"month": bad}).status_code == 200


@pytest.mark.parametrize(("role", "status"), [("outreach", 302), ("coordinator", 403), ("caseworker", 403)])
def test_only_outreach_creates_events(client_as, role, status):
    response = client_as(role).post(reverse("outreach:event_create"), event_form_data())
    assert response.status_code == status
    assert Event.objects.filter(title="Workshop").exists() == (status == 302)


def test_event_form_refuses_end_before_start(client_as):
    now = timezone.localtime()
    response = client_as("outreach").post(
        reverse("outreach:event_create"),
        {
            "title": "Bad",
            "kind": "workshop",
            "audience": "employers",
            "starts_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "X",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()


def test_approve_is_outreach_only_and_get_is_405(client_as):
    inquiry = MediaInquiryFactory(draft_response="Answer", status="drafted")
    url = reverse("outreach:mediainquiry_approve", args=[inquiry.pk])
    assert client_as("coordinator").post(url).status_code == 403
    assert client_as("outreach").get(url).status_code == 405
    page = client_as("outreach").get(reverse("outreach:mediainquiry_detail", args=[inquiry.pk]))
    assert client_as("outreach").post(url, shown_on(page)).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "approved"


def test_approving_from_a_stale_page_refuses_a_draft_changed_since_it_was_read(client_as):
    from outreach.models import MediaInquiry

    inquiry = MediaInquiryFactory(draft_response="We do not comment on individual cases.", status="drafted")
    client = client_as("outreach")
    page = client.get(reverse("outreach:mediainquiry_detail", args=[inquiry.pk]))  # the approver reads the draft
    MediaInquiry.objects.filter(pk=inquiry.pk).update(draft_response="The parent owes $12,000.")  # edited since
    response = client.post(reverse("outreach:mediainquiry_approve", args=[inquiry.pk]), shown_on(page), follow=True)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.approved_response) == ("drafted", "")
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Someone changed the drafted response")
    assert message.endswith("reload the page to see it; nothing was saved.")


def test_distribution_page_refuses_more_than_stock(client_as):
    material = MaterialFactory(stock=3)
    url = reverse("outreach:material_distribute", args=[material.pk])
    response = client_as("outreach").post(url, {"quantity": 4, "distributed_on": "2026-11-20", "location": "Fair"})
    assert response.status_code == 200
    assert "Only 3 copies" in response.content.decode()
    response = client_as("outreach").post(url, {"quantity": 3, "distributed_on": "2026-11-20", "location": "Fair"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.stock == 0


def test_a_double_clicked_distribution_takes_the_copies_off_the_stock_once(client_as):
    material = MaterialFactory(stock=10)
    url = reverse("outreach:material_distribute", args=[material.pk])
    form = {"quantity": 4, "distributed_on": "2026-11-20", "location": "Fair"}
    assert client_as("outreach").post(url, form).status_code == 302
    response = client_as("outreach").post(url, form)
    assert response.status_code == 200
    assert "This distribution was already recorded" in response.content.decode()
    material.refresh_from_db()
    assert material.stock == 6 and material.distributions.count() == 1


def test_the_same_distribution_later_is_recorded_again(client_as):
    """A second identical hand-out after the short window (the same fair the next hour) counts."""
    material = MaterialFactory(stock=10)
    url = reverse("outreach:material_distribute", args=[material.pk])
    form = {"quantity": 4, "distributed_on": "2026-11-20", "location": "Fair"}
    client_as("outreach").post(url, form)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert client_as("outreach").post(url, form).status_code == 302
    material.refresh_from_db()
    assert material.stock == 2 and material.distributions.count() == 2


def test_a_double_clicked_restock_adds_the_copies_once(client_as):
    material = MaterialFactory(stock=2)
    url = reverse("outreach:material_restock", args=[material.pk])
    client = client_as("outreach")
    client.post(url, {"quantity": 100})
    response = client.post(url, {"quantity": 100}, follow=True)
    assert "This restock was already recorded" in response.content.decode()
    material.refresh_from_db()
    assert material.stock == 102
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        client_as("outreach").post(url, {"quantity": 100})  # a second delivery later is added
    material.refresh_from_db()
    assert material.stock == 202


def test_a_double_clicked_walk_in_without_e_mail_is_registered_once(client_as):
    event = EventFactory(capacity=None)
    url = reverse("outreach:registration_create", args=[event.pk])
    form = {"name": "Sam Lee", "phone": "518-555-0101", "walk_in": "on"}
    assert client_as("outreach").post(url, form).status_code == 302
    second = client_as("outreach").post(url, form)
    assert second.status_code == 200 and "already registered a moment ago" in second.content.decode()
    assert event.registrations.count() == 1
    # Another Sam Lee, told apart by the phone, is another registration.
    assert client_as("outreach").post(url, {**form, "phone": "518-555-0199"}).status_code == 302
    assert event.registrations.count() == 2


# Material uploads ----------------------------------------------------------------------------
def _material_post(client, upload):
    return client.post(
        reverse("outreach:material_create"),
        {
            "title": "Rights leaflet",
            "language": "en",
            "audience": "custodial_parents",
            "version": "1",
            "stock": 10,
            "is_current": "on",
            "file": upload,
        },
    )


def test_material_upload_of_a_pdf_is_kept_and_downloadable(client_as):
    client = client_as("outreach")
    response = _material_post(client, SimpleUploadedFile("rights.pdf", b"%PDF-1.7 body", "application/pdf"))
    assert response.status_code == 302
    material = Material.objects.get(title="Rights leaflet")
    download = client.get(reverse("outreach:material_download", args=[material.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7 body"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ...", "Upload a PDF"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match"),
    ],
)
def test_material_upload_refuses_wrong_types(client_as, name, content, message):
    response = _material_post(client_as("outreach"), SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Material.objects.filter(title="Rights leaflet").exists()


def test_material_upload_refuses_oversized_file(client_as, settings):
    settings.CASEWORKS_OUTREACH_MATERIAL_MAX_BYTES = 1024
    response = _material_post(client_as("outreach"), SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 1100))
    assert "larger than" in response.content.decode()
    settings.CASEWORKS_OUTREACH_MATERIAL_MAX_BYTES = 2048
    assert (
        _material_post(client_as("outreach"), SimpleUploadedFile("ok.pdf", b"%PDF-" + b"0" * 1100)).status_code == 302
    )


# Announcements -------------------------------------------------------------------------------
def test_publish_from_the_page_sends_and_public_page_shows_it_escaped(
    client_as, client, django_capture_on_commit_callbacks
):
    ContactFactory(email="partner@org.example")
    announcement = AnnouncementFactory(title="Hours <b>change</b>", body="<script>alert(1)</script> New hours")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("outreach").post(reverse("outreach:announcement_publish", args=[announcement.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["partner@org.example"]]
    detail = client_as("outreach").get(reverse("outreach:announcement_detail", args=[announcement.pk])).content.decode()
    assert "partner@org.example" in detail and "Sent" in detail
    client.logout()
    public = client.get(reverse("outreach:public_announcement_detail", args=[announcement.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in public and "<script>alert" not in public
    assert "Hours &lt;b&gt;change&lt;/b&gt;" in public


def test_public_page_hides_drafts(client):
    draft = AnnouncementFactory(title="Secret draft")
    assert b"Secret draft" not in client.get(reverse("outreach:public_announcement_list")).content
    assert client.get(reverse("outreach:public_announcement_detail", args=[draft.pk])).status_code == 404


# Public feedback form ------------------------------------------------------------------------
@pytest.fixture
def feedback_link(role_user):
    survey = SurveyFactory(event=EventFactory(title="Parents forum"))
    rating = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING, text="How satisfied?")
    text = SurveyQuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Comments?", required=False)
    token = services.survey_invitations_issue(survey=survey, count=1, by=role_user("outreach"))[0].token
    return survey, rating, text, reverse("outreach:feedback_form", kwargs={"token": token})


def test_public_form_needs_no_account_and_takes_one_response(client, feedback_link):
    survey, rating, text, url = feedback_link
    assert client.get(url).status_code == 200
    response = client.post(url, {f"q_{rating.pk}": "4", f"q_{text.pk}": "Great"})
    assert response.status_code == 302 and response.url == reverse("outreach:feedback_thanks")
    again = client.post(url, {f"q_{rating.pk}": "5"})
    assert again.status_code == 404
    assert "already been used" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert client.get(url).status_code == 404


def test_public_form_refuses_bad_token(client):
    response = client.get(reverse("outreach:feedback_form", kwargs={"token": "made-up"}))
    assert response.status_code == 404


@pytest.mark.parametrize("score", ["0", "6", "-1", "abc", "4.5"])
def test_public_form_refuses_scores_out_of_range(client, feedback_link, score):
    survey, rating, _, url = feedback_link
    response = client.post(url, {f"q_{rating.pk}": score})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_free_text_is_shown_escaped_in_results(client, client_as, feedback_link):
    survey, rating, text, url = feedback_link
    client.post(url, {f"q_{rating.pk}": "5", f"q_{text.pk}": "<img src=x onerror=alert(1)> loved it"})
    page = client_as("outreach").get(reverse("outreach:survey_detail", args=[survey.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; loved it" in page
    assert "<img src=x" not in page


def test_public_form_is_rate_limited_per_address(client, feedback_link, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "3/hour"},
    }
    _, _, _, url = feedback_link
    statuses = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200  # another address has its own window


def test_results_aggregate_scores_counts_and_themes(client, client_as, role_user):
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING)
    yes_no = SurveyQuestionFactory(survey=survey, kind=QuestionKind.YES_NO)
    text = SurveyQuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    answers = [(5, True, "Evening sessions please"), (3, False, "More evening hours"), (4, True, "")]
    for score, yes, comment in answers:
        token = services.survey_invitations_issue(survey=survey, count=1, by=role_user("outreach"))[0].token
        services.survey_response_submit(token=token, answers={rating.pk: score, yes_no.pk: yes, text.pk: comment})
    from outreach.selectors import survey_results

    results = survey_results(survey=survey)
    by_q = {r.question.pk: r for r in results["questions"]}
    assert results["responses"] == 3 and results["satisfaction"] == 4.0
    assert by_q[rating.pk].distribution == [(1, 0), (2, 0), (3, 1), (4, 1), (5, 1)]
    assert (by_q[yes_no.pk].yes, by_q[yes_no.pk].no) == (2, 1)
    assert by_q[text.pk].themes[0] == ("evening", 2)
    assert len(by_q[text.pk].texts) == 2


# Dashboard -----------------------------------------------------------------------------------
def _held_event_with_feedback(role_user):
    event = EventFactory(
        audience="employers", starts_at=timezone.now() - timedelta(hours=5), ends_at=timezone.now() - timedelta(hours=4)
    )
    for _ in range(3):
        RegistrationFactory(event=event, attended=True)
    RegistrationFactory(event=event, attended=False)
    survey = SurveyFactory(event=event)
    rating = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING)
    for score in (4, 5):
        token = services.survey_invitations_issue(survey=survey, count=1, by=role_user("outreach"))[0].token
        services.survey_response_submit(token=token, answers={rating.pk: score})
    received = timezone.now() - timedelta(hours=10)
    MediaInquiryFactory(
        received_at=received,
        deadline=received + timedelta(hours=8),
        status="responded",
        responded_at=received + timedelta(hours=9),
    )
    return event


def test_dashboard_figures(client_as, role_user):
    _held_event_with_feedback(role_user)
    response = client_as("coordinator").get(reverse("outreach:dashboard"))
    assert response.status_code == 200
    this_month = [m for m in response.context["event_table"] if m["month"] == timezone.localdate().replace(day=1)][0]
    assert (this_month["events"], this_month["reach"]) == (1, 3)
    feedback = [r for r in response.context["feedback"] if r["responses"]][0]
    assert (feedback["responses"], feedback["average"]) == (2, 4.5)
    media = [r for r in response.context["media"] if r["answered"]][0]
    assert (media["average_hours"], media["late"]) == (9.0, 1)


def test_dashboard_access(client_as):
    assert client_as("caseworker").get(reverse("outreach:dashboard")).status_code == 403


@pytest.mark.parametrize("chart", ["events", "media", "feedback"])
def test_charts_are_svg_without_scripts(client_as, role_user, chart):
    _held_event_with_feedback(role_user)
    response = client_as("outreach").get(reverse("outreach:dashboard_chart", args=[chart]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.lstrip().startswith("<?xml") and "<svg" in body
    assert "<script" not in body


def test_unknown_chart_and_export_are_404(client_as):
    client = client_as("outreach")
    assert client.get(reverse("outreach:dashboard_chart", args=["nope"])).status_code == 404
    assert client.get(reverse("outreach:dashboard_export", args=["nope"])).status_code == 404


def test_csv_exports(client_as, role_user):
    _held_event_with_feedback(role_user)
    client = client_as("outreach")
    month = timezone.localdate().replace(day=1).isoformat()
    events = client.get(reverse("outreach:dashboard_export", args=["events"])).content.decode().splitlines()
    assert events[0] == "month,audience,events,attendees"
    assert f"{month},employers,1,3" in events
    feedback = client.get(reverse("outreach:dashboard_export", args=["feedback"])).content.decode()
    assert f"{month},2,2,4.5" in feedback
    media = client.get(reverse("outreach:dashboard_export", args=["media"])).content.decode()
    assert f"{month},1,9.0,9.0,1" in media


# Home cards ----------------------------------------------------------------------------------
def test_home_cards_show_overdue_and_due_soon_media(client_as):
    now = timezone.now()
    MediaInquiryFactory(received_at=now - timedelta(days=2), deadline=now - timedelta(hours=1))
    MediaInquiryFactory(received_at=now - timedelta(hours=1), deadline=now + timedelta(hours=2))
    EventFactory(title="Upcoming fair", starts_at=now + timedelta(days=2))
    response = client_as("outreach").get(reverse("core:home"))
    cards = {c.title: c for _, cs in response.context["sections"] for c in cs}
    assert cards["Media inquiries overdue"].value == "1" and cards["Media inquiries overdue"].tone == "danger"
    assert cards["Media inquiries due soon"].value == "1"
    assert cards["Outreach events, next 30 days"].value == "1"
    caseworker_cards = {
        c.title for _, cs in client_as("caseworker").get(reverse("core:home")).context["sections"] for c in cs
    }
    assert "Media inquiries overdue" not in caseworker_cards


# Query counts --------------------------------------------------------------------------------
def _make_rows(n):
    for _ in range(n):
        org = OrganisationFactory()
        ContactFactory(organisation=org)
        event = EventFactory(host_organisation=org)
        RegistrationFactory(event=event, attended=True)
        MaterialFactory()
        AnnouncementFactory()
        MediaInquiryFactory()
        survey = SurveyFactory(event=event)
        SurveyQuestionFactory(survey=survey)


LIST_PAGES = [
    "outreach:organisation_list",
    "outreach:event_list",
    "outreach:material_list",
    "outreach:announcement_list",
    "outreach:mediainquiry_list",
    "outreach:mediacontact_list",
    "outreach:survey_list",
    "outreach:event_calendar",
    "outreach:dashboard",
    "outreach:public_announcement_list",
]


@pytest.mark.parametrize("url_name", LIST_PAGES)
@pytest.mark.parametrize("rows", [1, 30])
def test_list_pages_query_count_does_not_grow(client_as, django_assert_max_num_queries, url_name, rows):
    _make_rows(rows)
    client = client_as("outreach")
    client.get(reverse(url_name))  # warm the session and permission caches
    with django_assert_max_num_queries(14):
        assert client.get(reverse(url_name)).status_code == 200


def test_media_list_filters_overdue_and_due_soon(client_as):
    now = timezone.now()
    late = MediaInquiryFactory(
        outlet="Late Gazette", received_at=now - timedelta(days=2), deadline=now - timedelta(hours=1)
    )
    soon = MediaInquiryFactory(
        outlet="Soon Radio", received_at=now - timedelta(hours=1), deadline=now + timedelta(hours=2)
    )
    MediaInquiryFactory(
        outlet="Done TV",
        received_at=now - timedelta(days=2),
        deadline=now - timedelta(hours=1),
        status="responded",
        responded_at=now - timedelta(hours=3),
    )
    client = client_as("outreach")
    url = reverse("outreach:mediainquiry_list")
    assert list(client.get(url, {"due": "overdue"}).context["object_list"]) == [late]
    assert list(client.get(url, {"due": "due_soon"}).context["object_list"]) == [soon]
    assert "due-overdue" in client.get(url).content.decode()


def test_edit_pages_change_the_existing_object(client_as):
    client = client_as("outreach")
    event = EventFactory(title="Old title")
    page = client.get(reverse("outreach:event_update", args=[event.pk]))
    assert 'value="Old title"' in page.content.decode()
    start = timezone.localtime(event.starts_at)
    response = client.post(
        reverse("outreach:event_update", args=[event.pk]),
        {
            **shown_on(page),
            "title": "New title",
            "kind": "workshop",
            "audience": "schools",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Gym",
            "status": "scheduled",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.count() == 1
    event.refresh_from_db()
    assert (event.title, event.audience) == ("New title", "schools")
    inquiry = MediaInquiryFactory()
    page = client.get(reverse("outreach:mediainquiry_update", args=[inquiry.pk]))
    response = client.post(
        reverse("outreach:mediainquiry_update", args=[inquiry.pk]),
        {
            **shown_on(page),
            "outlet": inquiry.outlet,
            "reporter": inquiry.reporter,
            "question": inquiry.question,
            "received_at": timezone.localtime(inquiry.received_at).strftime("%Y-%m-%dT%H:%M"),
            "deadline": timezone.localtime(inquiry.deadline).strftime("%Y-%m-%dT%H:%M"),
            "draft_response": "Draft",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.draft_response) == ("drafted", "Draft")


def test_the_inquiry_edit_form_keeps_when_it_was_received(client_as):
    received = timezone.now() - timedelta(days=3)
    inquiry = MediaInquiryFactory(received_at=received)
    # the new page proposes "now"; the edit page shows the inquiry's own time (saved back as is)
    form = client_as("outreach").get(reverse("outreach:mediainquiry_update", args=[inquiry.pk])).context["form"]
    assert form.initial["received_at"] == received


def test_the_survey_edit_form_keeps_its_event_whatever_the_link_says(client_as):
    survey = SurveyFactory(event=EventFactory())
    other = EventFactory()
    # ?event= proposes the event of a new survey only; on the edit page the saved one stands
    page = client_as("outreach").get(reverse("outreach:survey_update", args=[survey.pk]) + f"?event={other.pk}")
    assert page.context["form"]["event"].value() == survey.event_id
    new = client_as("outreach").get(reverse("outreach:survey_create") + f"?event={other.pk}")
    assert new.context["form"]["event"].value() == other.pk


def test_published_announcement_edit_page_is_404(client_as):
    announcement = AnnouncementFactory(status="published")
    assert client_as("outreach").get(reverse("outreach:announcement_update", args=[announcement.pk])).status_code == 404


def test_contact_pages_add_to_and_return_to_the_organisation(client_as):
    client = client_as("outreach")
    org = OrganisationFactory(name="Eastside Library")
    page = client.get(reverse("outreach:contact_create", args=[org.pk]))
    assert page.context["title"] == "New contact at Eastside Library"
    response = client.post(reverse("outreach:contact_create", args=[org.pk]), {"name": "Ana Ruiz", "is_active": "on"})
    assert response.status_code == 302 and response["Location"] == org.get_absolute_url()
    contact = org.contacts.get()
    assert contact.name == "Ana Ruiz"
    page = client.get(reverse("outreach:contact_update", args=[contact.pk]))
    assert page.context["title"] == "Edit Ana Ruiz (Eastside Library)"
    response = client.post(
        reverse("outreach:contact_update", args=[contact.pk]), {**shown_on(page), "name": "Ana Ruiz-Diaz"}
    )
    assert response["Location"] == reverse("outreach:organisation_detail", kwargs={"pk": org.pk})
    contact.refresh_from_db()
    assert (contact.name, contact.is_active) == ("Ana Ruiz-Diaz", False)


def test_new_organisation_opens_its_page_and_a_media_contact_the_list(client_as):
    client = client_as("outreach")
    response = client.post(reverse("outreach:organisation_create"), {"name": "Westside Church", "kind": "faith_based"})
    org = Organisation.objects.get(name="Westside Church")
    assert response["Location"] == org.get_absolute_url()
    response = client.post(reverse("outreach:mediacontact_create"), {"outlet": "Daily News", "name": "Lee Park"})
    assert response["Location"] == reverse("outreach:mediacontact_list")


def test_follow_up_belongs_to_its_event(client_as):
    client = client_as("outreach")
    event = EventFactory()
    response = client.post(
        reverse("outreach:followup_create", args=[event.pk]),
        {"description": "Send the slides", "due_on": timezone.localdate().isoformat()},
    )
    assert response["Location"] == event.get_absolute_url()
    assert event.follow_ups.get().description == "Send the slides"


def test_survey_links_are_shown_once_on_the_answer(client_as):
    client = client_as("outreach")
    survey = SurveyFactory()
    response = client.post(reverse("outreach:survey_links", args=[survey.pk]), {"count": 2})
    assert response.status_code == 200
    assert len(response.context["links"]) == 2 and response.context["survey"] == survey
    assert client.post(reverse("outreach:survey_links", args=[survey.pk + 1000]), {"count": 2}).status_code == 404


def test_themes_at_the_same_count_come_in_alphabetical_order():
    """Which words make the top, and their order, do not depend on the process's string hashing
    (``Counter.most_common`` kept ties in a set's order)."""
    from outreach.selectors import text_themes

    answers = ["zebra yellow xylophone walrus evening", "violet umbrella tulip sunset", "Evening sessions"]
    assert text_themes(answers, top=5) == [
        ("evening", 2),
        ("sessions", 1),
        ("sunset", 1),
        ("tulip", 1),
        ("umbrella", 1),
    ]


# Pages out of date (core.stale) --------------------------------------------------------------
def test_a_stale_contact_edit_saves_the_phone_and_keeps_the_opt_out_recorded_meanwhile(client_as):
    from outreach.models import Contact

    contact = ContactFactory(name="Dana Cole", email="dana@example.org", phone="518-555-0100", wants_announcements=True)
    client = client_as("outreach")
    url = reverse("outreach:contact_update", args=[contact.pk])
    page = client.get(url)  # B's page: subscribed, the old phone
    # A records the contact's opt-out
    Contact.objects.filter(pk=contact.pk).update(wants_announcements=False)
    # B, from that page, corrects the phone number (the box is still ticked on B's page)
    response = client.post(
        url,
        {
            **shown_on(page),
            "name": "Dana Cole",
            "title": "",
            "email": "dana@example.org",
            "phone": "518-555-0199",
            "wants_announcements": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "518-555-0199"
    assert contact.wants_announcements is False, "opt-out silently undone by a stale edit"


def test_a_field_changed_on_a_stale_page_and_meanwhile_is_refused_saying_who_and_when(client_as, make_user):
    from outreach.models import Contact

    contact = ContactFactory(name="Dana Cole", phone="518-555-0100")
    client = client_as("outreach")
    url = reverse("outreach:contact_update", args=[contact.pk])
    with time_machine.travel("2026-11-23T16:58:00Z", tick=False):
        page = client.get(url)
    with time_machine.travel("2026-11-23T17:02:00Z", tick=False):
        colleague = make_user("outreach", username="lee_park", first_name="Lee", last_name="Park")
        contact.phone = "518-555-0111"
        contact._history_user = colleague
        contact.save()
        response = client.post(url, {**shown_on(page), "name": "Dana Cole", "phone": "518-555-0199", "is_active": "on"})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    opened, changed = (timezone.localtime(datetime.fromisoformat(f"2026-11-23T{t}Z")) for t in ("16:58", "17:02"))
    assert error == (
        f"Lee Park changed the phone at {changed:%H:%M}, after you opened the page at {opened:%H:%M}: "
        "reload the page to see it; nothing was saved."
    )
    assert Contact.objects.get(pk=contact.pk).phone == "518-555-0111"


def test_an_edit_form_sent_without_what_its_page_showed_is_refused(client_as):
    contact = ContactFactory(name="Dana Cole", phone="518-555-0100")
    response = client_as("outreach").post(
        reverse("outreach:contact_update", args=[contact.pk]), {"name": "Dana Cole", "phone": "518-555-0199"}
    )
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    contact.refresh_from_db()
    assert contact.phone == "518-555-0100"

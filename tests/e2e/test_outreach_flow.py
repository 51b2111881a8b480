"""Event → feedback (public form, single-use link, no account) → dashboard, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Event, SurveyResponse

pytestmark = pytest.mark.django_db(transaction=True)


def test_event_feedback_dashboard_flow(sign_in, live_server, browser):
    page = sign_in("outreach", at="/outreach/events/new/")
    base = live_server.url

    # An event held earlier today, entered through the form.
    start = timezone.localtime() - timedelta(hours=2)
    if start.date() != timezone.localdate():  # just after midnight: keep it inside this month's figures
        start = timezone.localtime().replace(hour=0, minute=5)
    page.get_by_label("Title").fill("Parents information forum")
    page.get_by_label("Kind").select_option("forum")
    page.get_by_label("Audience").select_option("custodial_parents")
    page.get_by_label("Starts at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends at").fill((start + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Location").fill("Riverside Family Resource Center")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Parents information forum")).to_be_visible()
    event = Event.objects.get(title="Parents information forum")

    # A walk-in attends.
    page.get_by_role("link", name="Register someone").click()
    page.get_by_label("Name").fill("Jordan Price")
    page.get_by_label("Walk-in").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("1 registered, 1 attended")).to_be_visible()

    # A survey tied to the event, with a rating and a free-text question.
    page.get_by_role("link", name="New feedback survey").click()
    page.get_by_label("Title").fill("Forum feedback")
    page.get_by_role("button", name="Save").click()
    for text, kind in [("How satisfied were you?", "rating"), ("What could we do better?", "text")]:
        page.get_by_label("Text").fill(text)
        page.get_by_label("Kind").select_option(kind)
        page.get_by_role("button", name="Add question").click()
    page.get_by_role("link", name="Issue response links").click()
    page.get_by_label("Number of single-use links").fill("1")
    page.get_by_role("button", name="Issue links").click()
    link = page.get_by_test_id("survey-links").locator("code").first.inner_text()
    assert "/outreach/feedback/" in link

    # A member of the public answers without an account.
    public = browser.new_context().new_page()
    public.goto(link)
    expect(public.get_by_text("About: Parents information forum")).to_be_visible()
    public.get_by_label("5", exact=True).check()
    public.get_by_label("What could we do better?").fill("More <b>evening</b> sessions")
    public.get_by_role("button", name="Send feedback").click()
    expect(public.get_by_role("heading", name="Thank you")).to_be_visible()
    # The link is single-use.
    public.goto(link)
    expect(public.get_by_role("alert")).to_contain_text("already been used")
    assert SurveyResponse.objects.filter(survey__event=event).count() == 1

    # Staff see the result, escaped, and the dashboard counts it.
    page.goto(f"{base}/outreach/surveys/")
    page.get_by_role("link", name="Forum feedback").click()
    expect(page.get_by_test_id("satisfaction")).to_have_text("5.0")
    expect(page.get_by_text("More <b>evening</b> sessions")).to_be_visible()
    page.goto(f"{base}/outreach/dashboard/")
    this_month = timezone.localdate().strftime("%b %Y")
    feedback_row = page.get_by_test_id("feedback-table").locator("tr", has_text=this_month)
    expect(feedback_row).to_contain_text("5.0")
    events_row = page.get_by_test_id("events-table").locator("tr", has_text=this_month)
    expect(events_row.locator("td").last).to_have_text("1 / 1")
    chart = page.locator("img[src$='/dashboard/charts/feedback.svg']")
    expect(chart).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", chart.element_handle()) > 0


def test_the_survey_page_shows_the_links_the_relay_refused(sign_in, live_server, relay, role_user):
    from outreach import services
    from tests.e2e.test_desk_flow import shoot
    from tests.outreach.factories import EventFactory, SurveyFactory

    event = EventFactory(title="Employer payroll workshop")
    for i, name in enumerate(["Ana Ruiz", "Ben Okafor", "Chen Li", "Dana Moss", "Eli Stone"]):
        services.registration_add(event=event, name=name, email=f"p{i}@mail.example", walk_in=True)
    survey = SurveyFactory(event=event, title="Payroll workshop feedback")
    relay.refuse("p2@mail.example", 550)
    services.survey_invite_attendees(survey=survey, by=role_user("outreach"))  # committed: the job runs
    page = sign_in("outreach", at=f"/outreach/surveys/{survey.pk}/")
    expect(page.get_by_test_id("link-emails")).to_contain_text("4 e-mailed, 1 refused by the relay")
    expect(page.get_by_role("region", name="Links the mail relay refused (scrolls sideways)")).to_contain_text(
        "Chen Li"
    )
    shoot(page, "survey-refused-links")

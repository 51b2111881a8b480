"""Browser walks for issue 14: a hearing follows its order (14.2); irreversible actions ask first (14.5)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import WorkItemStatus
from cases.models import WorkItem
from hearings import services
from hearings.models import HearingLetter
from tests.cases.factories import CaseFactory, WorkItemFactory
from tests.training.factories import CourseFactory, SessionFactory
from training.models import TrainingSession

pytestmark = pytest.mark.django_db(transaction=True)


def test_hearing_is_scheduled_held_then_decided_with_letters(live_server, page, sign_in, make_user):
    today = timezone.localdate()
    request = services.hearing_request_create(
        requester_name="Dana Parent",
        issue="distribution",
        statement="Wrong month.",
        contact_phone="518-555-0100",
        requested_on=today - timedelta(days=5),
        complaint_made_on=today - timedelta(days=60),
        today=today,
    )
    sign_in("hearing_officer")
    page.goto(f"{live_server.url}/hearings/{request.number}/")

    # a hearing at a time already past is refused on the field: the notice goes out today
    page.get_by_role("link", name="Schedule").click()
    page.get_by_label("Hearing officer").select_option(index=1)
    page.get_by_label("Date and time").fill(f"{today - timedelta(days=1):%Y-%m-%d}T10:00")
    page.get_by_label("Mode").select_option("phone")
    page.get_by_label("Place, phone bridge or video link").fill("Bridge 7")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The hearing must be at a future time")).to_be_visible()

    # scheduled 10 days ahead (New York: the notice goes out at least 10 calendar days before the
    # hearing, 18 NYCRR 358-5.1(a)): a notice to each party
    hearing_day = today + timedelta(days=10)
    page.get_by_label("Date and time").fill(f"{hearing_day:%Y-%m-%d}T10:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Hearing scheduled")
    expect(page.get_by_test_id("letters")).to_contain_text("Notice of hearing to Dana Parent")

    # a decision before the hearing is recorded as held is refused
    page.get_by_role("link", name="Decide or close").click()
    page.get_by_label("Outcome").select_option("granted")
    page.locator("[name=summary]").fill("Recalculate the arrears.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("needs a hearing that was held")).to_be_visible()

    # after the hearing (the clock moved on, for the server too): held, then granted with a
    # compliance action due on a Saturday
    hearing = request.hearings.get()
    saturday = hearing_day + timedelta(days=(5 - hearing_day.weekday()) % 7 or 7)
    with time_machine.travel(hearing.ends_at, tick=True):
        client = Client()
        client.force_login(hearing.scheduled_by)  # a session from today has expired by then
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                    "httpOnly": True,
                }
            ]
        )
        page.goto(f"{live_server.url}/hearings/{request.number}/")
        page.get_by_role("link", name="Hearing held").click()
        page.get_by_label("The hearing took place").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("request-status")).to_have_text("Hearing held: decision pending")
        page.get_by_role("link", name="Decide or close").click()
        page.get_by_label("Outcome").select_option("granted")
        page.locator("[name=summary]").fill("Recalculate the arrears.")
        page.locator("[name=actions-0-description]").fill("Recalculate from March")
        page.locator("[name=actions-0-due_on]").fill(saturday.isoformat())
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("request-status")).to_have_text("Closed")
        expect(page.get_by_test_id("outcome")).to_contain_text("Granted")
    assert request.actions.get().due_on > saturday  # moved to the next business day
    assert HearingLetter.objects.filter(request=request, kind="decision").count() == 2
    page.get_by_test_id("letters").get_by_role("link", name="letter").last.click()
    expect(page.get_by_test_id("letter")).to_contain_text("the request is granted")


def test_cancelling_a_session_and_marking_work_done_ask_first(live_server, page, sign_in, role_user):
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=7), time(10)))
    session = SessionFactory(course=CourseFactory(), starts_at=starts, ends_at=starts + timedelta(hours=2))
    sign_in("trainer")
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    page.get_by_role("button", name="Cancel this session").click()
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text("cannot be undone")
    page.get_by_role("link", name="No, go back").click()
    session.refresh_from_db()
    assert session.status != "cancelled"
    page.get_by_role("button", name="Cancel this session").click()
    page.get_by_role("button", name="Yes, cancel the session").click()
    session.refresh_from_db()
    assert session.status == "cancelled"

    page.context.clear_cookies()  # sign out the trainer
    sign_in("caseworker")
    worker = role_user("caseworker")
    item = WorkItemFactory(case=CaseFactory(caseworker=worker), assigned_to=worker)
    page.goto(f"{live_server.url}/cases/work-items/")
    page.get_by_role("button", name="Done").first.click()
    expect(page.get_by_test_id("confirm-consequences")).to_be_visible()
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN
    page.get_by_role("button", name="Yes, mark it done").click()
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.DONE
    assert TrainingSession.objects.get(pk=session.pk).status == "cancelled"


def test_a_hearing_request_with_its_sittings_fits_a_phone_screen(sign_in, settings, role_user):
    """The sittings and compliance tables scroll inside their own region at 390 px instead of widening
    the page (a long officer's name pushed it to 409 px)."""
    from tests.hearings.test_reopen import abandoned

    request = abandoned(settings, role_user("hearing_officer"))
    page = sign_in("hearing_officer", at=f"/hearings/{request.number}/")
    page.set_viewport_size({"width": 390, "height": 900})
    expect(page.get_by_role("region", name="Hearings")).to_contain_text("Not held")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

"""Court hearings entered twice: the petition page's "schedule a hearing" form sent again (a double
click, a resent POST), and a hearing's result (core.services.row_repeat_refuse, core.stale)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import DomainEvent
from enforcement.choices import PetitionKind
from enforcement.models import CourtHearing
from enforcement.services import petition_create
from enforcement.services.courts import hearing_schedule
from tests.cases.factories import CaseFactory
from tests.pages import shown_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-23T17:00:00Z", tick=False):
        yield


def test_a_double_clicked_hearing_form_schedules_one_court_hearing(client_as):
    """An enforcement specialist double-clicks "Schedule hearing" on a petition's page (or the
    browser resends the POST after a slow answer). Two CourtHearing rows are made for the same
    petition, date, part and judge, with two "court.hearing_scheduled" events: the court calendar
    shows the hearing twice, one of them is never given a result (it stays "scheduled" for ever and
    the calendar and the petition's page read as if a second hearing were pending), and the agency
    attorney is sent to prepare for a hearing that does not exist. The sibling forms on the same
    page — open a petition, refer for criminal non-support — refuse the same form sent again a
    moment later (core.services.row_repeat_refuse); this one does not.
    Who is hurt: enforcement staff and the agency attorney (the court calendar is wrong), the
    auditor reading the case history (two hearings scheduled). Cause:
    enforcement/services/courts.py hearing_schedule (no repeat check, no petition lock)."""
    case = CaseFactory()
    petition = petition_create(case=case, kind=PetitionKind.VIOLATION, by=None)
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:hearing_create", args=[petition.pk])
    form = {"scheduled_for": "2026-11-30T10:30", "court_part": "Part 3", "judge": "Hon. Lee"}
    client.post(url, form)
    again = client.post(url, form, follow=True)  # the double click / the browser's resend
    assert CourtHearing.objects.filter(petition=petition).count() == 1, "one hearing, scheduled twice"
    assert DomainEvent.objects.filter(verb="court.hearing_scheduled").count() == 1
    said = [str(m) for m in again.context["messages"]]
    assert any("This hearing is already scheduled (2026-11-30 10:30): nothing was added again." in m for m in said)


def test_a_hearing_at_another_time_is_scheduled():
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    when = timezone.now() + timedelta(days=7)
    hearing_schedule(petition=petition, scheduled_for=when, by=None, judge="Hon. Lee")
    hearing_schedule(petition=petition, scheduled_for=when + timedelta(hours=1), by=None, judge="Hon. Lee")
    assert CourtHearing.objects.filter(petition=petition).count() == 2


def test_a_hearing_result_from_a_page_opened_before_a_colleagues_result_does_not_overwrite_it(client, make_user):
    """Two enforcement specialists have the petition's page open while its hearing is "scheduled".
    The one who was in court records the result: held, the NCP did not appear, notes "NCP failed to
    appear; bench warrant requested". The other, from the page opened earlier (still showing
    "scheduled"), records "adjourned" with their own note. The second form silently replaces the
    first: the hearing now reads adjourned, the notes of what happened in court are gone, and
    nothing tells either of them. Every other desk edit refuses a change to a field a colleague
    changed since the page was shown (core.stale: petitions, referrals, rules, case details); this
    form carries nothing of what the page showed. Who is hurt: the agency (the record of the NCP's
    non-appearance, the ground for a contempt or a warrant on a violation petition, is lost), the
    NCP and the court relying on the agency's record. Cause: enforcement/views/courts.py
    HearingResultView / enforcement/services/courts.py hearing_record (no shown, no stale check)."""
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    in_court = make_user("enforcement_specialist", username="in_court")
    colleague = make_user("enforcement_specialist", username="colleague")
    url = reverse("enforcement:hearing_result", args=[hearing.pk])
    page = reverse("enforcement:petition_detail", args=[petition.pk])
    client.force_login(colleague)
    colleagues_page = client.get(page)  # the colleague's page, showing the hearing as scheduled
    client.force_login(in_court)
    in_court_page = client.get(page)
    client.post(
        url,
        {
            **shown_on(in_court_page, action=url),
            "result": "held",
            "notes": "NCP failed to appear; bench warrant requested",
            "cp_appeared": "on",
            "agency_appeared": "on",
            "agency_attorney": "A. Counsel",
        },
    )
    hearing.refresh_from_db()
    assert hearing.result == "held"
    client.force_login(colleague)  # from the page opened before
    refused = client.post(
        url,
        {**shown_on(colleagues_page, action=url), "result": "adjourned", "notes": "Adjourned", "agency_appeared": "on"},
        follow=True,
    )
    hearing.refresh_from_db()
    assert (hearing.result, hearing.notes) == ("held", "NCP failed to appear; bench warrant requested"), (
        "a colleague's stale page overwrote the court result"
    )
    said = " ".join(str(m) for m in refused.context["messages"])
    assert "The result of this hearing was recorded meanwhile: held (by In_Court at 12:00, after you" in said, said
    assert "reload the page to see it; nothing was saved." in said
    assert DomainEvent.objects.filter(verb="court.hearing_recorded").count() == 1


def test_the_same_result_sent_again_records_it_once(client, make_user):
    """A double-clicked "Save" on a hearing's result: one event, the appearances written once."""
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    client.force_login(make_user("enforcement_specialist"))
    url = reverse("enforcement:hearing_result", args=[hearing.pk])
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))
    form = {**shown_on(page, action=url), "result": "held", "notes": "Order entered", "ncp_appeared": "on"}
    client.post(url, form)
    appearances = list(hearing.appearances.values_list("pk", "party", "appeared"))
    again = client.post(url, form, follow=True)
    assert [str(m) for m in again.context["messages"]][-1] == "Hearing recorded."
    assert list(hearing.appearances.values_list("pk", "party", "appeared")) == appearances
    assert DomainEvent.objects.filter(verb="court.hearing_recorded").count() == 1


def test_a_result_form_sent_without_what_the_page_showed_is_refused(client, make_user):
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    client.force_login(make_user("enforcement_specialist"))
    client.post(reverse("enforcement:hearing_result", args=[hearing.pk]), {"result": "held", "notes": "x"})
    hearing.refresh_from_db()
    assert hearing.result == "scheduled"

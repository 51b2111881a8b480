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

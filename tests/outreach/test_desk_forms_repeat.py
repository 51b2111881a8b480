"""Outreach desk forms sent twice (a double click, a resent POST): one event on the calendar, one
contact on an organisation's history (outreach.services, core.services.row_repeat_refuse)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.outreach.factories import OrganisationFactory, event_form_data

pytestmark = pytest.mark.django_db


def test_a_double_clicked_new_event_form_puts_one_event_on_the_public_calendar(client_as, api_client_with):
    """The outreach coordinator double-clicks "Save" on a new outreach event (a workshop for
    employers). Two identical events are scheduled: the office calendar shows the workshop twice,
    registrations and walk-ins split between the twins, the event surveys and the dashboard count
    two events, and the partner API's outreach calendar (GET /api/v1/outreach-events/, read by the
    partners who republish it to the public) lists the same workshop twice. Who is hurt: the outreach
    coordinator, the partners and the public reading the calendar, the people registered on the
    twin. Cause: outreach/services.py event_save (no repeat check on a new event)."""
    data = event_form_data(title="Employer withholding workshop")
    from outreach.models import Event

    client = client_as("outreach")
    assert client.post(reverse("outreach:event_create"), data).status_code == 302
    again = client.post(reverse("outreach:event_create"), data)  # the double click
    assert "This event was just created: nothing was added again." in again.content.decode()
    listed = api_client_with("outreach:read").get("/api/v1/outreach-events/").json()
    rows = listed.get("results", listed) if isinstance(listed, dict) else listed
    titles = [row.get("title") for row in rows]
    assert (Event.objects.count(), titles.count("Employer withholding workshop")) == (1, 1), "the event twice"


def test_a_double_clicked_contact_log_entry_is_recorded_once(client_as):
    """The outreach coordinator records a phone call with a partner organisation and double-clicks
    "Save". The organisation's contact history shows the same call twice (same day, channel and
    summary), and the outreach counts of contacts made double. Every case-side log form (note,
    locate attempt, complaint communication) refuses the same entry sent again a moment later by
    the same person. Who is hurt: the outreach coordinator and whoever reads the organisation's
    history. Cause: outreach/services.py contact_log_record (no repeat check)."""
    from outreach.models import ContactLog

    org = OrganisationFactory()
    client = client_as("outreach")
    url = reverse("outreach:contactlog_create", args=[org.pk])
    data = {"occurred_on": date.today().isoformat(), "channel": "phone", "contact": "", "summary": "Booked the fair"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)  # the double click
    assert ContactLog.objects.filter(organisation=org).count() == 1, "the same call logged twice"
    assert "This contact was just recorded: nothing was added again." in again.content.decode()
    client.post(url, {**data, "summary": "Sent the flyer"})  # another contact the same day
    assert ContactLog.objects.filter(organisation=org).count() == 2

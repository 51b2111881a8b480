"""Outreach forms' "staff" pickers (outreach/forms.py ``StaffChoicesMixin``, refactor 8834a17): the
event's presenters, a follow-up's "assigned to" and a media inquiry's spokesperson offer every
active user (``staff_users``), API-only partner users included. fix/qualhear (234d6ea) ruled the
same list out for hearings ("never an API-only partner user"): a follow-up assigned to a partner's
API account is never seen by anyone (the account has no pages). Who is hurt: the outreach
coordinator whose follow-up silently goes nowhere; the public who asked (red team rt2b; pre-existing,
carried into the new mixin)."""

from __future__ import annotations

import pytest

from outreach.forms import EventForm, FollowUpForm, MediaInquiryForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("form_class", "field"),
    [(FollowUpForm, "assigned_to"), (EventForm, "presenters"), (MediaInquiryForm, "spokesperson")],
)
def test_a_partner_api_user_is_not_offered_as_outreach_staff(make_user, form_class, field):
    partner = make_user("partner_agency", username="partner_api")
    staff = make_user("caseworker", username="outreach_staff")
    offered = set(form_class().fields[field].queryset)
    assert staff in offered
    assert partner not in offered

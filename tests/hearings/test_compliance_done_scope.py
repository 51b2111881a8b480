"""Marking a compliance action done is the agency's work on the request's case: a write, bounded to
the user's county as a case write is (cases.models.scope), whatever they may read. A coordinator of
another county, or with no county, reads every request but marks no action of it done (red team
rtpeople suspicion)."""

from datetime import date

import pytest
from django.urls import reverse

from hearings import selectors
from hearings.choices import ActionStatus
from tests.cases.factories import CaseFactory
from tests.hearings.factories import ComplianceActionFactory, HearingRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _action(case):
    hr = HearingRequestFactory(
        case=case, status="decided", outcome="granted", decided_on=date(2027, 1, 4), held_on=date(2027, 1, 4)
    )
    return ComplianceActionFactory(request=hr, due_on=date(2027, 1, 29))


def _mark_done(client, user, action):
    client.force_login(user)
    return client.post(reverse("hearings:action_done", args=[action.pk]), {"done_on": "2027-01-11"})


@pytest.mark.parametrize("county", ["Kings", ""])
def test_a_coordinator_outside_the_case_county_does_not_mark_its_action_done(client, make_user, county):
    # given an action on an Albany case, and a coordinator of another county (or of none)
    action = _action(CaseFactory(participants=False))
    outsider = make_user("coordinator", username="outsider", county=county)
    # then the request page (which they may read) offers no "Mark done", and a post is refused
    client.force_login(outsider)
    page = client.get(reverse("hearings:request_detail", args=[action.request.number]))
    assert page.status_code == 200 and reverse("hearings:action_done", args=[action.pk]) not in page.content.decode()
    assert _mark_done(client, outsider, action).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_coordinator_of_the_case_county_marks_its_action_done(client, role_user):
    action = _action(CaseFactory(participants=False))
    coordinator = role_user("coordinator")
    assert selectors.actions_completable(user=coordinator, request=action.request)
    assert _mark_done(client, coordinator, action).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_action_on_a_request_with_no_case_needs_a_user_with_a_county(client, make_user, role_user):
    action = _action(None)
    assert _mark_done(client, make_user("coordinator", username="nocounty", county=""), action).status_code == 403
    assert _mark_done(client, role_user("coordinator"), action).status_code == 302

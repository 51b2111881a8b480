"""Whoever "Who" offers for a compliance action may mark that action done: the decision form's choices
(``selectors.compliance_assignees``) and the write bound (``ComplianceAction.scope_filter``) are one
rule, ``cases.models.scope.user_county``. Before, for a request on no case, "Who" offered staff with
no county, who were then refused (403) on the action assigned to them (found by the session-28 review).
"""

from datetime import date

import pytest

from hearings import selectors
from tests.hearings.factories import ComplianceActionFactory, HearingRequestFactory

pytestmark = pytest.mark.django_db


def _decided_request_on_no_case():
    return HearingRequestFactory(
        case=None, status="decided", outcome="granted", decided_on=date(2026, 12, 1), held_on=date(2026, 11, 20)
    )


def test_staff_with_no_county_are_not_offered_for_a_request_on_no_case(make_user):
    no_county = make_user("coordinator", username="no_county_coordinator", county="")
    assert no_county not in set(selectors.compliance_assignees(request=_decided_request_on_no_case()))


def test_an_assignee_offered_for_a_request_on_no_case_may_mark_the_action_done(make_user):
    coordinator = make_user("coordinator", username="albany_coordinator", county="Albany")
    hr = _decided_request_on_no_case()
    assert coordinator in set(selectors.compliance_assignees(request=hr))
    ComplianceActionFactory(request=hr, due_on=date(2026, 12, 31), assigned_to=coordinator)
    hr.refresh_from_db()
    assert selectors.actions_completable(user=coordinator, request=hr)

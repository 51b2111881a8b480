"""A compliance action is done on a day from the decision that ordered it to today, never before the
decision (red team rtpeople 15: the record of compliance is what the State checks, 18 NYCRR 358-6.4(c))."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hearings import services
from hearings.choices import ActionStatus
from tests.hearings.factories import ComplianceActionFactory, HearingRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def action():
    hr = HearingRequestFactory(
        status="decided", outcome="granted", decided_on=date(2026, 12, 1), held_on=date(2026, 11, 20)
    )
    return ComplianceActionFactory(request=hr, due_on=date(2026, 12, 31))


def test_a_compliance_action_cannot_be_done_before_the_decision_that_ordered_it(action, role_user):
    with pytest.raises(ValidationError, match="December 01, 2026"):
        services.compliance_action_complete(
            action=action, done_on=date(2026, 10, 1), by=role_user("coordinator"), today=date(2026, 12, 10)
        )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and action.done_on is None


def test_a_compliance_action_may_be_done_on_the_day_of_the_decision(action, role_user):
    done = services.compliance_action_complete(
        action=action, done_on=date(2026, 12, 1), by=role_user("coordinator"), today=date(2026, 12, 10)
    )
    assert done.status == ActionStatus.DONE and done.done_on == date(2026, 12, 1)


def test_the_page_refuses_a_done_date_before_the_decision(action, client_as):
    response = client_as("coordinator").post(
        reverse("hearings:action_done", args=[action.pk]), {"done_on": "2026-11-30"}, follow=True
    )
    assert "on or after it" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN

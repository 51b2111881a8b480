"""A late request withdrawn before its good cause was decided is closed: no good-cause decision is
recorded on it (found or not), it leaves the "good cause to decide" queue and its page offers no
good-cause form (the red team's suspicion: "not found" ended in the database refusing a second
decision letter, hearing_one_decision_letter_per_party; "found" wrote onto the closed request)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hearings import selectors, services
from hearings.choices import GoodCause, LetterKind, Outcome, RequestStatus
from hearings.models import HearingRequest
from tests.hearings.test_services import TODAY, request, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn_late(file_complaint, role_user):
    officer = role_user("hearing_officer")
    resolved = resolve(file_complaint(today=date(2026, 11, 2)), role_user("ombudsperson"))
    late = request(complaint=resolved, requested_on=date(2027, 6, 1))
    assert late.needs_good_cause
    services.hearing_decide(
        request=late,
        outcome=Outcome.WITHDRAWN,
        decided_on=date(2027, 6, 2),
        summary="Withdrawn by phone.",
        by=officer,
        today=TODAY,
    )
    return HearingRequest.objects.get(pk=late.pk), officer


@pytest.mark.parametrize("found", [True, False])
def test_no_good_cause_decision_on_a_withdrawn_late_request(withdrawn_late, found):
    late, officer = withdrawn_late
    with pytest.raises(ValidationError, match="withdrawn"):
        services.hearing_good_cause_decide(request=late, found=found, reason="Asked too late", by=officer, today=TODAY)
    late.refresh_from_db()
    assert (late.status, late.outcome, late.good_cause, late.good_cause_reason) == (
        RequestStatus.DECIDED,
        Outcome.WITHDRAWN,
        GoodCause.PENDING,
        "",
    )
    assert late.letters.filter(kind=LetterKind.DECISION).count() == 2  # one per party, as the withdrawal sent


def test_a_withdrawn_late_request_is_not_waiting_for_good_cause(withdrawn_late, client_as):
    late, officer = withdrawn_late
    assert not late.needs_good_cause
    assert selectors.queue_counts(user=officer)["good_cause"] == 0
    page = client_as("hearing_officer").get(reverse("hearings:request_detail", args=[late.number])).content.decode()
    assert reverse("hearings:good_cause", args=[late.number]) not in page
    answer = client_as("hearing_officer").post(
        reverse("hearings:good_cause", args=[late.number]), {"found": "no", "reason": "Too late"}
    )
    assert answer.status_code == 200 and "withdrawn" in answer.content.decode()

"""Fam. Code 17801 and 18 NYCRR 358-3.5(b)(1): jurisdiction, filing deadline, late requests and
good cause, scheduling, decision."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint
from hearings import services
from hearings.choices import ActionStatus, Basis, GoodCause, HearingStatus, Issue, RequestStatus
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
TODAY = date(2027, 6, 30)


def resolve(complaint, by, *, on=date(2026, 11, 20), outcome="not_upheld"):
    """The resolution reached and its notice sent on ``on``."""
    return complaint_services.complaint_resolve(
        complaint=complaint, outcome=outcome, explanation="e", resolved_on=on, by=by, today=on
    )


@pytest.fixture
def complaint(file_complaint):
    return file_complaint(today=date(2026, 11, 2))


@pytest.fixture
def resolved(complaint, role_user):
    return resolve(complaint, role_user("ombudsperson"))


@pytest.fixture
def ca_complaint(file_complaint):
    """A complaint on a California case: its hearing request time runs from receipt (Fam. Code 17801(c))."""
    return file_complaint(case=CaseFactory(jurisdiction="CA"), today=date(2026, 11, 2))


@pytest.fixture
def ca_resolved(ca_complaint, role_user):
    return resolve(ca_complaint, role_user("ombudsperson"))


def request(**fields):
    values = {"requester_name": "Dana Parent", "issue": Issue.DISTRIBUTION, "statement": "s", "today": TODAY}
    values.update(fields)
    return services.hearing_request_create(**values)


# Filing deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested_on", "late"),
    [
        (date(2027, 2, 22), False),
        (date(2027, 2, 23), False),
        (date(2027, 2, 24), True),
    ],
)
def test_deadline_is_90_days_after_the_resolution_was_received(ca_resolved, requested_on, late):
    # California law: the 90 days run from receipt. Resolved (mailed) Nov 20 + 5 days' mailing
    # allowance (CCP 1013(a)) = received Nov 25; + 90 = Feb 23 (Tuesday). The old test ran from Nov 20.
    hr = request(complaint=ca_resolved, requested_on=requested_on)
    assert hr.resolution_received_on == date(2026, 11, 25)
    assert hr.basis == Basis.RESOLUTION and hr.filing_deadline == date(2027, 2, 23)
    assert hr.is_late is late
    assert hr.good_cause == (GoodCause.PENDING if late else "")


def test_mailing_allowance_is_a_setting(ca_complaint, role_user, settings):
    settings.CASEWORKS_MAILING_ALLOWANCE_DAYS = 0  # e.g. handed over in person
    ca_resolved = resolve(ca_complaint, role_user("ombudsperson"))
    assert ca_resolved.hearing_deadline == date(2027, 2, 18)  # the notice says so too
    hr = request(complaint=ca_resolved, requested_on=date(2027, 2, 18))
    assert (hr.resolution_received_on, hr.filing_deadline) == (date(2026, 11, 20), date(2027, 2, 18))


def test_deadline_counts_from_when_the_resolution_was_received(ca_resolved):
    hr = request(complaint=ca_resolved, requested_on=date(2027, 2, 22), resolution_received_on=date(2026, 11, 25))
    assert hr.filing_deadline == date(2027, 2, 23) and not hr.is_late  # Nov 25 + 90 = Feb 23 (Tuesday)


def test_a_deadline_the_notice_stated_holds_when_the_resolution_was_received_sooner(ca_resolved):
    # Received the day it went out (Nov 20): the law's Nov 20 + 90 = Feb 18, but the notice said Feb 23.
    hr = request(complaint=ca_resolved, requested_on=date(2027, 2, 23), resolution_received_on=date(2026, 11, 20))
    assert hr.filing_deadline == date(2027, 2, 23) and not hr.is_late


def test_resolution_cannot_be_received_before_it_was_made(resolved):
    with pytest.raises(ValidationError):
        request(complaint=resolved, requested_on=date(2027, 1, 5), resolution_received_on=date(2026, 11, 19))


@pytest.mark.parametrize(
    ("requested_on", "allowed"),
    [
        (date(2026, 12, 2), False),  # the resolution is still due today (Nov 2 + 30)
        (date(2026, 12, 3), True),  # the day after: no resolution within 30 days
    ],
)
def test_without_resolution_the_complaint_process_comes_first(complaint, requested_on, allowed):
    if allowed:
        hr = request(complaint=complaint, requested_on=requested_on)
        assert hr.basis == Basis.NO_RESOLUTION
        assert hr.filing_deadline == date(2027, 2, 1)  # Nov 2 + 90 = Jan 31 (Sunday) → Monday
    else:
        with pytest.raises(ValidationError, match="complaint process comes first"):
            request(complaint=complaint, requested_on=requested_on)


@pytest.mark.parametrize(("requested_on", "late"), [(date(2027, 2, 1), False), (date(2027, 2, 2), True)])
def test_no_resolution_deadline_edges(complaint, requested_on, late):
    assert request(complaint=complaint, requested_on=requested_on).is_late is late


def test_direct_request_needs_the_complaint_date(db):
    with pytest.raises(ValidationError) as err:
        request(requested_on=date(2027, 1, 5), contact_phone="5185550100")
    assert "complaint_made_on" in err.value.message_dict
    hr = request(requested_on=date(2027, 1, 5), complaint_made_on=date(2026, 11, 2), contact_phone="5185550100")
    assert hr.complaint is None and hr.filing_deadline == date(2027, 2, 1)


def test_late_resolution_never_shortens_the_time(complaint, role_user):
    late = resolve(complaint, role_user("ombudsperson"), on=date(2026, 12, 10), outcome="upheld")
    hr = request(complaint=late, requested_on=date(2027, 1, 5))
    # Decided Dec 10 + 60 (New York from Dec 7, 2026: 18 NYCRR 358-3.5(b)(1), from the determination)
    # = Monday Feb 8, 2027: later than Feb 1 (the complaint's Nov 2 + 90).
    assert hr.filing_deadline == date(2027, 2, 8)


# New York: 60 days after the determination (18 NYCRR 358-3.5(b)(1)), never less than the notice said


# Decided and sent Thursday Dec 10, 2026: + 60 days = Monday Feb 8, 2027 (day 60).
NY_DECIDED = date(2026, 12, 10)


@pytest.mark.parametrize(("requested_on", "late"), [(date(2027, 2, 8), False), (date(2027, 2, 9), True)])
def test_a_new_york_request_is_due_60_days_after_the_determination(complaint, role_user, requested_on, late):
    resolved = resolve(complaint, role_user("ombudsperson"), on=NY_DECIDED)
    assert resolved.jurisdiction == "NY" and resolved.hearing_deadline == date(2027, 2, 8)
    hr = request(complaint=resolved, requested_on=requested_on)  # Feb 9: day 61
    assert hr.resolution_received_on == date(2026, 12, 15)  # still recorded: presumed receipt
    assert hr.filing_deadline == date(2027, 2, 8) and hr.is_late is late
    assert hr.good_cause == (GoodCause.PENDING if late else "")


@pytest.mark.parametrize("received_on", [None, date(2026, 12, 10)])
def test_a_new_york_request_by_the_deadline_its_notice_stated_is_not_late(complaint, role_user, received_on):
    """A notice sent before the count followed 358-3.5 gave 60 days from its presumed receipt: Dec 15
    + 60 = Saturday Feb 13, and Monday Feb 15 is Washington's Birthday -> Feb 16. The parent who
    asks by then, on day 61 after the determination, is on time, whenever the notice reached them
    (received the day it went out, the receipt count alone gave Feb 8)."""
    resolved = resolve(complaint, role_user("ombudsperson"), on=NY_DECIDED)
    Complaint.objects.filter(pk=resolved.pk).update(hearing_deadline=date(2027, 2, 16))
    resolved.refresh_from_db()
    hr = request(complaint=resolved, requested_on=date(2027, 2, 9), resolution_received_on=received_on)
    assert hr.filing_deadline == date(2027, 2, 16) and not hr.is_late and hr.good_cause == ""
    after = request(complaint=resolved, requested_on=date(2027, 2, 17), requester_name="Dana P. Parent")
    assert after.filing_deadline == date(2027, 2, 16) and after.is_late


def test_late_request_is_accepted_with_a_flag_never_dropped(resolved):
    hr = request(complaint=resolved, requested_on=date(2027, 6, 1))
    assert hr.pk and hr.is_late and hr.needs_good_cause and hr.status == RequestStatus.REQUESTED


# Jurisdiction ---------------------------------------------------------------------------------


@pytest.mark.parametrize("issue", [Issue.APPLICATION, Issue.CASE_ACTION, Issue.DISTRIBUTION, Issue.CLOSURE])
def test_four_matters_are_within_state_hearing_jurisdiction(resolved, issue):
    hr = request(complaint=resolved, requested_on=date(2027, 1, 5), issue=issue)
    assert hr.in_jurisdiction and hr.status == RequestStatus.REQUESTED and hr.alternate_route == ""


@pytest.mark.parametrize("issue", [Issue.ORDER_AMOUNT, Issue.CUSTODY, Issue.VISITATION])
def test_court_matters_are_recorded_with_the_alternate_route(resolved, issue):
    hr = request(complaint=resolved, requested_on=date(2027, 1, 5), issue=issue)
    assert not hr.in_jurisdiction and hr.status == RequestStatus.OUT_OF_JURISDICTION
    assert "court" in hr.alternate_route


def test_out_of_jurisdiction_request_cannot_be_scheduled(resolved, role_user):
    hr = request(complaint=resolved, requested_on=date(2027, 1, 5), issue=Issue.CUSTODY)
    officer = role_user("hearing_officer")
    with pytest.raises(ValidationError):
        services.hearing_schedule(
            request=hr, officer=officer, starts_at=timezone.now(), mode="phone", location="Bridge", by=officer
        )


# Good cause, scheduling, decision, compliance ---------------------------------------------------


def test_good_cause_found_lets_the_late_request_proceed(resolved, role_user):
    officer = role_user("hearing_officer")
    hr = request(complaint=resolved, requested_on=date(2027, 3, 1))
    with pytest.raises(ValidationError, match="good cause"):
        services.hearing_schedule(
            request=hr,
            officer=officer,
            mode="phone",
            location="Bridge",
            by=officer,
            starts_at=timezone.make_aware(datetime(2027, 3, 10, 10)),
            now=timezone.make_aware(datetime(2027, 3, 1, 9)),  # the morning of the request
        )
    with pytest.raises(PermissionDenied):
        services.hearing_good_cause_decide(request=hr, found=True, reason="In hospital", by=role_user("ombudsperson"))
    hr = services.hearing_good_cause_decide(request=hr, found=True, reason="In hospital", by=officer, today=TODAY)
    assert hr.good_cause == GoodCause.FOUND and not hr.needs_good_cause
    hearing = services.hearing_schedule(
        request=hr,
        officer=officer,
        mode="video",
        location="Link",
        by=officer,
        starts_at=timezone.make_aware(datetime(2027, 4, 20, 10)),
        now=timezone.make_aware(datetime(2027, 3, 1, 9)),  # the morning of the request
    )
    assert hearing.beyond_target is True  # Mar 1 + 45 = Apr 15
    hr.refresh_from_db()
    assert hr.status == RequestStatus.SCHEDULED


def test_no_good_cause_dismisses(resolved, role_user):
    hr = request(complaint=resolved, requested_on=date(2027, 3, 1))
    hr = services.hearing_good_cause_decide(
        request=hr, found=False, reason="No reason given", by=role_user("hearing_officer"), today=TODAY
    )
    assert hr.status == RequestStatus.DECIDED and hr.outcome == "dismissed"


def test_schedule_within_target_then_decide_with_compliance_actions(resolved, role_user):
    officer = role_user("hearing_officer")
    hr = request(complaint=resolved, requested_on=date(2027, 1, 4))
    # Decided within 90 days in New York (18 NYCRR 358-6.4(a)): Apr 4 is a Sunday -> Apr 5.
    assert hr.hold_by == date(2027, 2, 18) and hr.decide_by == date(2027, 4, 5)
    first = services.hearing_schedule(
        request=hr,
        officer=officer,
        mode="in_person",
        location="Room 2",
        by=officer,
        starts_at=timezone.make_aware(datetime(2027, 2, 10, 9)),
        now=timezone.make_aware(datetime(2027, 1, 4, 9)),  # the morning of the request
    )
    second = services.hearing_schedule(
        request=hr,
        officer=officer,
        mode="phone",
        location="Bridge",
        by=officer,
        starts_at=timezone.make_aware(datetime(2027, 2, 18, 9)),
        now=timezone.make_aware(datetime(2027, 1, 4, 9)),  # the morning of the request
    )
    first.refresh_from_db()
    assert first.status == HearingStatus.POSTPONED and not second.beyond_target
    services.hearing_held_record(request=hr, by=officer, now=second.ends_at)
    hr = services.hearing_decide(
        request=hr,
        outcome="granted",
        decided_on=date(2027, 3, 1),
        summary="Recalculate.",
        actions=[("Recalculate arrears", date(2027, 3, 31))],
        by=officer,
        today=TODAY,
    )
    second.refresh_from_db()
    assert (
        hr.status == RequestStatus.DECIDED and second.status == HearingStatus.HELD and hr.held_on == date(2027, 2, 18)
    )
    action = hr.actions.get()
    done = services.compliance_action_complete(
        action=action, done_on=date(2027, 3, 20), by=role_user("coordinator"), today=TODAY
    )
    assert done.status == ActionStatus.DONE
    with pytest.raises(ValidationError):
        services.compliance_action_complete(action=action, done_on=date(2027, 3, 21), by=officer, today=TODAY)


def test_only_hearing_officers_decide(resolved, role_user):
    hr = request(complaint=resolved, requested_on=date(2027, 1, 4))
    with pytest.raises(PermissionDenied):
        services.hearing_decide(
            request=hr,
            outcome="granted",
            decided_on=date(2027, 2, 1),
            summary="x",
            by=role_user("ombudsperson"),
            today=TODAY,
        )

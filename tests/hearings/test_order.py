"""Hearings follow their order (issue 14.2): held before a merits decision, withdrawn any time,
dismissed once the time passed, no double booking, a notice and a decision letter to each party,
compliance actions as fields with due dates rolled to a business day. Rules are tested in the
service and, where the database holds them, directly against the database."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from complaints.choices import Category, Channel
from core.letters import letter_pdf
from hearings import services
from hearings.choices import HearingStatus, LetterKind, Outcome, Party, RequestStatus
from hearings.letters import hearing_letter
from hearings.models import Hearing, HearingLetter, HearingRequest
from tests.pages import shown_on

pytestmark = pytest.mark.django_db
TODAY = date(2027, 6, 30)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


# The clock when the hearings below are scheduled: the morning of the requests (Jan 4, 2027).
CLOCK = at(date(2027, 1, 4), 9)


@pytest.fixture
def officer(role_user):
    return role_user("hearing_officer")


@pytest.fixture
def resolved(db, role_user):
    complaint = complaint_services.complaint_file(
        channel=Channel.PHONE,
        complainant_name="Dana Parent",
        contact_phone="518-555-0100",
        category=Category.DISTRIBUTION,
        description="d",
        received_on=date(2026, 11, 2),
        today=date(2026, 11, 2),
    )
    return complaint_services.complaint_resolve(
        complaint=complaint,
        outcome="not_upheld",
        explanation="e",
        resolved_on=date(2026, 11, 20),
        by=role_user("ombudsperson"),
        today=date(2026, 11, 20),
    )


@pytest.fixture
def make_request(resolved):
    def make(requested_on=date(2027, 1, 4)):
        return services.hearing_request_create(
            complaint=resolved,
            requester_name="Dana Parent",
            issue="distribution",
            statement="s",
            requested_on=requested_on,
            today=TODAY,
        )

    return make


@pytest.fixture
def scheduled(make_request, officer):
    hr = make_request()
    hearing = services.hearing_schedule(
        now=CLOCK,
        request=hr,
        officer=officer,
        starts_at=at(date(2027, 2, 10)),
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    return HearingRequest.objects.get(pk=hr.pk), hearing


def decide(hr, officer, outcome, decided_on, **kw):
    return services.hearing_decide(
        request=hr, outcome=outcome, decided_on=decided_on, summary="Because.", by=officer, today=TODAY, **kw
    )


# The order --------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.GRANTED, Outcome.DENIED])
def test_merits_decision_refused_before_the_hearing_is_held(scheduled, officer, outcome):
    hr, hearing = scheduled
    # given: today's bug: "Granted" dated before the scheduled hearing was accepted
    with pytest.raises(ValidationError, match="needs a hearing that was held"):
        decide(hr, officer, outcome, date(2027, 2, 1), now=at(date(2027, 2, 1)))
    hr.refresh_from_db()
    hearing.refresh_from_db()
    assert (hr.status, hr.outcome, hearing.status) == (RequestStatus.SCHEDULED, "", HearingStatus.SCHEDULED)


def test_held_cannot_be_recorded_before_the_hearing_starts(scheduled, officer):
    hr, hearing = scheduled
    with pytest.raises(ValidationError, match="not started"):
        services.hearing_held_record(request=hr, by=officer, now=hearing.starts_at - timedelta(minutes=1))
    services.hearing_held_record(request=hr, by=officer, now=hearing.starts_at)  # at its start: allowed
    hr.refresh_from_db()
    assert hr.status == RequestStatus.HELD and hr.held_on == date(2027, 2, 10)


@pytest.mark.parametrize(
    ("decided_on", "ok"), [(date(2027, 2, 9), False), (date(2027, 2, 10), True), (date(2027, 2, 11), True)]
)
def test_merits_decision_dated_on_or_after_the_held_hearing(scheduled, officer, decided_on, ok):
    hr, hearing = scheduled
    services.hearing_held_record(request=hr, by=officer, now=hearing.ends_at)
    if ok:
        hr = decide(hr, officer, Outcome.GRANTED, decided_on)
        assert (hr.status, hr.outcome) == (RequestStatus.DECIDED, Outcome.GRANTED)
    else:
        with pytest.raises(ValidationError, match="before the hearing"):
            decide(hr, officer, Outcome.GRANTED, decided_on)


@pytest.mark.parametrize("stage", ["requested", "scheduled", "held"])
def test_withdrawn_any_time(make_request, officer, stage):
    hr = make_request()
    hearing = None
    if stage != "requested":
        hearing = services.hearing_schedule(
            now=CLOCK,
            request=hr,
            officer=officer,
            starts_at=at(date(2027, 2, 10)),
            mode="phone",
            location="Bridge",
            by=officer,
        )
    if stage == "held":
        services.hearing_held_record(request=hr, by=officer, now=hearing.ends_at)
    hr = decide(hr, officer, Outcome.WITHDRAWN, date(2027, 1, 5) if stage != "held" else date(2027, 2, 10))
    assert (hr.status, hr.outcome) == (RequestStatus.DECIDED, Outcome.WITHDRAWN)
    if stage == "scheduled":
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.CANCELLED  # frees the officer and the bridge


def test_dismissed_only_once_the_hearing_time_passed(scheduled, officer):
    hr, hearing = scheduled
    with pytest.raises(ValidationError, match="time of its hearing has passed"):
        decide(hr, officer, Outcome.DISMISSED, date(2027, 2, 10), now=hearing.ends_at - timedelta(minutes=1))
    hr = decide(hr, officer, Outcome.DISMISSED, date(2027, 2, 10), now=hearing.ends_at)
    hearing.refresh_from_db()
    assert (hr.outcome, hearing.status) == (Outcome.DISMISSED, HearingStatus.NOT_HELD)


def test_a_hearing_is_only_scheduled_for_a_future_time(make_request, officer):
    # given: today's bug: on Dec 6 a notice said the hearing "is scheduled for Monday, November 30,
    # 2026 at 10 a.m.", and the request could be dismissed at once
    hr = make_request(requested_on=date(2026, 11, 23))
    now = at(date(2026, 12, 6), 9)

    def schedule(starts_at):
        return services.hearing_schedule(
            request=hr, officer=officer, starts_at=starts_at, mode="phone", location="Bridge 4411", by=officer, now=now
        )

    for refused in (at(date(2026, 11, 30)), now):  # a time past, and exactly now
        with pytest.raises(ValidationError) as err:
            schedule(refused)
        assert err.value.message_dict == {
            "starts_at": ["The hearing must be at a future time: the notice goes out today."]
        }
    hr.refresh_from_db()
    assert hr.status == RequestStatus.REQUESTED and not hr.hearings.exists()
    assert not HearingLetter.objects.filter(request=hr).exists()
    with pytest.raises(ValidationError, match="dismissed once"):
        decide(hr, officer, Outcome.DISMISSED, date(2026, 12, 6), now=now)
    # New York: the earliest is 10 calendar days after the notice (18 NYCRR 358-5.1(a)): Dec 16.
    with pytest.raises(ValidationError, match=r"at least 10 calendar days .*18 NYCRR 358-5.1\(a\).*December 16, 2026"):
        schedule(now + timedelta(minutes=1))
    hearing = schedule(now + timedelta(days=10))  # Dec 16: scheduled, with its notices
    assert hearing.status == HearingStatus.SCHEDULED
    assert HearingLetter.objects.filter(request=hr, hearing=hearing, kind=LetterKind.NOTICE).count() == 2


def test_rescheduling_to_a_past_time_is_refused_and_keeps_the_sitting(scheduled, officer):
    hr, hearing = scheduled
    with pytest.raises(ValidationError, match="future time"):
        services.hearing_schedule(
            request=hr,
            officer=officer,
            starts_at=hearing.starts_at - timedelta(days=1),
            mode="phone",
            location="Bridge 4411",
            by=officer,
            now=hearing.starts_at - timedelta(hours=1),
        )
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.SCHEDULED and hr.hearings.count() == 1


def test_dismissed_refused_without_a_hearing(make_request, officer):
    with pytest.raises(ValidationError, match="dismissed once"):
        decide(make_request(), officer, Outcome.DISMISSED, date(2027, 1, 5))


def test_closed_request_cannot_be_decided_or_rescheduled(scheduled, officer):
    hr, _ = scheduled
    decide(hr, officer, Outcome.WITHDRAWN, date(2027, 1, 5))
    with pytest.raises(ValidationError, match="already closed"):
        decide(hr, officer, Outcome.WITHDRAWN, date(2027, 1, 6))
    with pytest.raises(ValidationError):
        services.hearing_schedule(
            now=CLOCK,
            request=hr,
            officer=officer,
            starts_at=at(date(2027, 3, 1)),
            mode="phone",
            location="Bridge",
            by=officer,
        )


def test_database_refuses_a_merits_decision_without_a_held_hearing(scheduled):
    hr, _ = scheduled
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingRequest.objects.filter(pk=hr.pk).update(status="decided", outcome="granted", decided_on=date(2027, 2, 1))


def test_database_refuses_a_decision_dated_before_the_hearing(scheduled):
    hr, _ = scheduled
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingRequest.objects.filter(pk=hr.pk).update(
            status="decided", outcome="denied", held_on=date(2027, 2, 10), decided_on=date(2027, 2, 9)
        )


def test_database_refuses_held_without_a_date_and_an_outcome_left_open(scheduled):
    hr, _ = scheduled
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingRequest.objects.filter(pk=hr.pk).update(status="held")
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingRequest.objects.filter(pk=hr.pk).update(outcome="withdrawn")


def test_database_refuses_a_sitting_that_ends_before_it_starts(scheduled):
    _, hearing = scheduled
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(ends_at=hearing.starts_at)


# Bookings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "clash"),
    [
        ((9, 0), False),  # 09:00-10:00 ends as the booked 10:00-11:00 starts
        ((9, 1), True),  # 09:01-10:01 overlaps by a minute
        ((10, 30), True),
        ((10, 59), True),
        ((11, 0), False),  # starts as the other ends
    ],
)
def test_officer_is_never_double_booked(scheduled, make_request, officer, start, clash):
    other = make_request()
    call = lambda: services.hearing_schedule(  # noqa: E731
        now=CLOCK,
        request=other,
        officer=officer,
        starts_at=at(date(2027, 2, 10), *start),
        mode="video",
        location="https://video.example/x",
        by=officer,
    )
    if clash:
        with pytest.raises(ValidationError) as err:
            call()
        assert "officer" in err.value.message_dict and scheduled[0].number in err.value.message_dict["officer"][0]
    else:
        assert call().status == HearingStatus.SCHEDULED


def test_room_or_bridge_is_never_double_booked(scheduled, make_request, officer, make_user):
    from django.contrib.auth.models import Group

    second = make_user(username="officer2")
    second.groups.add(Group.objects.get(name="hearing_officer"))
    other = make_request()
    with pytest.raises(ValidationError) as err:  # same bridge, other spelling and spacing
        services.hearing_schedule(
            now=CLOCK,
            request=other,
            officer=second,
            starts_at=at(date(2027, 2, 10), 10, 30),
            mode="phone",
            location="  bridge   4411 ",
            by=second,
        )
    assert list(err.value.message_dict) == ["location"]
    hearing = services.hearing_schedule(
        now=CLOCK,
        request=other,
        officer=second,
        starts_at=at(date(2027, 2, 10), 10, 30),
        mode="phone",
        location="Bridge 5522",
        by=second,
    )
    assert hearing.resource_key == "bridge 5522"


def test_rescheduling_the_same_request_frees_its_own_slot(scheduled, officer):
    hr, first = scheduled
    second = services.hearing_schedule(
        now=CLOCK,
        request=hr,
        officer=officer,
        starts_at=at(date(2027, 2, 10), 10, 30),
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    first.refresh_from_db()
    assert first.status == HearingStatus.POSTPONED and second.status == HearingStatus.SCHEDULED


def test_cancelled_sitting_frees_the_officer(scheduled, make_request, officer):
    hr, _ = scheduled
    decide(hr, officer, Outcome.WITHDRAWN, date(2027, 1, 5))
    other = make_request()
    assert (
        services.hearing_schedule(
            now=CLOCK,
            request=other,
            officer=officer,
            starts_at=at(date(2027, 2, 10)),
            mode="phone",
            location="Bridge 4411",
            by=officer,
        ).status
        == HearingStatus.SCHEDULED
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL")
def test_postgresql_refuses_an_overlapping_booking_directly(scheduled, make_request, officer):
    _, hearing = scheduled
    other = make_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.create(
            request=other,
            officer=officer,
            starts_at=hearing.starts_at + timedelta(minutes=30),
            ends_at=hearing.ends_at + timedelta(minutes=30),
            mode="video",
            location="x",
        )


# Letters ----------------------------------------------------------------------------------------


def test_scheduling_issues_a_notice_to_each_party(scheduled):
    hr, hearing = scheduled
    letters = HearingLetter.objects.filter(request=hr, kind=LetterKind.NOTICE)
    assert sorted((letter.party, letter.hearing_id) for letter in letters) == [
        (Party.AGENCY, hearing.pk),
        (Party.APPELLANT, hearing.pk),
    ]
    text = " ".join(t for _, t in hearing_letter(letters.get(party=Party.APPELLANT)).sections)
    assert "Wednesday, February 10, 2027 at 10 a.m." in text and "Bridge 4411" in text
    assert "Family Code" not in text and "Social Services Law 22" in text  # a New York office (11.9)


def test_decision_issues_a_decision_letter_to_each_party(scheduled, officer):
    hr, hearing = scheduled
    services.hearing_held_record(request=hr, by=officer, now=hearing.ends_at)
    hr = decide(
        hr,
        officer,
        Outcome.GRANTED,
        date(2027, 2, 12),
        actions=[("Recalculate the arrears", date(2027, 3, 6), officer)],
    )  # a Saturday
    letters = HearingLetter.objects.filter(request=hr, kind=LetterKind.DECISION)
    assert sorted(letter.party for letter in letters) == [Party.AGENCY, Party.APPELLANT]
    letter = hearing_letter(letters.get(party=Party.APPELLANT))
    text = " ".join(t for _, t in letter.sections)
    assert "held on February 10, 2027" in text and "granted" in text
    assert "Recalculate the arrears, by March 8, 2027" in text  # Saturday → Monday
    assert letter_pdf(letter).startswith(b"%PDF")


def test_compliance_due_dates_roll_to_the_next_business_day(scheduled, officer):
    hr, hearing = scheduled
    services.hearing_held_record(request=hr, by=officer, now=hearing.ends_at)
    hr = decide(
        hr,
        officer,
        Outcome.GRANTED,
        date(2027, 2, 12),
        actions=[
            ("On a Friday", date(2027, 3, 5)),
            ("On a Saturday", date(2027, 3, 6)),
            ("On Memorial Day", date(2027, 5, 31)),
        ],
    )
    assert {a.description: a.due_on for a in hr.actions.all()} == {
        "On a Friday": date(2027, 3, 5),
        "On a Saturday": date(2027, 3, 8),
        "On Memorial Day": date(2027, 6, 1),
    }


def test_compliance_actions_only_with_a_merits_decision(scheduled, officer):
    hr, _ = scheduled
    with pytest.raises(ValidationError, match="Only a decision on the merits"):
        decide(hr, officer, Outcome.WITHDRAWN, date(2027, 1, 5), actions=[("x", date(2027, 3, 5))])


def test_no_good_cause_dismissal_issues_decision_letters(make_request, officer):
    hr = make_request(requested_on=date(2027, 3, 1))  # late
    services.hearing_good_cause_decide(request=hr, found=False, reason="None given", by=officer, today=TODAY)
    assert HearingLetter.objects.filter(request=hr, kind=LetterKind.DECISION).count() == 2


# Pages ------------------------------------------------------------------------------------------


def test_letter_pages_for_the_officer_and_refused_to_a_caseworker(scheduled, client_as):
    hr, _ = scheduled
    letter = HearingLetter.objects.filter(request=hr).first()
    client = client_as("hearing_officer")
    page = client.get(reverse("hearings:letter", args=[letter.pk]))
    assert page.status_code == 200 and b"Notice of hearing" in page.content
    assert client.get(reverse("hearings:letter_pdf", args=[letter.pk]))["Content-Type"] == "application/pdf"
    assert client_as("trainer").get(reverse("hearings:letter", args=[letter.pk])).status_code == 403


def test_schedule_page_shows_the_double_booking_on_the_field(scheduled, make_request, officer, client):
    other = make_request()
    with time_machine.travel(CLOCK, tick=False):  # the page is used before the hearing, whatever today is
        client.force_login(officer)
        response = client.post(
            reverse("hearings:schedule", args=[other.number]),
            {
                **shown_on(client.get(reverse("hearings:schedule", args=[other.number]))),
                "officer": officer.pk,
                "starts_at": "2027-02-10T10:30",
                "minutes": "60",
                "mode": "video",
                "location": "https://video.example/y",
            },
        )
    assert response.status_code == 200
    assert "already has hearing" in response.context["form"].errors["officer"][0]


@pytest.mark.parametrize(("starts_at", "ok"), [("2027-01-04T08:00", False), ("2027-01-14T09:01", True)])
def test_schedule_page_refuses_a_past_time_on_the_field(make_request, officer, client, starts_at, ok):
    hr = make_request()
    with time_machine.travel(CLOCK, tick=False):  # 9:00 on Jan 4, 2027
        client.force_login(officer)
        url = reverse("hearings:schedule", args=[hr.number])
        response = client.post(
            url,
            {
                **shown_on(client.get(url)),
                "officer": officer.pk,
                "starts_at": starts_at,
                "minutes": "60",
                "mode": "phone",
                "location": "Bridge",
            },
        )
    if ok:
        assert response.status_code == 302 and hr.hearings.get().status == HearingStatus.SCHEDULED
    else:
        assert response.status_code == 200 and not hr.hearings.exists()
        assert response.context["form"].errors["starts_at"] == [
            "The hearing must be at a future time: the notice goes out today."
        ]


@pytest.mark.parametrize(
    ("jurisdiction", "starts_on", "ok"),
    [
        ("NY", date(2027, 1, 13), False),  # 9 days after the notice of Jan 4
        ("NY", date(2027, 1, 14), True),  # 10 days: 18 NYCRR 358-5.1(a)
        ("CA", date(2027, 1, 5), True),  # no minimum notice found in 22 CCR: the next day is allowed
    ],
)
def test_a_new_york_hearing_is_noticed_at_least_10_calendar_days_ahead(
    make_request, officer, jurisdiction, starts_on, ok
):
    """18 NYCRR 358-5.1(a): "at least 10 calendar days prior to the date of the fair hearing, a written
    notice of the fair hearing will be sent". The notice goes out the day the hearing is scheduled, so
    a New York hearing sooner is refused with the first allowed date; no waiver is in the text."""
    hr = make_request()
    type(hr).objects.filter(pk=hr.pk).update(jurisdiction=jurisdiction)
    hr.refresh_from_db()

    def schedule():
        return services.hearing_schedule(
            request=hr,
            officer=officer,
            starts_at=at(starts_on),
            mode="phone",
            location="Bridge 7",
            by=officer,
            now=CLOCK,
        )

    if ok:
        assert schedule().status == HearingStatus.SCHEDULED
    else:
        with pytest.raises(ValidationError) as err:
            schedule()
        assert err.value.message_dict == {
            "starts_at": [
                "The notice of hearing goes out today and must be sent at least 10 calendar days before the "
                "hearing (18 NYCRR 358-5.1(a)): choose January 14, 2027 or later."
            ]
        }
        assert not hr.hearings.exists() and not HearingLetter.objects.filter(request=hr).exists()

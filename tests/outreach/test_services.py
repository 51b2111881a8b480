import smtplib
from datetime import date, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.jobs import jobs_watchdog
from core.models import DomainEvent, Job, JobStatus
from outreach import services
from outreach.choices import DeliveryStatus, InquiryStatus, QuestionKind, ReminderKind
from outreach.models import AnnouncementDelivery, Material, MediaInquiry, MediaReminder, SurveyAnswer, SurveyResponse
from outreach.tasks import announcement_send_task, media_reminders_task
from tests.conftest import needs_postgres

from .factories import (
    AnnouncementFactory,
    ContactFactory,
    EventFactory,
    MaterialFactory,
    MediaContactFactory,
    MediaInquiryFactory,
    SurveyFactory,
    SurveyQuestionFactory,
)

pytestmark = pytest.mark.django_db


# Stock ---------------------------------------------------------------------------------------
def test_distribution_takes_copies_off_stock_and_records_where(outreach_user):
    material = MaterialFactory(stock=10)
    dist = services.material_distribute(
        material=material, quantity=4, distributed_on=date(2026, 11, 2), location="Library", by=outreach_user
    )
    material.refresh_from_db()
    assert material.stock == 6
    assert (dist.quantity, dist.location) == (4, "Library")
    assert DomainEvent.objects.filter(verb="outreach.material_distributed", data__stock_after=6).exists()


def test_distribution_of_exactly_the_stock_leaves_zero(outreach_user):
    material = MaterialFactory(stock=5)
    services.material_distribute(
        material=material, quantity=5, distributed_on=date(2026, 11, 2), location="X", by=outreach_user
    )
    material.refresh_from_db()
    assert material.stock == 0


def test_distribution_below_zero_is_refused_and_changes_nothing(outreach_user):
    material = MaterialFactory(stock=5)
    with pytest.raises(ValidationError, match="Only 5 copies"):
        services.material_distribute(
            material=material, quantity=6, distributed_on=date(2026, 11, 2), location="X", by=outreach_user
        )
    material.refresh_from_db()
    assert material.stock == 5
    assert material.distributions.count() == 0


@pytest.mark.parametrize("quantity", [0, -1])
def test_distribution_of_nothing_is_refused(outreach_user, quantity):
    material = MaterialFactory(stock=5)
    with pytest.raises(ValidationError):
        services.material_distribute(
            material=material, quantity=quantity, distributed_on=date(2026, 11, 2), location="X", by=outreach_user
        )


def test_database_refuses_negative_stock():
    material = MaterialFactory(stock=0)
    with pytest.raises(IntegrityError):
        Material.objects.filter(pk=material.pk).update(stock=-1)


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_distribution_sent_twice_at_once_takes_the_copies_once(monkeypatch, outreach_user):
    """A double-click sends two requests at the same moment: one distribution, one stock movement."""
    import contextlib
    import threading

    from django.db import connection

    material = MaterialFactory(stock=10)
    # Each pauses once it has passed the checks, until the other has too (or 3 s).
    barrier, real = threading.Barrier(2), services._save

    def both_checked(obj, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return real(obj, **kwargs)

    monkeypatch.setattr(services, "_save", both_checked)
    errors = []

    def distribute():
        try:
            services.material_distribute(
                material=material, quantity=4, distributed_on=date(2026, 11, 2), location="Fair", by=outreach_user
            )
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=distribute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    material.refresh_from_db()
    assert material.stock == 6 and material.distributions.count() == 1
    assert len(errors) == 1 and "already recorded" in str(errors[0])


def test_restock_adds_copies(outreach_user):
    material = MaterialFactory(stock=2)
    services.material_restock(material=material, quantity=100, by=outreach_user)
    assert material.stock == 102


def test_a_restock_again_is_found_by_its_event_data_not_its_wording(outreach_user):
    """The repeat check reads what the event records (the copies added), not its summary's words:
    another wording of the summary is the same restock, and another quantity is another one."""
    material = MaterialFactory(stock=2)
    services.material_restock(material=material, quantity=100, by=outreach_user)
    event = DomainEvent.objects.get(verb="outreach.material_restocked")
    assert event.data == {"quantity": 100, "stock_after": 102}
    DomainEvent.objects.filter(pk=event.pk).update(summary="100 copies received")  # the words changed
    with pytest.raises(ValidationError, match="already recorded"):
        services.material_restock(material=material, quantity=100, by=outreach_user)
    services.material_restock(material=material, quantity=10, by=outreach_user)
    material.refresh_from_db()
    assert material.stock == 112


# Registrations -------------------------------------------------------------------------------
def test_registration_refuses_duplicate_email_and_full_event(outreach_user):
    event = EventFactory(capacity=2)
    services.registration_add(event=event, name="A", email="A@x.example")
    with pytest.raises(ValidationError, match="already registered"):
        services.registration_add(event=event, name="A again", email="a@x.example")
    services.registration_add(event=event, name="B")
    with pytest.raises(ValidationError, match="full"):
        services.registration_add(event=event, name="C")


@pytest.mark.parametrize("email", ["", "a@x.example"])
def test_a_registration_locks_its_event_once(outreach_user, monkeypatch, email):
    """The capacity check and the repeat check (without an e-mail) take turns on one lock of the
    event, taken once."""
    from django.db.models.query import QuerySet

    from outreach.models import Event

    event, locks, real = EventFactory(capacity=5), [], QuerySet.select_for_update

    def counted(queryset, *args, **kwargs):
        locks.append(queryset.model)
        return real(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", counted)
    services.registration_add(event=event, name="A", email=email)
    assert locks == [Event]


def test_attendance_marks_exactly_the_chosen(outreach_user):
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=3))
    a = services.registration_add(event=event, name="A")
    b = services.registration_add(event=event, name="B")
    assert services.attendance_record(event=event, attended_ids={a.pk}, by=outreach_user) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    event.refresh_from_db()
    assert (a.attended, b.attended, event.status) == (True, False, "held")


# Announcements -------------------------------------------------------------------------------
def test_publish_sends_once_to_each_opted_in_address_and_records_it(outreach_user, django_capture_on_commit_callbacks):
    c1 = ContactFactory(email="one@org.example")
    ContactFactory(email="two@org.example", wants_announcements=False)  # did not ask
    ContactFactory(email="ONE@org.example")  # same address twice: one e-mail
    ContactFactory(email="", wants_announcements=True)  # no address
    ContactFactory(email="gone@org.example", is_active=False)
    m1 = MediaContactFactory(email="desk@press.example")
    MediaContactFactory(email="no@press.example", wants_announcements=False)
    announcement = AnnouncementFactory(title="New office hours")

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.announcement_publish(announcement=announcement, by=outreach_user)

    assert queued == 2
    deliveries = {d.email: d for d in AnnouncementDelivery.objects.filter(announcement=announcement)}
    assert set(deliveries) == {"one@org.example", "desk@press.example"}
    assert deliveries["one@org.example"].contact == c1
    assert deliveries["desk@press.example"].media_contact == m1
    assert all(d.status == DeliveryStatus.SENT and d.sent_at for d in deliveries.values())
    assert sorted(m.to[0] for m in mail.outbox) == ["desk@press.example", "one@org.example"]
    assert "New office hours" in mail.outbox[0].subject
    announcement.refresh_from_db()
    assert announcement.status == "published" and announcement.published_by == outreach_user


def test_sending_again_sends_nothing_twice(outreach_user, django_capture_on_commit_callbacks):
    ContactFactory()
    announcement = AnnouncementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=announcement, by=outreach_user)
    assert len(mail.outbox) == 1
    announcement_send_task.delay(announcement.pk)  # a redelivered task
    assert len(mail.outbox) == 1


def test_media_only_announcement_skips_organisation_contacts(outreach_user, django_capture_on_commit_callbacks):
    ContactFactory()
    MediaContactFactory(email="desk@press.example")
    announcement = AnnouncementFactory(send_to_contacts=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=announcement, by=outreach_user)
    assert [m.to for m in mail.outbox] == [["desk@press.example"]]


def test_publish_twice_is_refused(outreach_user, django_capture_on_commit_callbacks):
    announcement = AnnouncementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=announcement, by=outreach_user)
    with pytest.raises(ValidationError, match="already published"):
        services.announcement_publish(announcement=announcement, by=outreach_user)


def test_a_recipient_refused_for_good_is_recorded_and_the_rest_go(
    outreach_user, relay, django_capture_on_commit_callbacks, client_as
):
    ContactFactory(email="bad@org.example")
    ContactFactory(email="good@org.example")
    relay.refuse("bad@org.example", 550)  # 5xx: no such mailbox — retrying will not help
    announcement = AnnouncementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=announcement, by=outreach_user)
    statuses = dict(AnnouncementDelivery.objects.values_list("email", "status"))
    assert statuses == {"bad@org.example": "failed", "good@org.example": "sent"}
    assert "550" in AnnouncementDelivery.objects.get(email="bad@org.example").error
    assert Job.objects.get(key=f"announcement:{announcement.pk}").status == JobStatus.DONE
    page = client_as("outreach").get(reverse("outreach:announcement_detail", args=[announcement.pk]))
    assert "Refused by the mail relay" in page.content.decode() and "550" in page.content.decode()


def test_a_relay_outage_during_an_announcement_loses_it_for_nobody(
    outreach_user, relay, django_capture_on_commit_callbacks
):
    # given a relay that refuses connections while the announcement goes out
    for i in range(3):
        ContactFactory(email=f"c{i}@org.example")
    relay.up_for(1)  # the first e-mail goes, then the relay is down
    announcement = AnnouncementFactory()
    # (eager in tests: the task's autoretry surfaces as Retry; a worker sends it again after a back-off)
    with pytest.raises(Retry, match="Connection refused"), django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=announcement, by=outreach_user)
    statuses = dict(AnnouncementDelivery.objects.values_list("email", "status"))
    assert sorted(statuses.values()) == ["pending", "pending", "sent"]  # nothing lost, nothing failed
    errors = AnnouncementDelivery.objects.filter(status="pending").values_list("error", flat=True)
    assert "will retry: ConnectionRefusedError" in " ".join(errors)  # the one that met the outage says so
    job = Job.objects.get(key=f"announcement:{announcement.pk}")
    assert job.status == JobStatus.SENT and "Connection refused" in job.error  # left for the watchdog
    # when the relay is back, the watchdog re-sends the job its retries gave up on
    relay.up()
    later = timezone.now() + timedelta(seconds=settings.CASEWORKS_JOB_UNCLAIMED_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert jobs_watchdog()["dispatched"] == 1
    # then every recipient has it once
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@org.example", "c1@org.example", "c2@org.example"]
    assert set(AnnouncementDelivery.objects.values_list("status", flat=True)) == {"sent"}
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


@pytest.mark.parametrize(
    "outage",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPRecipientsRefused({"c0@org.example": (451, b"4.7.1 try again later")}),
        smtplib.SMTPDataError(421, b"4.4.2 service not available"),
        TimeoutError("timed out"),
    ],
)
def test_a_relay_that_says_try_again_later_keeps_the_delivery_pending(outreach_user, relay, outage):
    ContactFactory(email="c0@org.example")
    announcement = AnnouncementFactory()
    services.announcement_publish(announcement=announcement, by=outreach_user)  # no commit: sent below
    relay.down(outage)
    with pytest.raises(ConnectionError):
        services.announcement_send(announcement_id=announcement.pk)
    assert AnnouncementDelivery.objects.get().status == "pending"
    relay.up()
    assert services.announcement_send(announcement_id=announcement.pk) == {"sent": 1, "failed": 0}


def test_published_announcement_cannot_be_edited(outreach_user):
    announcement = AnnouncementFactory(status="published")
    with pytest.raises(ValidationError):
        services.announcement_save(announcement=announcement, by=outreach_user)


# Media inquiries -----------------------------------------------------------------------------
def test_inquiry_flow_draft_approve_respond_tracks_response_time(outreach_user):
    received = timezone.now() - timedelta(hours=5)
    inquiry = MediaInquiryFactory(received_at=received, deadline=received + timedelta(hours=24))
    inquiry.draft_response = "We helped 1,200 families."
    services.media_inquiry_save(inquiry=inquiry, by=outreach_user)
    assert inquiry.status == InquiryStatus.DRAFTED
    with pytest.raises(ValidationError):
        services.media_inquiry_respond(inquiry=inquiry, by=outreach_user)  # not approved yet
    services.media_inquiry_approve(inquiry=inquiry, by=outreach_user)
    assert inquiry.approved_response == "We helped 1,200 families." and inquiry.approved_by == outreach_user
    services.media_inquiry_respond(inquiry=inquiry, by=outreach_user, responded_at=received + timedelta(hours=4))
    assert inquiry.status == InquiryStatus.RESPONDED
    assert inquiry.response_hours == 4.0


def test_approval_needs_the_permission(role_user):
    inquiry = MediaInquiryFactory(draft_response="text", status=InquiryStatus.DRAFTED)
    with pytest.raises(ValidationError, match="may not approve"):
        services.media_inquiry_approve(inquiry=inquiry, by=role_user("coordinator"))


def test_editing_an_approved_draft_sends_it_back_for_approval(outreach_user):
    inquiry = MediaInquiryFactory(draft_response="v1", status=InquiryStatus.DRAFTED)
    services.media_inquiry_approve(inquiry=inquiry, by=outreach_user)
    inquiry.draft_response = "v2"
    services.media_inquiry_save(inquiry=inquiry, by=outreach_user)
    assert inquiry.status == InquiryStatus.DRAFTED and inquiry.approved_response == ""


NOW = timezone.datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_default_timezone())


@time_machine.travel(NOW, tick=False)
def test_reminders_due_soon_and_overdue_edges(outreach_user, settings):
    settings.CASEWORKS_OUTREACH_MEDIA_DUE_SOON_HOURS = 24
    start = NOW - timedelta(days=2)
    at_window = MediaInquiryFactory(received_at=start, deadline=NOW + timedelta(hours=24), spokesperson=outreach_user)
    beyond = MediaInquiryFactory(received_at=start, deadline=NOW + timedelta(hours=24, seconds=1))
    at_deadline = MediaInquiryFactory(received_at=start, deadline=NOW)  # not yet overdue: due soon
    overdue = MediaInquiryFactory(received_at=start, deadline=NOW - timedelta(seconds=1))
    MediaInquiryFactory(
        received_at=start,
        deadline=NOW - timedelta(hours=1),
        status=InquiryStatus.RESPONDED,
        responded_at=NOW - timedelta(hours=2),
    )

    result = media_reminders_task.delay().get()

    assert (result["due_soon"], result["overdue"]) == (2, 1)
    kinds = dict(MediaReminder.objects.values_list("inquiry_id", "kind"))
    assert kinds == {
        at_window.pk: ReminderKind.DUE_SOON,
        at_deadline.pk: ReminderKind.DUE_SOON,
        overdue.pk: ReminderKind.OVERDUE,
    }
    assert beyond.pk not in kinds
    assert MediaReminder.objects.get(inquiry=at_window).recipients == [outreach_user.email]
    assert len(mail.outbox) == 3


@time_machine.travel(NOW, tick=False)
def test_reminders_run_twice_send_once_and_each_run_is_recorded(outreach_user):
    MediaInquiryFactory(received_at=NOW - timedelta(days=2), deadline=NOW - timedelta(hours=1))
    first = media_reminders_task.delay().get()
    second = media_reminders_task.delay().get()
    assert (first["overdue"], second["overdue"]) == (1, 0)
    assert len(mail.outbox) == 1
    from outreach.models import ReminderRun

    assert ReminderRun.objects.filter(finished_at__isnull=False).count() == 2


@time_machine.travel(NOW, tick=False)
def test_overdue_reminder_follows_a_due_soon_one(outreach_user):
    inquiry = MediaInquiryFactory(received_at=NOW - timedelta(hours=1), deadline=NOW + timedelta(hours=2))
    media_reminders_task.delay()
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        media_reminders_task.delay()
    assert set(inquiry.reminders.values_list("kind", flat=True)) == {"due_soon", "overdue"}


# Surveys -------------------------------------------------------------------------------------
@pytest.fixture
def survey_with_questions():
    survey = SurveyFactory()
    rating = SurveyQuestionFactory(survey=survey, kind=QuestionKind.RATING)
    yes_no = SurveyQuestionFactory(survey=survey, kind=QuestionKind.YES_NO)
    text = SurveyQuestionFactory(survey=survey, kind=QuestionKind.TEXT, required=False)
    return survey, rating, yes_no, text


def test_token_is_single_use(survey_with_questions, outreach_user):
    survey, rating, yes_no, text = survey_with_questions
    token = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0].token
    services.survey_response_submit(token=token, answers={rating.pk: 4, yes_no.pk: True, text.pk: "Good"})
    with pytest.raises(ValidationError, match="already been used"):
        services.survey_response_submit(token=token, answers={rating.pk: 5, yes_no.pk: True})
    assert SurveyResponse.objects.count() == 1


def test_unknown_token_and_closed_survey_are_refused(survey_with_questions, outreach_user):
    survey, rating, yes_no, _ = survey_with_questions
    with pytest.raises(ValidationError):
        services.survey_response_submit(token="not-a-token", answers={rating.pk: 4, yes_no.pk: True})
    token = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0].token
    survey.is_open = False
    survey.save()
    with pytest.raises(ValidationError):
        services.survey_response_submit(token=token, answers={rating.pk: 4, yes_no.pk: True})


@pytest.mark.parametrize(("score", "ok"), [(0, False), (1, True), (5, True), (6, False), ("x", False)])
def test_rating_must_be_1_to_5(survey_with_questions, outreach_user, score, ok):
    survey, rating, yes_no, _ = survey_with_questions
    token = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0].token
    if ok:
        services.survey_response_submit(token=token, answers={rating.pk: score, yes_no.pk: False})
        assert SurveyAnswer.objects.get(question=rating).rating == score
    else:
        with pytest.raises(ValidationError, match="1 to 5"):
            services.survey_response_submit(token=token, answers={rating.pk: score, yes_no.pk: False})
        assert services.survey_invitation_find(token=token) is not None  # a refused answer does not burn the link


def test_database_refuses_out_of_range_rating(survey_with_questions, outreach_user):
    survey, rating, yes_no, _ = survey_with_questions
    token = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0].token
    response = services.survey_response_submit(token=token, answers={rating.pk: 3, yes_no.pk: True})
    with pytest.raises(IntegrityError):
        SurveyAnswer.objects.filter(response=response, question=rating).update(rating=9)


def test_only_a_hash_of_the_token_is_stored(survey_with_questions, outreach_user):
    survey = survey_with_questions[0]
    link = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0]
    link.invitation.refresh_from_db()
    assert link.token not in link.invitation.token_hash
    assert link.invitation.token_hash == services.token_hash(link.token)


def test_invite_attendees_emails_each_attendee_once(outreach_user, django_capture_on_commit_callbacks):
    event = EventFactory()
    a = services.registration_add(event=event, name="A", email="a@mail.example", walk_in=True)
    services.registration_add(event=event, name="B", email="b@mail.example")  # did not attend
    survey = SurveyFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 0
    assert [m.to for m in mail.outbox] == [[a.email]]
    assert "/outreach/feedback/" in mail.outbox[0].body


def test_questions_cannot_be_added_after_responses(survey_with_questions, outreach_user):
    survey, rating, yes_no, _ = survey_with_questions
    token = services.survey_invitations_issue(survey=survey, count=1, by=outreach_user)[0].token
    services.survey_response_submit(token=token, answers={rating.pk: 3, yes_no.pk: True})
    with pytest.raises(ValidationError):
        services.survey_question_add(survey=survey, text="Late question", kind=QuestionKind.TEXT)


def test_media_inquiry_deadline_before_receipt_refused(outreach_user):
    now = timezone.now()
    inquiry = MediaInquiry(outlet="X", reporter="Y", question="Q", received_at=now, deadline=now - timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.media_inquiry_save(inquiry=inquiry, by=outreach_user)


def test_media_reminders_run_every_hour():
    """An inquiry received after one run and due before the next day's is still reminded."""
    from outreach.schedules import SCHEDULES

    (schedule,) = [s for s in SCHEDULES if s.task == "outreach.tasks.media_reminders_task"]
    assert (schedule.minute, schedule.hour) == ("5", "*")

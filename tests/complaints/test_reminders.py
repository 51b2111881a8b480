"""Daily reminders run as a Celery task (eager in tests): email + in-app notice, once each."""

import contextlib
from datetime import date, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.utils import timezone

from complaints.models import Notice, ReminderRun
from complaints.tasks import send_reminders_task
from tests.complaints.factories import ComplaintFactory, ReferralFactory
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    investigator = make_user("ombudsperson", username="ivy", email="ivy@example.org")
    other = make_user("ombudsperson", username="oscar", email="oscar@example.org")
    return investigator, other


def run(day: str, capture):
    with capture(execute=True):
        result = send_reminders_task.delay(day)
    return ReminderRun.objects.get(pk=result.get())


def test_due_soon_and_overdue_reminders(people, django_capture_on_commit_callbacks):
    ivy, oscar = people
    overdue = ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))
    soon = ComplaintFactory(investigator=ivy, received_on=date(2026, 11, 1), due_on=date(2026, 11, 28))  # 5 days out
    unassigned = ComplaintFactory(received_on=date(2026, 11, 1), due_on=date(2026, 11, 23))  # due today
    ComplaintFactory(investigator=ivy, received_on=date(2026, 11, 1), due_on=date(2026, 11, 29))  # 6 days: not yet
    ComplaintFactory(
        investigator=ivy,
        received_on=date(2026, 10, 1),
        due_on=date(2026, 11, 1),
        status="resolved",
        resolved_on=date(2026, 10, 30),
        outcome="upheld",
    )

    first = run("2026-11-23", django_capture_on_commit_callbacks)

    assert (first.overdue, first.due_soon) == (1, 2)
    kinds = {(n.complaint_id, n.user.username, n.kind) for n in Notice.objects.select_related("user")}
    assert kinds == {
        (overdue.pk, "ivy", "overdue"),
        (soon.pk, "ivy", "due_soon"),
        (unassigned.pk, "ivy", "due_soon"),
        (unassigned.pk, "oscar", "due_soon"),
    }
    assert first.emails_sent == 4 and len(mail.outbox) == 4
    assert any("overdue" in m.subject and m.to == ["ivy@example.org"] for m in mail.outbox)
    assert first.finished_at is not None and first.errors == []


def test_a_second_run_adds_nothing(people, django_capture_on_commit_callbacks):
    ivy, _ = people
    ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))
    run("2026-11-23", django_capture_on_commit_callbacks)
    again = run("2026-11-24", django_capture_on_commit_callbacks)
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1
    assert again.overdue == 1 and again.emails_sent == 0


def test_an_extension_brings_a_new_reminder(people, django_capture_on_commit_callbacks):
    ivy, _ = people
    complaint = ComplaintFactory(investigator=ivy, received_on=date(2026, 11, 1), due_on=date(2026, 11, 24))
    run("2026-11-23", django_capture_on_commit_callbacks)
    complaint.due_on = date(2026, 11, 26)
    complaint.save()
    run("2026-11-24", django_capture_on_commit_callbacks)  # the next day's run
    assert Notice.objects.filter(complaint=complaint).count() == 2


def test_a_second_run_the_same_day_is_the_first(people, django_capture_on_commit_callbacks):
    ivy, _ = people
    complaint = ComplaintFactory(investigator=ivy, received_on=date(2026, 11, 1), due_on=date(2026, 11, 24))
    first = run("2026-11-23", django_capture_on_commit_callbacks)
    complaint.due_on = date(2026, 11, 26)
    complaint.save()
    assert run("2026-11-23", django_capture_on_commit_callbacks) == first
    assert ReminderRun.objects.count() == 1 and Notice.objects.count() == 1 and len(mail.outbox) == 1


def test_referral_to_forward_reminds_its_author(people, django_capture_on_commit_callbacks):
    ivy, _ = people
    ReferralFactory(created_by=ivy, forward_by=date(2026, 11, 24))
    ReferralFactory(created_by=ivy, forward_by=date(2026, 11, 30))  # not yet
    result = run("2026-11-23", django_capture_on_commit_callbacks)
    assert result.referrals == 1
    assert Notice.objects.filter(kind="referral", user=ivy).count() == 1


def test_reminders_the_relay_refused_are_not_reported_sent_and_a_later_run_sends_them(
    make_user, relay, django_capture_on_commit_callbacks
):
    """Red team (rtchaos): the e-mails went through ``get_connection(fail_silently=True)``: a relay
    that refused them dropped them silently, ``emails_sent`` counted the messages built, and the
    notices (committed first) kept every later run from e-mailing them."""
    ivy = make_user("ombudsperson", username="ivy", email="ivy@example.org")
    ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))  # overdue
    relay.down()  # connection refused
    # (eager in tests: the e-mail job's autoretry surfaces as Retry; a worker sends it again after a back-off)
    with pytest.raises(Retry, match="Connection refused"), django_capture_on_commit_callbacks(execute=True):
        send_reminders_task.delay("2026-11-23")
    first = ReminderRun.objects.get()
    assert first.emails_sent == 0 and "mail relay unavailable" in first.errors[0]
    assert Notice.objects.get().email_status == "pending"
    relay.up()
    again = run("2026-11-24", django_capture_on_commit_callbacks)  # the next day's run (the retry: below)
    assert again.emails_sent == 1 and again.errors == []
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
    assert Notice.objects.get().email_status == "sent"


def test_an_address_refused_for_good_is_in_the_runs_errors(make_user, relay, django_capture_on_commit_callbacks):
    ivy = make_user("ombudsperson", username="ivy", email="ivy@example.org")
    ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))
    relay.refuse("ivy@example.org", 550)
    first = run("2026-11-23", django_capture_on_commit_callbacks)
    assert first.emails_sent == 0 and "550" in first.errors[0]
    notice = Notice.objects.get()
    assert notice.email_status == "failed" and "550" in notice.email_error
    relay.up()
    assert run("2026-11-24", django_capture_on_commit_callbacks).emails_sent == 0  # refused for good


def test_the_schedule_is_declared():
    from complaints.schedules import SCHEDULES

    assert SCHEDULES[0].task == send_reminders_task.name


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_email_each_notice_once(make_user):
    """Two workers start the daily run at once: they take turns on an advisory lock, and the
    second finds the first's run for the day."""
    import threading

    from django.db import connection

    from complaints.services import reminders_send

    ivy = make_user("ombudsperson", username="ivy", email="ivy@example.org")
    for day in range(1, 21):
        ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, day))
    barrier = threading.Barrier(2)
    runs = []

    def work():
        barrier.wait()
        try:
            runs.append(reminders_send(today=date(2026, 11, 23)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Notice.objects.count() == 20
    # one run for the day, whose job sent each notice once
    assert runs[0] == runs[1] and ReminderRun.objects.get().emails_sent == 20 and len(mail.outbox) == 20


def test_a_relay_outage_retries_the_sending_not_the_days_run(make_user, relay, django_capture_on_commit_callbacks):
    """The task re-ran from the top on each retry while the relay was down: a run row and a
    ``complaint.reminders_sent`` event per attempt. Now the day's run is recorded once and a job of
    its own sends the e-mails: that job is what is retried (then re-sent by the watchdog)."""
    from core.jobs import jobs_watchdog
    from core.models import DomainEvent

    ivy = make_user("ombudsperson", username="ivy", email="ivy@example.org")
    ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))  # overdue
    relay.down()
    with pytest.raises(Retry, match="Connection refused"), django_capture_on_commit_callbacks(execute=True):
        send_reminders_task.apply(args=["2026-11-23"], task_id="reminders-2026-11-23")
    # Celery sends the same task again (its id, its arguments) while the relay is still down
    with contextlib.suppress(Retry), django_capture_on_commit_callbacks(execute=True):
        send_reminders_task.apply(args=["2026-11-23"], task_id="reminders-2026-11-23")
    # the relay is back: the watchdog re-sends what the retries gave up on
    relay.up()
    later = timezone.now() + timedelta(seconds=settings.CASEWORKS_JOB_UNCLAIMED_SECONDS + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        jobs_watchdog()
    assert ReminderRun.objects.count() == 1
    assert DomainEvent.objects.filter(verb="complaint.reminders_sent").count() == 1
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
    assert Notice.objects.get().email_status == "sent"
    run = ReminderRun.objects.get()
    assert run.emails_sent == 1 and run.errors == []


@pytest.mark.parametrize("notices", [1, 3])
def test_reminder_emails_cost_three_queries_each(people, relay, notices, django_assert_num_queries):
    """Each e-mail is claimed, read with its person and complaint, and marked sent: three queries,
    whatever the message reads (it re-read its notice and its person)."""
    from complaints.services import reminder_emails_send, reminders_send

    ivy, _ = people
    for day in range(notices):
        ComplaintFactory(investigator=ivy, received_on=date(2026, 10, 1), due_on=date(2026, 11, 10 + day))
    run = reminders_send(today=date(2026, 11, 23))  # its e-mail job waits for the commit: sent below
    # the stale put-back and the ids; per notice 3; the run's record (savepoint, lock, save, release)
    with django_assert_num_queries(2 + 3 * notices + 4):
        assert reminder_emails_send(run_id=run.pk) == {"sent": notices, "failed": 0}
    assert len(mail.outbox) == notices

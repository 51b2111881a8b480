"""The daily reminder runs as a Celery task, emails and records in-app reminders, and is idempotent."""

import contextlib
from datetime import date, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core.mail import MailRelayUnavailable
from core.models import DomainEvent
from training import services
from training.models import ReminderRun, TrainingReminder
from training.tasks import compliance_reminders_task

from .factories import CompletionFactory, UserFactory, basics_course, fti_course, noon

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, fti_role):
    never = make_user("caseworker", email="cw@caseworks.example")  # program basics never taken
    due_soon = UserFactory(username="soon", email="soon@caseworks.example")
    due_soon.groups.add(fti_role)
    CompletionFactory(user=due_soon, course=fti_course(), completed_on=date(2025, 12, 1))
    current = UserFactory(username="fresh", email="fresh@caseworks.example")
    current.groups.add(fti_role)
    CompletionFactory(user=current, course=fti_course(), completed_on=date(2026, 6, 1))
    return {"never": never, "due_soon": due_soon, "current": current}


def test_reminder_task_sends_once_per_status_and_due_date(staff, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(noon(date(2026, 11, 23)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # its e-mail job runs after the commit
            result = compliance_reminders_task.delay().get()
        assert result["reminders"] == 2 and ReminderRun.objects.get(pk=result["run"]).emails_sent == 2
        assert sorted(m.to[0] for m in mailoutbox) == ["cw@caseworks.example", "soon@caseworks.example"]
        soon = TrainingReminder.objects.get(user=staff["due_soon"])
        assert (soon.status, soon.due_on) == ("due_soon", date(2026, 12, 1))
        assert "IRS Publication 1075" in next(m.body for m in mailoutbox if m.to == ["soon@caseworks.example"])
        # a second run the same day (or a redelivered task) is the first: it repeats nothing
        with django_capture_on_commit_callbacks(execute=True):
            again = compliance_reminders_task.delay().get()
        assert again["run"] == result["run"]
        assert len(mailoutbox) == 2
    # when due soon becomes overdue, one new reminder
    with time_machine.travel(noon(date(2026, 12, 2)), tick=False), django_capture_on_commit_callbacks(execute=True):
        compliance_reminders_task.delay().get()
    assert TrainingReminder.objects.filter(user=staff["due_soon"]).count() == 2
    assert len(mailoutbox) == 3
    assert ReminderRun.objects.count() == 2
    run = ReminderRun.objects.first()
    assert run.finished_at is not None and run.reminders_created == 1 and run.errors == []
    assert DomainEvent.objects.filter(verb="training.reminder_sent").count() == 3


def test_reminder_without_email_is_still_in_app(make_user, mailoutbox):
    user = make_user("caseworker", email="")
    with time_machine.travel(noon(date(2026, 11, 23)), tick=False):
        compliance_reminders_task.delay().get()
    assert TrainingReminder.objects.filter(user=user, course=basics_course()).exists()
    assert mailoutbox == []


def test_a_relay_outage_leaves_the_reminder_waiting_and_a_later_send_sends_it(make_user, relay, mailoutbox):
    make_user("caseworker", email="cw@caseworks.example")
    relay.down()  # connection refused
    run = services.compliance_reminders_send(on=date(2026, 11, 23))
    with pytest.raises(MailRelayUnavailable):
        services.compliance_reminder_emails_send(run_id=run.pk)
    run.refresh_from_db()
    assert run.emails_sent == 0 and "mail relay unavailable" in run.errors[0]["error"]
    reminder = TrainingReminder.objects.get()
    assert (reminder.email_status, reminder.emailed_at) == ("pending", None)
    relay.up()
    assert services.compliance_reminder_emails_send(run_id=run.pk) == {"sent": 1, "failed": 0}  # the retry
    run.refresh_from_db()
    assert run.emails_sent == 1 and run.reminders_created == 1 and run.errors == []  # the outage is over
    assert [m.to for m in mailoutbox] == [["cw@caseworks.example"]]
    assert TrainingReminder.objects.get().email_status == "sent"


def test_the_task_is_retried_while_the_relay_is_down(make_user, relay, django_capture_on_commit_callbacks):
    make_user("caseworker", email="cw@caseworks.example")
    relay.down()
    # (eager in tests: the e-mail job's autoretry surfaces as Retry; a worker sends it again after a back-off)
    with (
        time_machine.travel(noon(date(2026, 11, 23)), tick=False),
        pytest.raises(Retry, match="Connection refused"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        compliance_reminders_task.delay()
    assert ReminderRun.objects.filter(errors__0__error__startswith="mail relay unavailable").exists()


def test_an_address_refused_for_good_is_in_the_runs_errors_and_not_retried(make_user, relay, mailoutbox):
    make_user("caseworker", email="gone@caseworks.example")
    relay.refuse("gone@caseworks.example", 550)
    run = services.compliance_reminders_send(on=date(2026, 11, 23))
    assert services.compliance_reminder_emails_send(run_id=run.pk) == {"sent": 0, "failed": 1}
    run.refresh_from_db()
    assert run.emails_sent == 0 and "550" in run.errors[0]["error"]
    assert TrainingReminder.objects.get().email_status == "failed"
    relay.up()
    assert services.compliance_reminder_emails_send(run_id=run.pk) == {"sent": 0, "failed": 0}


def test_a_reminder_left_sending_by_a_dead_run_is_sent_again_once_stale(make_user, mailoutbox, settings):
    make_user("caseworker", email="cw@caseworks.example")
    start = noon(date(2026, 11, 23))
    with time_machine.travel(start, tick=False):
        run = services.compliance_reminders_send(on=date(2026, 11, 23))
        # as a worker killed between its claim and the relay leaves it (tests/chaos/test_mail_kill.py)
        TrainingReminder.objects.update(email_status="sending", email_claimed_at=timezone.now(), emailed_at=None)
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert services.compliance_reminder_emails_send(run_id=run.pk)["sent"] == 0  # may be alive
    stale = start + timedelta(seconds=settings.CASEWORKS_MAIL_SENDING_STALE_SECONDS + 1)
    with time_machine.travel(stale, tick=False):
        assert services.compliance_reminder_emails_send(run_id=run.pk)["sent"] == 1
    assert [m.to for m in mailoutbox] == [["cw@caseworks.example"]]


def test_reminder_task_is_scheduled_daily():
    from core.schedules import declared_schedules

    names = {s.task for s in declared_schedules()}
    assert "training.tasks.compliance_reminders_task" in names


def test_a_relay_outage_retries_the_sending_not_the_days_run(make_user, relay, django_capture_on_commit_callbacks):
    """The task re-ran from the top on each retry while the relay was down: a reminder run per
    attempt. Now the day's run is recorded once and a job of its own sends the e-mails: that job is
    what is retried (then re-sent by the watchdog)."""
    from core.jobs import jobs_watchdog

    make_user("caseworker", email="cw@caseworks.example")
    relay.down()
    start = noon(date(2026, 11, 23))
    with time_machine.travel(start, tick=False):
        with pytest.raises(Retry, match="Connection refused"), django_capture_on_commit_callbacks(execute=True):
            compliance_reminders_task.apply(task_id="training-reminders-2026-11-23")
        # Celery sends the same task again while the relay is still down
        with contextlib.suppress(Retry), django_capture_on_commit_callbacks(execute=True):
            compliance_reminders_task.apply(task_id="training-reminders-2026-11-23")
    # the relay is back: the watchdog re-sends what the retries gave up on
    relay.up()
    later = start + timedelta(seconds=settings.CASEWORKS_JOB_UNCLAIMED_SECONDS + 1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        jobs_watchdog()
    assert ReminderRun.objects.count() == 1
    assert DomainEvent.objects.filter(verb="training.reminder_sent").count() == 1
    assert [m.to for m in mail.outbox] == [["cw@caseworks.example"]]
    assert TrainingReminder.objects.get().email_status == "sent"
    run = ReminderRun.objects.get()
    assert (run.reminders_created, run.emails_sent, run.errors) == (1, 1, [])


def test_reminder_emails_cost_three_queries_each(make_user, relay, django_assert_num_queries):
    """Each e-mail is claimed, read with its person and course, and marked sent: three queries,
    whatever the message reads (it re-read its reminder with them)."""
    for i in range(3):
        make_user("caseworker", username=f"cw{i}", email=f"cw{i}@caseworks.example")
    run = services.compliance_reminders_send(on=date(2026, 11, 23))  # its e-mail job waits for the commit
    sent = TrainingReminder.objects.count()
    assert sent >= 3
    # the stale put-back and the ids; per reminder 3; the run's record (savepoint, lock, save, release)
    with django_assert_num_queries(2 + 3 * sent + 4):
        assert services.compliance_reminder_emails_send(run_id=run.pk) == {"sent": sent, "failed": 0}

"""E-mail at least once when the process sending it dies (``core.mail``): a reminder claimed for
sending by a process killed with -9 before the relay took it is sent when the watchdog takes its
job over.

Red team (rtchaos): the training reminder was marked e-mailed (``emailed_at``) before it was sent,
and only an exception released the claim; a worker killed between the claim and the SMTP hand-off
left it marked e-mailed for ever. The process here is killed (``tests/chaos/killing.py``) at the
moment it hands the message to the e-mail backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from core.jobs import jobs_watchdog
from core.models import Job, JobStatus
from tests.conftest import needs_postgres
from training.models import ReminderRun, TrainingReminder
from training.tasks import compliance_reminders_task

from .killing import run_killed

pytestmark = [needs_postgres(), pytest.mark.chaos, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_training_reminder_whose_sender_was_killed_is_sent_when_its_job_is_taken_over(
    make_user, mailoutbox, tmp_path
):
    make_user("caseworker", email="cw@caseworks.example")  # program basics never taken
    run_killed(
        """
        from django.core.mail.backends.locmem import EmailBackend
        EmailBackend.send_messages = stop_here  # the process dies while handing the e-mail to SMTP
        from training.tasks import compliance_reminders_task
        compliance_reminders_task()  # the day's run, then (after its commit) its e-mail job
        """,
        tmp_path / "mark",
    )
    reminder = TrainingReminder.objects.get()
    assert (reminder.email_status, reminder.emailed_at) == ("sending", None)  # claimed, never sent
    job = Job.objects.get(task="training.tasks.compliance_reminder_emails_task")
    assert job.status == JobStatus.RUNNING  # under the dead process's lease
    # the day's run again (a redelivered task) is the day's run: nothing is sent from it
    compliance_reminders_task.apply().get()
    assert mailoutbox == [] and ReminderRun.objects.count() == 1
    # once the lease has expired, the watchdog hands the job to a worker, which sends the reminder
    with time_machine.travel(job.expires_at + timedelta(seconds=1), tick=False):
        assert jobs_watchdog()["expired"] == 1
    assert [m.to for m in mailoutbox] == [["cw@caseworks.example"]]
    assert TrainingReminder.objects.get().email_status == "sent"
    assert ReminderRun.objects.get().emails_sent == 1

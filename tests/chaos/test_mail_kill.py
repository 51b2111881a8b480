"""E-mail at least once when the process sending it dies (``core.mail``): a reminder claimed for
sending by a process killed with -9 before the relay took it is sent by a later run.

Red team (rtchaos): the training reminder was marked e-mailed (``emailed_at``) before it was sent,
and only an exception released the claim; a worker killed between the claim and the SMTP hand-off
left it marked e-mailed for ever. The process here is killed (``tests/chaos/killing.py``) at the
moment it hands the message to the e-mail backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import needs_postgres
from training.models import TrainingReminder
from training.tasks import compliance_reminders_task

from .killing import run_killed

pytestmark = [needs_postgres(), pytest.mark.chaos, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_training_reminder_whose_sender_was_killed_is_sent_by_a_later_run(make_user, mailoutbox, tmp_path):
    make_user("caseworker", email="cw@caseworks.example")  # program basics never taken
    run_killed(
        """
        from django.core.mail.backends.locmem import EmailBackend
        EmailBackend.send_messages = stop_here  # the process dies while handing the e-mail to SMTP
        from training.tasks import compliance_reminders_task
        compliance_reminders_task()
        """,
        tmp_path / "mark",
    )
    reminder = TrainingReminder.objects.get()
    assert (reminder.email_status, reminder.emailed_at) == ("sending", None)  # claimed, never sent
    # a later run (the next day's, or the redelivered task) once the claim is stale
    later = timezone.now() + timedelta(seconds=settings.CASEWORKS_MAIL_SENDING_STALE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        compliance_reminders_task.apply().get()
    assert [m.to for m in mailoutbox] == [["cw@caseworks.example"]]
    assert TrainingReminder.objects.get().email_status == "sent"

"""Who the complaint reminders go to once the day's run and its e-mails are
split (complaints.services.reminders_send / reminder_emails_send)."""

from datetime import date

import pytest
from django.core import mail

from complaints.models import Notice, ReminderRun
from complaints.tasks import send_reminders_task
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_an_overdue_complaint_of_an_investigator_who_left_reminds_someone_who_is_still_here(
    make_user, django_capture_on_commit_callbacks
):
    """A complaint's investigator leaves the agency and their account is deactivated (is_active=False;
    the e-mail address stays on the account). The daily run writes the overdue notice for that
    investigator alone (complaints/services.py _recipients: the investigator if there is one, else the
    ombudspersons, whose list is filtered is_active) and the send-only job e-mails it to the former
    employee (reminder_emails_send's rows filter no is_active, unlike training's
    compliance_reminder_emails_send). No one still at the agency is told the complaint is overdue, and
    a complaint number and its deadline go to someone who no longer works there. Who is hurt: the
    complainant (the complaint goes on unanswered past its deadline); the agency (complaint
    information to a former employee's mailbox, 45 CFR 303.21 safeguarding). Cause:
    complaints/services.py _recipients and reminder_emails_send (no is_active)."""
    gone = make_user("ombudsperson", username="gone", email="gone@example.org")
    gone.is_active = False
    gone.save()
    make_user("ombudsperson", username="oscar", email="oscar@example.org")
    complaint = ComplaintFactory(investigator=gone, received_on=date(2026, 10, 1), due_on=date(2026, 11, 20))

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders_task.delay("2026-11-23")
    assert ReminderRun.objects.count() == 1

    told = set(Notice.objects.filter(complaint=complaint).values_list("user__username", flat=True))
    to = {address for message in mail.outbox for address in message.to}
    assert "gone@example.org" not in to, "the overdue reminder was e-mailed to a deactivated account"
    assert told - {"gone"}, f"only the deactivated investigator was reminded: {told}"

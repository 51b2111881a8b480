"""core.mail: which relay errors are sent again later and which refuse a message for good."""

from __future__ import annotations

import smtplib
import socket

import pytest

from core.mail import mail_error_transient


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        socket.gaierror(-2, "Name or service not known"),
        OSError(101, "Network is unreachable"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(554, b"no service"),
        smtplib.SMTPHeloError(501, b"bad HELO"),
        smtplib.SMTPAuthenticationError(535, b"authentication failed"),
        smtplib.SMTPSenderRefused(550, b"sender not allowed", "caseworks@localhost"),
        smtplib.SMTPDataError(451, b"try again later"),
        smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"mailbox busy"), "b@x.example": (550, b"no such user")}),
    ],
)
def test_the_relay_cannot_take_mail_now(exc):
    assert mail_error_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"5.1.1 no such user")}),
        smtplib.SMTPDataError(554, b"5.7.1 message refused"),
        smtplib.SMTPNotSupportedError("SMTPUTF8 not supported"),
        ValueError("a message that cannot be built"),
        OSError("no errno: not the network"),
    ],
)
def test_the_relay_refused_this_message_for_good(exc):
    assert not mail_error_transient(exc)


def test_the_relays_answer_is_shown_as_a_person_reads_it():
    from core.mail import mail_error_text

    refused = smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"5.1.1 mailbox unavailable")})
    assert mail_error_text(refused) == "550 5.1.1 mailbox unavailable"
    assert mail_error_text(smtplib.SMTPDataError(451, b"4.7.1 try again later")) == "451 4.7.1 try again later"
    assert mail_error_text(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: [Errno 111] Connection refused"
    )


@pytest.mark.django_db
def test_each_row_is_read_through_the_callers_queryset(make_user, relay, django_assert_num_queries):
    """The send read each claimed row again by its pk through the model's manager, dropping the
    caller's ``select_related``: one more query per e-mail for what the message reads (its user)."""
    from django.core import mail
    from django.core.mail import EmailMessage

    from complaints.models import Notice
    from core.mail import mail_outbox_send

    users = [make_user("ombudsperson", username=f"u{i}", email=f"u{i}@example.org") for i in range(3)]
    Notice.objects.bulk_create(
        [Notice(user=user, kind="overdue", message="Complaint overdue", dedupe_key=f"k{user.pk}") for user in users]
    )
    rows = Notice.objects.select_related("user")
    # the stale put-back and the ids; then per row its claim, its read (with its user) and its mark
    with django_assert_num_queries(2 + 3 * 3):
        result = mail_outbox_send(rows, message=lambda notice: EmailMessage("s", "b", to=[notice.user.email]))
    assert result.sent == 3 and sorted(m.to[0] for m in mail.outbox) == [f"u{i}@example.org" for i in range(3)]

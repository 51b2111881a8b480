"""E-mail at least once: rows that record their own e-mail, sent by a leased job (``core.jobs``).

Every e-mail Caseworks sends in the background (announcements, survey links, training and complaint
reminders) travels the same way:

1. The service that decides to e-mail writes one row per message with its e-mail ``pending`` (an
   ``AnnouncementDelivery``, a ``SurveyInvitee``, a ``TrainingReminder``, a complaint ``Notice``) and
   enqueues a job (``core.jobs.job_enqueue``) in the same transaction.
2. The job's task calls ``mail_outbox_send``: each row is claimed with a conditional update
   (``pending → sending``, ``claimed_at`` now), its message handed to the e-mail backend, and the
   row marked ``sent`` — or ``failed`` with the reason when the relay refuses *that message* for
   good (a 5xx reply to its recipient or data; a message that cannot be built).
3. When the relay cannot take mail now (connection refused or dropped, a time-out, a 4xx "try again
   later", a refused sender or login), the row goes back to ``pending`` with the error, nothing more
   is tried, and the caller raises ``MailRelayUnavailable`` (a ``ConnectionError``) after recording
   what happened: the task's autoretry (``CaseworksTask``) sends again with back-off, and once those
   retries are spent the job stays ``sent`` and the jobs watchdog re-sends it every
   ``CASEWORKS_JOB_UNCLAIMED_SECONDS`` until the relay takes the mail.
4. A worker killed while sending leaves its row ``sending``. The job's take-over (``Lease.takeover``)
   sends those rows again once claimed more than half a lease ago (never a row a live sender is
   sending: ``takeover_before``), and any later send does so for rows left ``sending`` longer than
   ``CASEWORKS_MAIL_SENDING_STALE_SECONDS`` (a send that was never leased). SMTP cannot say whether
   the message arrived before the worker died: a second copy is better than none (at least once).

The rows name their fields (``MailFields``): announcements keep ``status``/``sent_at``/``error``;
the others use ``email_status``/``emailed_at``/``email_error``/``email_claimed_at``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be e-mailed"
    SENDING = "sending", "Being e-mailed"
    SENT = "sent", "E-mailed"
    FAILED = "failed", "Refused by the mail relay"


class MailRelayUnavailable(ConnectionError):
    """The relay cannot take mail now: the rows are back to ``pending``; send again later.

    A ``ConnectionError``, so ``CaseworksTask.autoretry_for`` retries the task, and ``run_leased``
    leaves its job ``sent`` for the watchdog once the retries are spent."""


@dataclass(frozen=True)
class MailFields:
    """The names of a row's e-mail fields. ``sent_at`` ``None``: the time is not kept (survey links:
    when each attendee's link went out would help tie a response to them). ``erase``: fields set to
    the given value once the row is sent or failed (a survey link's sealed token)."""

    status: str = "email_status"
    claimed_at: str = "email_claimed_at"
    sent_at: str | None = "emailed_at"
    error: str = "email_error"
    erase: dict[str, Any] = field(default_factory=dict)


@dataclass
class MailResult:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # one line per row refused for good
    relay_down: str = ""  # set when the relay could not take mail: the rest waits for a retry

    def raise_if_relay_down(self) -> None:
        if self.relay_down:
            raise MailRelayUnavailable(self.relay_down)


def mail_link(path: str) -> str:
    """The absolute address of the page at ``path`` (a ``reverse()`` result) for a link in an
    e-mail: a bare path is not a link a mail client can open. Staff and the public reach the same
    site, so both use ``CASEWORKS_PUBLIC_BASE_URL``."""
    return settings.CASEWORKS_PUBLIC_BASE_URL.rstrip("/") + path


def mail_error_transient(exc: BaseException) -> bool:
    """Whether ``exc`` says the relay cannot take mail *now* (send again later) rather than that it
    refused this one message for good.

    Transient: the connection (refused, reset, dropped, timed out, name not resolved: an ``OSError``
    with an errno), any 4xx reply, and the relay's own refusals of the session (``HELO``, the
    sender, the login) whatever their code — these are the relay's configuration, not the
    recipient's, and would refuse every message alike. Permanent: a 5xx reply to the recipients
    (``SMTPRecipientsRefused``, every recipient 5xx) or the data, and anything else (a message that
    cannot be built)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return any(code < 500 for code in codes) if codes else True
    if isinstance(
        exc,
        (smtplib.SMTPHeloError, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError, smtplib.SMTPConnectError),
    ):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError) and exc.errno is not None


def mail_error_text(exc: BaseException) -> str:
    """The relay's answer as a person reads it: "550 5.1.1 mailbox unavailable" (per recipient when
    several were refused), else the error's kind and message."""

    def reply(code: int, message: bytes | str) -> str:
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{code} {text}".strip()

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = [reply(code, message) for code, message in exc.recipients.values()]
        text = (
            replies[0]
            if len(replies) == 1
            else "; ".join(f"{a}: {r}" for a, r in zip(exc.recipients, replies, strict=True))
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = reply(exc.smtp_code, exc.smtp_error)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:500]


def stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.CASEWORKS_MAIL_SENDING_STALE_SECONDS)


def takeover_before() -> Any:
    """A take-over puts back rows claimed before this: half a lease ago. The dead holder renewed its
    lease every third of it, so its last claim is at least two thirds of a lease old once the lease
    has expired; a live sender (another job's, or this job's retry) holds a row ``sending`` only for
    one message, well under half a lease (``EMAIL_TIMEOUT``)."""
    return timezone.now() - timedelta(seconds=settings.CASEWORKS_JOB_LEASE_SECONDS / 2)


def mail_outbox_resume(rows: QuerySet, *, fields: MailFields = MailFields(), takeover: bool = False) -> int:
    """Put back to ``pending`` the rows a dead sender left ``sending``: on a job's take-over (its
    worker died, or a retry) those claimed more than half a lease ago (``takeover_before``), else
    those claimed more than ``CASEWORKS_MAIL_SENDING_STALE_SECONDS`` ago (a send under no lease).
    Never a row claimed since: a live sender may be sending it right now (red team rt2: a retry
    re-sent the rows another batch's live sender was sending). Returns the rows put back."""
    stuck = rows.filter(**{fields.status: EmailStatus.SENDING})
    before = takeover_before() if takeover else stale_before()
    stuck = stuck.filter(Q(**{f"{fields.claimed_at}__isnull": True}) | Q(**{f"{fields.claimed_at}__lt": before}))
    return stuck.update(**{fields.status: EmailStatus.PENDING})


def mail_outbox_send(
    rows: QuerySet,
    *,
    message: Callable[[Any], EmailMessage],
    fields: MailFields = MailFields(),
    takeover: bool = False,
) -> MailResult:
    """Send the e-mail of every ``pending`` row of ``rows`` once (see the module docstring).

    ``message`` builds a row's ``EmailMessage``. Safe to run twice at once: each row is claimed with a
    conditional update, so a message goes out once unless its sender died mid-send. The caller
    records the result (counts, errors on its run or event) and then calls
    ``result.raise_if_relay_down()`` so that the task is retried."""
    model = rows.model
    mail_outbox_resume(rows, fields=fields, takeover=takeover)
    result = MailResult()
    ids = list(rows.filter(**{fields.status: EmailStatus.PENDING}).order_by("pk").values_list("pk", flat=True))
    connection = None
    try:
        for pk in ids:
            claimed = model._default_manager.filter(pk=pk, **{fields.status: EmailStatus.PENDING}).update(
                **{fields.status: EmailStatus.SENDING, fields.claimed_at: timezone.now()}
            )
            if claimed != 1:
                continue  # another sender took it
            # Read through the caller's queryset: its select_related serves what the message reads.
            row = rows.filter(pk=pk).first()
            mine = model._default_manager.filter(pk=pk, **{fields.status: EmailStatus.SENDING})
            try:
                if row is None:  # it left the caller's rows since it was listed (its address erased)
                    raise ValueError("no longer among the rows to e-mail")
                msg = message(row)
                if connection is None:
                    connection = get_connection()
                    connection.open()
                msg.connection = connection
                if not msg.send():
                    raise smtplib.SMTPException("the mail backend accepted no recipient")
            except Exception as exc:  # noqa: BLE001 — sorted below: retry later, or refused for good
                _closed(connection)
                connection = None
                reason = mail_error_text(exc)
                if mail_error_transient(exc):
                    mine.update(**{fields.status: EmailStatus.PENDING, fields.error: f"will retry: {reason}"[:500]})
                    result.relay_down = reason
                    log.warning("mail relay unavailable (%s): %s rows wait for a retry", model.__name__, reason)
                    break
                mine.update(**{fields.status: EmailStatus.FAILED, fields.error: reason, **fields.erase})
                result.failed += 1
                result.errors.append(f"{model._meta.model_name} {pk}: {reason}"[:300])
                continue
            done = {fields.status: EmailStatus.SENT, fields.error: "", **fields.erase}
            if fields.sent_at:
                done[fields.sent_at] = timezone.now()
            mine.update(**done)
            result.sent += 1
    finally:
        _closed(connection)
    return result


RELAY_DOWN = "mail relay unavailable"


def mail_result_record(
    model: type[models.Model], *, run_id: int, result: MailResult, waiting: str, entry: Callable[[str], Any] = str
) -> None:
    """Record one send on the scheduled run that asked for it (a ``core.models.ScheduledRun`` with
    ``emails_sent``): ``emails_sent`` adds what the relay took, ``errors`` the rows refused for good
    and, while the relay cannot take mail, one line saying so — the last attempt's only, so a run
    whose mail went out in the end shows no outage. ``entry`` makes an error line of a text."""

    def text(error: Any) -> str:
        return str(error.get("error", "")) if isinstance(error, dict) else str(error)

    with transaction.atomic():
        run: Any = model._default_manager.select_for_update().get(pk=run_id)
        run.emails_sent += result.sent
        run.errors = [e for e in run.errors if not text(e).startswith(RELAY_DOWN)] + [entry(e) for e in result.errors]
        if result.relay_down:
            run.errors.append(entry(f"{RELAY_DOWN}, {waiting} wait for a retry: {result.relay_down}"[:300]))
        run.finished_at = timezone.now()
        run.save(update_fields=["emails_sent", "errors", "finished_at"])


def _closed(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 — a broken connection may fail to close; it is dropped
            log.debug("closing the mail connection failed", exc_info=True)
    return None

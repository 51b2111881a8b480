"""A mail relay the tests can take down: an e-mail backend (``EMAIL_BACKEND``) that delivers to
``django.core.mail.outbox`` like locmem while it is up, and refuses as a real SMTP relay does:

- ``relay.down(exc)``: every message raises ``exc`` (``ConnectionRefusedError``, a 4xx, ...);
- ``relay.refuse(address, code)``: that recipient is refused with ``code`` (``SMTPRecipientsRefused``);
- ``relay.up_for(n)``: ``n`` more messages go through, then the relay is down.

Use the ``relay`` fixture (tests/conftest.py): it installs the backend and puts it back up after."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


@dataclass
class RelayState:
    failure: BaseException | None = None
    refused: dict[str, int] = field(default_factory=dict)
    budget: int | None = None  # messages still accepted before going down
    accepted: int = 0
    then: BaseException | None = None  # what the relay raises once ``budget`` is spent

    def down(self, exc: BaseException | None = None) -> None:
        self.failure = exc or ConnectionRefusedError(111, "Connection refused")
        self.budget = None

    def up(self) -> None:
        self.failure, self.budget = None, None

    def up_for(self, n: int, then: BaseException | None = None) -> None:
        self.up()
        self.budget = n
        self.then = then or ConnectionRefusedError(111, "Connection refused")

    def refuse(self, address: str, code: int = 550) -> None:
        self.refused[address.lower()] = code


STATE = RelayState()


class Relay(BaseEmailBackend):
    def send_messages(self, messages) -> int:
        if not hasattr(mail, "outbox"):
            mail.outbox = []
        sent = 0
        for message in messages:
            if STATE.budget is not None:
                if STATE.budget <= 0:
                    STATE.failure = STATE.then
                    STATE.budget = None
                else:
                    STATE.budget -= 1
            if STATE.failure is not None:
                raise STATE.failure
            refused = {a: STATE.refused[a.lower()] for a in message.recipients() if a.lower() in STATE.refused}
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {a: (code, b"5.1.1 mailbox unavailable") for a, code in refused.items()}
                )
            message.message()  # as locmem: the message must build
            mail.outbox.append(message)
            STATE.accepted += 1
            sent += 1
        return sent

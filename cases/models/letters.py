"""The log of letters sent to the people of a case (issue 15.7): what, to whom, at which address,
when and by whom; and what came back."""

from __future__ import annotations

from django.db import models

from core.history import HistoricalRecords
from core.models import RestrictedQuerySet, staff_reference

from .cases import Case
from .people import Address, Person
from .scope import case_scope_q


class LetterChannel(models.TextChoices):
    MAIL = "mail", "Mail"
    EMAIL = "email", "E-mail"


class SentLetter(models.Model):
    """One letter sent. ``address_text`` is the mailing block as printed (a snapshot: the address
    row may change later); for a person with the family violence indicator it is the office's
    confidential mailing arrangement, never an address (42 USC 654(26)), and ``address`` is empty.
    The indicator can be set after a letter was sent: pages show the block through
    ``cases.redaction.letter_address_text``, which withholds it once the person has it."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="letters_received")
    kind = models.CharField(max_length=40, db_index=True)
    subject = models.CharField(max_length=300)
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    language = models.CharField(max_length=10, default="en")
    channel = models.CharField(max_length=10, choices=LetterChannel.choices, default=LetterChannel.MAIL)
    recipient_name = models.CharField(max_length=200)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters")
    address_text = models.TextField(blank=True, max_length=1000)
    confidential = models.BooleanField(
        default=False, help_text="Sent through the confidential mailing arrangement (FVI)."
    )
    sent_at = models.DateTimeField(db_index=True)
    sent_by = staff_reference(on_delete=models.SET_NULL)
    returned_on = models.DateField(null=True, blank=True)
    returned_reason = models.CharField(max_length=200, blank=True)
    returned_by = staff_reference(on_delete=models.SET_NULL)

    history = HistoricalRecords()  # marking returned mail edits the row
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["case", "sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidential=False) | models.Q(address__isnull=True),
                name="sentletter_confidential_has_no_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_name}"

    @property
    def is_returned(self) -> bool:
        return self.returned_on is not None

    @classmethod
    def scope_filter(cls, user, action: str):
        q = case_scope_q(user, "case__", action)
        return q

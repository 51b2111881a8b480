"""The domain events the complaints app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class ComplaintEvent(models.TextChoices):
    COMPLAINT_ASSIGNED = "complaint.assigned", "Complaint assigned"
    COMPLAINT_COMMUNICATION_LOGGED = "complaint.communication_logged", "Complaint communication logged"
    COMPLAINT_EXTENDED = "complaint.extended", "Complaint extended"
    COMPLAINT_EXTENSION_LETTER = "complaint.extension_letter", "Complaint extension letter"
    COMPLAINT_RECEIVED = "complaint.received", "Complaint received"
    COMPLAINT_REFERRED = "complaint.referred", "Complaint referred"
    COMPLAINT_REMINDERS_SENT = "complaint.reminders_sent", "Complaint reminders sent"
    COMPLAINT_RESOLVED = "complaint.resolved", "Complaint resolved"
    REFERRAL_ANSWERED = "referral.answered", "Referral answered"
    REFERRAL_FORWARDED = "referral.forwarded", "Referral forwarded"

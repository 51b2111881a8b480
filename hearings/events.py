"""The domain events the hearings app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class HearingEvent(models.TextChoices):
    HEARING_COMPLIANCE_DONE = "hearing.compliance_done", "Hearing compliance done"
    HEARING_COMPLIANCE_ORDERED = "hearing.compliance_ordered", "Hearing compliance ordered"
    HEARING_DECIDED = "hearing.decided", "Hearing decided"
    HEARING_DECISION_LETTERS_ISSUED = "hearing.decision_letters_issued", "Hearing decision letters issued"
    HEARING_GOOD_CAUSE_DECIDED = "hearing.good_cause_decided", "Hearing good cause decided"
    HEARING_HELD = "hearing.held", "Hearing held"
    HEARING_NOTICE_LETTERS_ISSUED = "hearing.notice_letters_issued", "Hearing notice letters issued"
    HEARING_REQUESTED = "hearing.requested", "Hearing requested"
    HEARING_SCHEDULED = "hearing.scheduled", "Hearing scheduled"

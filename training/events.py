"""The domain events the training app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class TrainingEvent(models.TextChoices):
    POLICY_ACKNOWLEDGED = "policy.acknowledged", "Policy acknowledged"
    TRAINING_ATTENDANCE_RECORDED = "training.attendance_recorded", "Training attendance recorded"
    TRAINING_COMPLETED = "training.completed", "Training completed"
    TRAINING_COMPLETION_RECORDED = "training.completion_recorded", "Training completion recorded"
    TRAINING_COURSE_CREATED = "training.course_created", "Training course created"
    TRAINING_ENROLMENT_CANCELLED = "training.enrolment_cancelled", "Training enrolment cancelled"
    TRAINING_EVALUATION_SUBMITTED = "training.evaluation_submitted", "Training evaluation submitted"
    TRAINING_NEEDS_SURVEY_ANSWERED = "training.needs_survey_answered", "Training needs survey answered"
    TRAINING_NOT_PASSED = "training.not_passed", "Training not passed"
    TRAINING_PROMOTED_FROM_WAITLIST = "training.promoted_from_waitlist", "Training promoted from waitlist"
    TRAINING_REMINDER_SENT = "training.reminder_sent", "Training reminder sent"
    TRAINING_SESSION_CANCELLED = "training.session_cancelled", "Training session cancelled"
    TRAINING_SESSION_SCHEDULED = "training.session_scheduled", "Training session scheduled"
    TRAINING_WAITLISTED = "training.waitlisted", "Training waitlisted"

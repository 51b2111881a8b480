"""The domain events the quality app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class QualityEvent(models.TextChoices):
    QUALITY_EXPENDITURE_RECORDED = "quality.expenditure_recorded", "Quality expenditure recorded"
    QUALITY_GOAL_SET = "quality.goal_set", "Quality goal set"
    QUALITY_PLAN_ACTION_ADDED = "quality.plan_action_added", "Quality plan action added"
    QUALITY_PLAN_ACTION_COMPLETED = "quality.plan_action_completed", "Quality plan action completed"
    QUALITY_PLAN_CLOSED = "quality.plan_closed", "Quality plan closed"
    QUALITY_PLAN_CREATED = "quality.plan_created", "Quality plan created"
    QUALITY_PLAN_NOTE_ADDED = "quality.plan_note_added", "Quality plan note added"
    QUALITY_REVIEW_COMPLETED = "quality.review_completed", "Quality review completed"
    QUALITY_REVIEW_CREATED = "quality.review_created", "Quality review created"
    QUALITY_REVIEW_SAMPLED = "quality.review_sampled", "Quality review sampled"
    QUALITY_SAMPLE_SCORED = "quality.sample_scored", "Quality sample scored"
    QUALITY_SNAPSHOT_TAKEN = "quality.snapshot_taken", "Quality snapshot taken"

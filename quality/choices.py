"""Quality choices."""

from django.db import models

from core.events import event_choices


class MeasureName(models.TextChoices):
    """The five federal performance measures (42 USC 658a; 45 CFR 305.2)."""

    PATERNITY = "paternity", "IV-D paternity establishment"
    ORDERS = "orders", "Cases with support orders"
    CURRENT_COLLECTIONS = "current_collections", "Current collections"
    ARREARS_COLLECTIONS = "arrears_collections", "Arrears collections"
    COST_EFFECTIVENESS = "cost_effectiveness", "Cost-effectiveness"


class Criterion(models.TextChoices):
    """Self-assessment review criteria (45 CFR 308.2)."""

    CASE_CLOSURE = "case_closure", "Case closure"
    ESTABLISHMENT = "establishment", "Establishment of paternity and support orders"
    ENFORCEMENT = "enforcement", "Enforcement of orders"
    DISBURSEMENT = "disbursement", "Disbursement of collections"
    MEDICAL_SUPPORT = "medical_support", "Medical support"
    REVIEW_ADJUSTMENT = "review_adjustment", "Review and adjustment"
    INTERSTATE = "interstate", "Interstate services"
    EXPEDITED = "expedited", "Expedited processes"


class Timeframe(models.TextChoices):
    """Case processing timeframes measured from other apps' data (45 CFR 303; 42 USC 654b)."""

    CASE_OPENING = "case_opening", "Case opening (20 days)"
    LOCATE = "locate", "Locate (75 days)"
    ESTABLISHMENT = "establishment", "Establishment / service (90 days)"
    ENFORCEMENT = "enforcement", "Enforcement action (30 days)"
    DISBURSEMENT = "disbursement", "Disbursement (2 business days)"
    COMPLAINT = "complaint", "Complaint resolution (30 days)"


class SnapshotLevel(models.TextChoices):
    OFFICE = "office", "Office"
    COUNTY = "county", "County"
    CASEWORKER = "caseworker", "Caseworker"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SAMPLED = "sampled", "Sampled"
    COMPLETED = "completed", "Completed"


class SampleResult(models.TextChoices):
    PENDING = "pending", "Not scored"
    PASS = "pass", "Meets the criterion"
    FAIL = "fail", "Fails the criterion"
    EXCLUDED = "excluded", "Excluded (not applicable)"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class GoalLevel(models.TextChoices):
    UNIT = "unit", "Unit"
    CASEWORKER = "caseworker", "Caseworker"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
QualityEvent = event_choices(
    "QualityEvent",
    """
    quality.expenditure_recorded quality.goal_set quality.plan_action_added quality.plan_action_completed
    quality.plan_closed quality.plan_created quality.plan_note_added quality.review_completed
    quality.review_created quality.review_sampled quality.sample_scored quality.snapshot_taken
    quality.criterion_revised
""",
)
EVENT_VERBS = QualityEvent

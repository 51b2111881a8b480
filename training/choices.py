from django.db import models

from core.events import event_choices


class CourseLevel(models.TextChoices):
    STATE = "state", "State course"
    LOCAL = "local", "Local course"


class Requirement(models.TextChoices):
    OPTIONAL = "optional", "Optional"
    ONCE = "once", "Required once"
    RECURRING = "recurring", "Required, recurring"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class EnrolmentResult(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    NOT_PASSED = "not_passed", "Not passed"
    ABSENT = "absent", "Absent"


class ComplianceStatus(models.TextChoices):
    CURRENT = "current", "Current"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    NEVER = "never", "Never completed"


class CompletionSource(models.TextChoices):
    SESSION = "session", "Session"
    RECORDED = "recorded", "Recorded by trainer (e.g. state online course)"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
TrainingEvent = event_choices(
    "TrainingEvent",
    """
    policy.acknowledged policy.created policy.version_published
    training.attendance_recorded training.completed training.completion_recorded
    training.course_changed training.course_created training.enrolled training.enrolment_cancelled
    training.evaluation_submitted
    training.needs_survey_answered training.needs_survey_changed training.needs_survey_created
    training.not_passed training.promoted_from_waitlist training.reminder_sent
    training.session_cancelled training.session_scheduled training.waitlisted
""",
)
EVENT_VERBS = TrainingEvent

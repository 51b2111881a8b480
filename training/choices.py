from django.db import models


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

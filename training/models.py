"""Training models: the curriculum, sessions and enrolments, completions, evaluations, the needs
survey, reminders and the policies and procedures library."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.history import HistoricalRecords
from core.mail import EmailStatus
from core.models import (
    AuditedModel,
    DetailUrlMixin,
    RestrictedQuerySet,
    ScheduledRun,
    TimeStampedModel,
    staff_reference,
)

from .choices import (
    CompletionSource,
    ComplianceStatus,
    CourseLevel,
    EnrolmentResult,
    EnrolmentStatus,
    Requirement,
    SessionStatus,
)

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Course(DetailUrlMixin, TimeStampedModel, AuditedModel):
    """A course of the curriculum. ``audience_roles`` lists role names; ``audience_fti_roles`` adds,
    at run time, every role whose group holds ``cases.view_fti`` (IRS Publication 1075 awareness)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=CourseLevel.choices, default=CourseLevel.LOCAL)
    description = models.TextField(blank=True)
    policy_references = models.TextField(blank=True, help_text="Citations the course teaches, one per line.")
    audience_roles = models.JSONField(default=list, blank=True, help_text='Role names, e.g. ["caseworker"].')
    audience_fti_roles = models.BooleanField(
        default=False, help_text="Also every role that can see federal tax information (cases.view_fti)."
    )
    is_fti_awareness = models.BooleanField(
        default=False, help_text="Completing this course keeps access to tax offset details (IRS Pub. 1075)."
    )
    duration_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    requirement = models.CharField(max_length=10, choices=Requirement.choices, default=Requirement.OPTIONAL)
    recurrence_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="For recurring courses: renew every N months.",
    )
    has_test = models.BooleanField(default=False, help_text="Pre- and post-test scored 0–100.")
    passing_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_VALIDATORS)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(requirement="recurring", recurrence_months__isnull=False)
                    | (~Q(requirement="recurring") & Q(recurrence_months__isnull=True))
                ),
                name="training_course_recurrence_months_iff_recurring",
            ),
            models.UniqueConstraint(
                fields=["is_fti_awareness"],
                condition=Q(is_fti_awareness=True),
                name="training_course_one_fti_awareness",
            ),
        ]
        indexes = [models.Index(fields=["requirement", "is_active"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.requirement == Requirement.RECURRING and not self.recurrence_months:
            raise ValidationError({"recurrence_months": "A recurring course needs a number of months."})
        if self.requirement != Requirement.RECURRING:
            self.recurrence_months = None
        if not isinstance(self.audience_roles, list) or not all(isinstance(r, str) for r in self.audience_roles):
            raise ValidationError({"audience_roles": "A list of role names."})
        if self.has_test and self.passing_score is None:
            self.passing_score = 0

    @property
    def is_required(self) -> bool:
        return self.requirement != Requirement.OPTIONAL

    @property
    def policy_reference_list(self) -> list[str]:
        return [line.strip() for line in self.policy_references.splitlines() if line.strip()]


class TrainingSession(TimeStampedModel, AuditedModel):
    """A scheduled offering of a course."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_trained")
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1000)])
    location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED, db_index=True
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "training session"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The session must end after it starts."})
        if not self.location and not self.online_url:
            raise ValidationError({"location": "Give a place or an online link."})

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)


class Enrolment(TimeStampedModel, AuditedModel):
    """A staff member's place (or waitlist place) in a session; attendance and test scores."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_enrolments")
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    pre_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_VALIDATORS)
    post_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_VALIDATORS)
    result = models.CharField(max_length=12, choices=EnrolmentResult.choices, default=EnrolmentResult.PENDING)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="training_enrolment_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(pre_score__isnull=True) | Q(pre_score__lte=100), name="training_enrolment_pre_score_range"
            ),
            models.CheckConstraint(
                condition=Q(post_score__isnull=True) | Q(post_score__lte=100),
                name="training_enrolment_post_score_range",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"

    @property
    def score_gain(self) -> int | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class CourseCompletion(TimeStampedModel, AuditedModel):
    """A completed course: from a session, or recorded by a trainer (e.g. the state's online course).

    ``certificate_number`` is unguessable so a printed certificate can be verified by anyone signed in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    source = models.CharField(max_length=10, choices=CompletionSource.choices, default=CompletionSource.SESSION)
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="completion"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE_VALIDATORS)
    certificate_number = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recorded_by = staff_reference()

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="training_completion_score_range"
            ),
        ]
        indexes = [models.Index(fields=["user", "course", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} · {self.completed_on}"


class SessionEvaluation(TimeStampedModel, AuditedModel):
    """A participant's feedback on a session they attended (ratings 1–5 and comments)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="evaluation")
    content_rating = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    trainer_rating = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    relevance_rating = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    comments = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    content_rating__gte=1,
                    content_rating__lte=5,
                    trainer_rating__gte=1,
                    trainer_rating__lte=5,
                    relevance_rating__gte=1,
                    relevance_rating__lte=5,
                ),
                name="training_evaluation_ratings_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.enrolment}"


class NeedsSurvey(TimeStampedModel, AuditedModel):
    """A staff survey of training needs: each respondent rates the priority of each topic."""

    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = "training needs survey"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="training_needssurvey_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class NeedsTopic(models.Model):
    survey = models.ForeignKey(NeedsSurvey, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=200)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["survey", "title"], name="training_needstopic_unique_title")]

    def __str__(self) -> str:
        return self.title


class NeedsResponse(TimeStampedModel, AuditedModel):
    survey = models.ForeignKey(NeedsSurvey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comments = models.TextField(blank=True, max_length=4000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "respondent"], name="training_needsresponse_once")]

    def __str__(self) -> str:
        return f"{self.respondent} · {self.survey}"


class NeedsRating(models.Model):
    """Priority 1 (low) – 5 (high) of one topic in one response."""

    response = models.ForeignKey(NeedsResponse, on_delete=models.CASCADE, related_name="ratings")
    topic = models.ForeignKey(NeedsTopic, on_delete=models.CASCADE, related_name="ratings")
    priority = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "topic"], name="training_needsrating_once"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="training_needsrating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.priority}"


class TrainingReminder(models.Model):
    """One reminder (in-app, and by email) that a required course is due soon, overdue or never done.

    ``cycle_key`` (status + due date) makes the daily run idempotent: a person is reminded once per
    status per due date, and again when the status moves on (due soon → overdue) or after renewal.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_reminders")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ComplianceStatus.choices)
    due_on = models.DateField(null=True, blank=True)
    cycle_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The e-mail (core.mail): pending → sending (claimed, with the time) → sent, or failed when the
    # relay refuses the address for good. A row left sending by a dead worker is sent again.
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey("ReminderRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "cycle_key"], name="training_reminder_once_per_cycle")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} · {self.status}"


class ReminderRun(ScheduledRun):
    """One run of the daily compliance reminder (started, finished, counts, errors)."""

    run_on = models.DateField(db_index=True)
    rows_checked = models.PositiveIntegerField(default=0)
    reminders_created = models.PositiveIntegerField(default=0)
    emails_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Reminder run {self.run_on}"


class PolicyDocument(TimeStampedModel):
    """A policy or procedure of the office; its text lives in versions."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    courses = models.ManyToManyField(
        Course, blank=True, related_name="policies", help_text="Courses that teach this policy."
    )
    history = HistoricalRecords(m2m_fields=[courses])

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "policy document"

    def __str__(self) -> str:
        return self.title


class PolicyVersion(TimeStampedModel, AuditedModel):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=20)
    effective_on = models.DateField()
    citations = models.TextField(blank=True, help_text="Regulations this version implements, one per line.")
    summary = models.TextField(blank=True, max_length=4000)
    body = models.TextField(blank=True)
    requires_acknowledgement = models.BooleanField(default=True)

    class Meta:
        ordering = ["document", "-effective_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="training_policyversion_unique")]
        indexes = [models.Index(fields=["document", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}"

    @property
    def citation_list(self) -> list[str]:
        return [line.strip() for line in self.citations.splitlines() if line.strip()]


class PolicyAcknowledgement(AuditedModel):
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="training_policyack_once")]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"

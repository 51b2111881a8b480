"""Outreach: partners and their contacts, events, materials, announcements, media inquiries and
public feedback surveys.

None of these rows belong to a case, so there is no row-level scope: the model permission alone
decides (``scope_filter`` returns ``None``). Attendee names and e-mails are personal data and never
leave through the partner API (see ``outreach.api.serializers``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.dates import display_date
from core.fields import EncryptedCharField
from core.history import HistoricalRecords
from core.mail import EmailStatus
from core.models import AuditedModel, DetailUrlMixin, OfficeWide, RestrictedQuerySet, ScheduledRun, TimeStampedModel

from .choices import (
    OPEN_INQUIRY_STATUSES,
    AnnouncementKind,
    AnnouncementStatus,
    Audience,
    ContactChannel,
    DeliveryStatus,
    EventKind,
    EventStatus,
    InquiryStatus,
    Language,
    OrganisationKind,
    QuestionKind,
    RecipientKind,
    ReminderKind,
)
from .validators import validate_material_file

USER = settings.AUTH_USER_MODEL
Unscoped = OfficeWide  # the name migration 0001 gives the models' base


# Partners ------------------------------------------------------------------------------------
class Organisation(DetailUrlMixin, OfficeWide, TimeStampedModel, AuditedModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices, db_index=True)
    address = models.CharField(max_length=300, blank=True, help_text="The organisation's business address.")
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(OfficeWide, TimeStampedModel, AuditedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    wants_announcements = models.BooleanField(
        default=False, help_text="Asked to receive program announcements by e-mail (opt-in)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        indexes = [models.Index(fields=["wants_announcements", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class ContactLog(OfficeWide, AuditedModel):
    """One contact with a partner: the organisation's history of contact."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contact_logs")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occurred_on = models.DateField(db_index=True)
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    summary = models.TextField(max_length=2000)
    event = models.ForeignKey("Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_channel_display()} with {self.organisation_id}"


class MediaContact(OfficeWide, TimeStampedModel, AuditedModel):
    outlet = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    wants_announcements = models.BooleanField(default=False, help_text="Asked for program announcements (opt-in).")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["outlet", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.outlet}"


# Materials -----------------------------------------------------------------------------------
class Material(DetailUrlMixin, OfficeWide, TimeStampedModel, AuditedModel):
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH, db_index=True)
    audience = models.CharField(max_length=30, choices=Audience.choices, db_index=True)
    version = models.CharField(max_length=40, default="1")
    file = models.FileField(upload_to="outreach/materials/%Y/", blank=True, validators=[validate_material_file])
    stock = models.PositiveIntegerField(default=0, help_text="Printed copies on hand.")
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "language"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="outreach_material_stock_not_negative"),
            models.UniqueConstraint(fields=["title", "language", "version"], name="outreach_material_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_language_display()}, v{self.version})"


class MaterialDistribution(OfficeWide, AuditedModel):
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="distributions")
    distributed_on = models.DateField(db_index=True)
    location = models.CharField(max_length=200, help_text="Where the copies went.")
    quantity = models.PositiveIntegerField()
    event = models.ForeignKey("Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="distributions")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-distributed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="outreach_distribution_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.material_id} at {self.location}"


# Events --------------------------------------------------------------------------------------
class Event(DetailUrlMixin, OfficeWide, TimeStampedModel):
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.PRESENTATION)
    audience = models.CharField(max_length=30, choices=Audience.choices, db_index=True)
    description = models.TextField(blank=True, max_length=4000)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    is_online = models.BooleanField(default=False)
    location = models.CharField(max_length=300, blank=True, help_text="Place (or the platform, when online).")
    online_url = models.URLField(blank=True, help_text="Meeting link for registrants; never published by the API.")
    host_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_events"
    )
    presenters = models.ManyToManyField(USER, blank=True, related_name="outreach_presentations")
    materials = models.ManyToManyField(Material, blank=True, related_name="events", help_text="Materials used.")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED, db_index=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[presenters, materials])

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [
            ("view_calendar", "Can view the outreach calendar"),
            ("view_dashboard", "Can view the outreach dashboard and exports"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="outreach_event_ends_after_start"),
        ]
        indexes = [models.Index(fields=["audience", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({display_date(self.starts_at)})"


class Registration(OfficeWide, AuditedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(default=False, db_index=True)
    walk_in = models.BooleanField(default=False, help_text="Came without registering first.")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(email=""), name="outreach_registration_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.event_id}"


class FollowUp(OfficeWide, AuditedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.description


# Announcements -------------------------------------------------------------------------------
class Announcement(DetailUrlMixin, OfficeWide, TimeStampedModel, AuditedModel):
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AnnouncementKind.choices, default=AnnouncementKind.SERVICE_NEWS)
    body = models.TextField(max_length=10000, help_text="Plain text; shown escaped on the public page.")
    status = models.CharField(
        max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT, db_index=True
    )
    send_to_contacts = models.BooleanField(default=True, help_text="E-mail organisation contacts who opted in.")
    send_to_media = models.BooleanField(default=True, help_text="E-mail media contacts who opted in.")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_announcement", "Can publish and send announcements")]

    def __str__(self) -> str:
        return self.title


class AnnouncementDelivery(OfficeWide, AuditedModel):
    """What went to whom: one row per recipient address, claimed before sending, sent at least once
    (``core.mail``: a relay that cannot take mail leaves it pending for a retry; a 5xx refusal of
    the address fails it, with the reason)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="deliveries")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    recipient_kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    media_contact = models.ForeignKey(MediaContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    subject = models.CharField(max_length=250, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a sender took it (core/mail.py).")
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "announcement deliveries"
        constraints = [
            models.UniqueConstraint(fields=["announcement", "email"], name="outreach_delivery_once_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.email} ({self.status})"


# Media inquiries -----------------------------------------------------------------------------
class MediaInquiry(DetailUrlMixin, OfficeWide, TimeStampedModel, AuditedModel):
    outlet = models.CharField(max_length=200)
    reporter = models.CharField(max_length=200)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    question = models.TextField(max_length=4000)
    received_at = models.DateTimeField(db_index=True)
    deadline = models.DateTimeField(db_index=True)
    spokesperson = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    draft_response = models.TextField(blank=True, max_length=8000)
    approved_response = models.TextField(blank=True, max_length=8000)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, db_index=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name_plural = "media inquiries"
        permissions = [("approve_mediainquiry", "Can approve a media response")]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("received_at")), name="outreach_inquiry_deadline_after_receipt"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.question[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INQUIRY_STATUSES

    @property
    def response_hours(self) -> float | None:
        if self.responded_at is None:
            return None
        return round((self.responded_at - self.received_at).total_seconds() / 3600, 1)


class MediaReminder(OfficeWide, models.Model):
    """One reminder per inquiry and kind: the unique constraint makes the daily task idempotent."""

    inquiry = models.ForeignKey(MediaInquiry, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)
    run = models.ForeignKey("ReminderRun", null=True, on_delete=models.SET_NULL, related_name="reminders")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["inquiry", "kind"], name="outreach_reminder_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.inquiry_id}"


class ReminderRun(OfficeWide, ScheduledRun):
    """One run of the daily media reminder task (started, finished, counts, errors)."""

    due_soon_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Reminder run {self.started_at:%Y-%m-%d %H:%M}"


# Feedback ------------------------------------------------------------------------------------
class Survey(DetailUrlMixin, OfficeWide, TimeStampedModel, AuditedModel):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys")
    is_open = models.BooleanField(default=True, help_text="Closed surveys refuse responses.")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(OfficeWide, AuditedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="outreach_question_position_unique")]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(OfficeWide, models.Model):
    """A single-use link. Only the SHA-256 of the token is stored; the link is shown once.

    It names nobody: the invitation e-mail promises that answers are anonymous, and a response keeps
    its invitation (single use), so the attendees a link was sent to are recorded apart, with no
    link to theirs (``SurveyInvitee``)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.survey_id}"


class SurveyInvitee(OfficeWide, models.Model):
    """An attendee sent a link to ``survey`` (one per registration: sending again sends only to the
    attendees added since), and that link's e-mail (``core.mail``: pending → sending → sent, or
    failed when the relay refuses the address for good).

    Never which link, once it is e-mailed: nothing then leads from an answer to the person. Until
    then ``sealed_token`` holds the link's token encrypted (the field keys), so that a relay outage
    or a dead worker does not lose it and a retry sends the *same* link; it is erased when the
    e-mail is sent or refused for good, and no send time is kept (``email_claimed_at`` is cleared)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitees")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    sealed_token = EncryptedCharField(blank=True, help_text="The link's token until it is e-mailed (encrypted).")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "registration"]
        constraints = [
            # Never two links to one attendee for one survey (issue 14.5: re-sending doubled them).
            models.UniqueConstraint(fields=["survey", "registration"], name="outreach_one_invitee_per_registration"),
        ]

    def __str__(self) -> str:
        return f"Registration {self.registration_id} invited to {self.survey_id}"


class SurveyResponse(OfficeWide, AuditedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.PROTECT, related_name="response")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey_id}"


class SurveyAnswer(OfficeWide, AuditedModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    yes_no = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="outreach_answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="outreach_answer_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

"""Choices for outreach, media and feedback."""

from django.db import models

from core.events import event_choices
from core.mail import EmailStatus


class OrganisationKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", "Local government agency"
    FAITH_BASED = "faith_based", "Faith-based organisation"
    COMMUNITY = "community", "Community organisation"
    SCHOOL = "school", "School"
    EMPLOYER = "employer", "Employer"
    COURT = "court", "Court"
    OTHER = "other", "Other"


class ContactChannel(models.TextChoices):
    MEETING = "meeting", "Meeting"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    EVENT = "event", "Event"
    LETTER = "letter", "Letter"


class Audience(models.TextChoices):
    EMPLOYERS = "employers", "Employers"
    CUSTODIAL_PARENTS = "custodial_parents", "Custodial parents"
    NONCUSTODIAL_PARENTS = "noncustodial_parents", "Noncustodial parents"
    SCHOOLS = "schools", "Schools"
    COMMUNITY = "community", "Community"


class EventKind(models.TextChoices):
    PRESENTATION = "presentation", "Presentation"
    WORKSHOP = "workshop", "Workshop"
    FORUM = "forum", "Information forum"


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    RUSSIAN = "ru", "Russian"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    KOREAN = "ko", "Korean"
    VIETNAMESE = "vi", "Vietnamese"
    OTHER = "other", "Other"


class AnnouncementKind(models.TextChoices):
    PROGRAM_CHANGE = "program_change", "Program change"
    SERVICE_NEWS = "service_news", "Service news"


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class RecipientKind(models.TextChoices):
    CONTACT = "contact", "Organisation contact"
    MEDIA = "media", "Media contact"


# The announcement delivery's e-mail states: core.mail.EmailStatus, the states every background
# e-mail row shares (the sender claims pending → sending, then sent or failed).
DeliveryStatus = EmailStatus


class InquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    DRAFTED = "drafted", "Response drafted"
    APPROVED = "approved", "Response approved"
    RESPONDED = "responded", "Responded"
    DECLINED = "declined", "Declined"


OPEN_INQUIRY_STATUSES = (InquiryStatus.OPEN, InquiryStatus.DRAFTED, InquiryStatus.APPROVED)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating 1–5"
    YES_NO = "yes_no", "Yes / no"
    TEXT = "text", "Free text"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
OutreachEvent = event_choices(
    "OutreachEvent",
    """
    outreach.announcement_published outreach.announcement_sent outreach.attendance_recorded
    outreach.contact_added outreach.event_changed outreach.event_scheduled outreach.feedback_received
    outreach.follow_up_done outreach.material_added outreach.material_changed outreach.material_distributed
    outreach.material_restocked outreach.media_declined outreach.media_inquiry_changed
    outreach.media_inquiry_received outreach.media_responded outreach.media_response_approved
    outreach.organisation_changed outreach.organisation_created outreach.survey_attendees_invited
    outreach.survey_links_issued
""",
)
EVENT_VERBS = OutreachEvent

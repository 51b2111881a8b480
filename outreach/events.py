"""The domain events the outreach app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class OutreachEvent(models.TextChoices):
    OUTREACH_ANNOUNCEMENT_PUBLISHED = "outreach.announcement_published", "Outreach announcement published"
    OUTREACH_ANNOUNCEMENT_SENT = "outreach.announcement_sent", "Outreach announcement sent"
    OUTREACH_ATTENDANCE_RECORDED = "outreach.attendance_recorded", "Outreach attendance recorded"
    OUTREACH_CONTACT_ADDED = "outreach.contact_added", "Outreach contact added"
    OUTREACH_EVENT_SCHEDULED = "outreach.event_scheduled", "Outreach event scheduled"
    OUTREACH_FEEDBACK_RECEIVED = "outreach.feedback_received", "Outreach feedback received"
    OUTREACH_FOLLOW_UP_DONE = "outreach.follow_up_done", "Outreach follow up done"
    OUTREACH_MATERIAL_ADDED = "outreach.material_added", "Outreach material added"
    OUTREACH_MATERIAL_DISTRIBUTED = "outreach.material_distributed", "Outreach material distributed"
    OUTREACH_MATERIAL_RESTOCKED = "outreach.material_restocked", "Outreach material restocked"
    OUTREACH_MEDIA_DECLINED = "outreach.media_declined", "Outreach media declined"
    OUTREACH_MEDIA_INQUIRY_RECEIVED = "outreach.media_inquiry_received", "Outreach media inquiry received"
    OUTREACH_MEDIA_RESPONDED = "outreach.media_responded", "Outreach media responded"
    OUTREACH_MEDIA_RESPONSE_APPROVED = "outreach.media_response_approved", "Outreach media response approved"
    OUTREACH_ORGANISATION_CREATED = "outreach.organisation_created", "Outreach organisation created"
    OUTREACH_SURVEY_ATTENDEES_INVITED = "outreach.survey_attendees_invited", "Outreach survey attendees invited"
    OUTREACH_SURVEY_LINKS_ISSUED = "outreach.survey_links_issued", "Outreach survey links issued"

from django.db import models

from core.events import event_choices


class Role(models.TextChoices):
    """The office's roles; each is a Django group with exactly the permissions of docs/roles.md."""

    CASEWORKER = "caseworker", "Caseworker"
    ENFORCEMENT_SPECIALIST = "enforcement_specialist", "Enforcement specialist"
    COORDINATOR = "coordinator", "Coordinator"
    OMBUDSPERSON = "ombudsperson", "Ombudsperson"
    HEARING_OFFICER = "hearing_officer", "Hearing officer"
    OUTREACH = "outreach", "Outreach & media coordinator"
    TRAINER = "trainer", "Trainer"
    QUALITY_ANALYST = "quality_analyst", "Quality analyst"
    PARTNER_AGENCY = "partner_agency", "Partner agency (API only)"
    ADMINISTRATOR = "administrator", "Administrator"


class AgencyKind(models.TextChoices):
    COURT = "court", "Court"
    STATE_OFFICE = "state_office", "State office"
    COUNTY_ATTORNEY = "county_attorney", "County attorney"
    EMPLOYER = "employer", "Employer"
    OTHER = "other", "Other"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
AccountEvent = event_choices(
    "AccountEvent",
    """
    api_key.created user.mfa_reset
""",
    labels={"api_key.created": "Partner API key created", "user.mfa_reset": "Multi-factor sign-in reset"},
)
EVENT_VERBS = AccountEvent

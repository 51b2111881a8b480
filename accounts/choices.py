from django.db import models


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

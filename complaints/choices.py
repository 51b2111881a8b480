from django.db import models
from django.utils.translation import gettext_lazy as _

from core.events import event_choices


class Channel(models.TextChoices):
    WALK_IN = "walk_in", "Walk-in"
    PHONE = "phone", "Phone"
    MAIL = "mail", "Mail"
    EMAIL = "email", "Email"
    WEB = "web", "Public web form"
    API = "api", "Partner agency (API)"


STAFF_CHANNELS = [Channel.WALK_IN, Channel.PHONE, Channel.MAIL, Channel.EMAIL]


class Category(models.TextChoices):
    DISTRIBUTION = "distribution", _("Distribution / arrears calculation")
    CASE_ACTION = "case_action", _("Case action or inaction")
    CLOSURE = "closure", _("Case closure")
    APPLICATION = "application", _("Application denied or not acted on")
    SERVICE = "service", _("Customer service")
    STAFF_CONDUCT = "staff_conduct", _("Staff conduct")
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("Out of jurisdiction (court matter or other agency)")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REFERRED = "referred", _("Referred")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [ComplaintStatus.OPEN, ComplaintStatus.REFERRED]


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld (action taken)")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld (no error found)")
    REFERRED_OUT = "referred_out", _("Referred elsewhere")
    WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")


class Party(models.TextChoices):
    COMPLAINANT = "complainant", "Complainant"
    CP = "cp", "Custodial parent"
    NCP = "ncp", "Noncustodial parent"
    CASEWORKER = "caseworker", "Caseworker"
    AGENCY = "agency", "Other agency or county"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    INBOUND = "in", "Received"
    OUTBOUND = "out", "Sent"


class CommChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    NOTE = "note", "Internal note"


class ReferralTarget(models.TextChoices):
    UNIT = "unit", "Another unit"
    AGENCY = "agency", "Another agency"
    COUNTY = "county", "Another county"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "To forward"
    FORWARDED = "forwarded", "Forwarded, awaiting answer"
    ANSWERED = "answered", "Answered"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    REFERRAL = "referral", "Referral to forward"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
ComplaintEvent = event_choices(
    "ComplaintEvent",
    """
    complaint.assigned complaint.case_linked complaint.communication_logged complaint.extended complaint.extension_letter
    complaint.received complaint.referred complaint.reminders_sent complaint.resolution_letter
    complaint.resolved referral.answered referral.forwarded
""",
)
EVENT_VERBS = ComplaintEvent

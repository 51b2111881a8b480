from django.db import models
from django.utils.translation import gettext_lazy as _

from core.events import event_choices


class Issue(models.TextChoices):
    """What the hearing is about. The first four are within state hearing jurisdiction
    (Fam. Code 17801); the court decides the order amount, custody and visitation."""

    APPLICATION = "application", _("Application denied or not acted on in time")
    CASE_ACTION = "case_action", _("Case acted on in violation of law/regulation, or not in time")
    DISTRIBUTION = "distribution", _("Wrong distribution, disbursement or arrears calculation")
    CLOSURE = "closure", _("Decision to close the case")
    ORDER_AMOUNT = "order_amount", _("Court-ordered support amount")
    CUSTODY = "custody", _("Custody")
    VISITATION = "visitation", _("Visitation")


IN_JURISDICTION = {Issue.APPLICATION, Issue.CASE_ACTION, Issue.DISTRIBUTION, Issue.CLOSURE}
COURT_MATTERS = {Issue.ORDER_AMOUNT, Issue.CUSTODY, Issue.VISITATION}

# Issue behind a complaint category, to pre-fill a hearing request made from a complaint.
ISSUE_OF_CATEGORY = {
    "distribution": Issue.DISTRIBUTION,
    "case_action": Issue.CASE_ACTION,
    "closure": Issue.CLOSURE,
    "application": Issue.APPLICATION,
}


class Basis(models.TextChoices):
    RESOLUTION = "resolution", "After the complaint resolution"
    NO_RESOLUTION = "no_resolution", "No written resolution within 30 days"


class RequestStatus(models.TextChoices):
    """Where the request is (docs/hearings.md has the state machine). ``DECIDED`` is the one
    closed state; ``Outcome`` says how it closed."""

    REQUESTED = "requested", "Requested"
    # California: the complainant was told the request will be dismissed on ``dismissal_on`` (15 days
    # after the notice) unless they show it should not be; ``dismissal_ground`` says why (late without
    # good cause or not within hearing jurisdiction: 22 CCR 120211(b); no one came: 120213(b)).
    DISMISSAL_NOTICED = "dismissal_noticed", "Dismissal noticed"
    OUT_OF_JURISDICTION = "out_of_jurisdiction", "Out of jurisdiction (alternate route offered)"
    SCHEDULED = "scheduled", "Hearing scheduled"
    HELD = "held", "Hearing held: decision pending"
    DECIDED = "decided", "Closed"


OPEN_REQUEST_STATUSES = [
    RequestStatus.REQUESTED,
    RequestStatus.DISMISSAL_NOTICED,
    RequestStatus.SCHEDULED,
    RequestStatus.HELD,
]


class GoodCause(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    FOUND = "found", "Good cause found: accepted"
    NOT_FOUND = "not_found", "No good cause"


class DismissalGround(models.TextChoices):
    """Why a California dismissal was noticed (``HearingRequest.dismissal_ground``)."""

    LATE = "late", "Filed late without good cause (22 CCR 120211(a)(3))"
    JURISDICTION = "jurisdiction", "Not within state hearing jurisdiction (22 CCR 120211(a)(2))"
    NO_SHOW = "no_show", "No one appeared at the hearing (22 CCR 120213)"


# The citation of each noticed dismissal's rule (``complaints.law``, California).
NOTICE_CITATION = {
    DismissalGround.LATE: "dismissal_notice",
    DismissalGround.JURISDICTION: "dismissal_notice",
    DismissalGround.NO_SHOW: "abandonment_notice",
}


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Telephone")
    VIDEO = "video", _("Video")


class HearingStatus(models.TextChoices):
    """One sitting: scheduled → held, or postponed (rescheduled), cancelled (request withdrawn),
    not held (its time passed without a hearing: the request was dismissed)."""

    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"
    NOT_HELD = "not_held", "Not held"


# Sittings that occupy their officer and their room or phone bridge.
BOOKED_HEARING_STATUSES = [HearingStatus.SCHEDULED, HearingStatus.HELD]


class Outcome(models.TextChoices):
    """How a request closed. Granted and denied are decisions on the merits: they need a held
    hearing dated on or before the decision. Withdrawn: any time. Dismissed: once the hearing's
    time has passed (or for a late request without good cause)."""

    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    DISMISSED = "dismissed", _("Dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MERITS_OUTCOMES = [Outcome.GRANTED, Outcome.DENIED]


class LetterKind(models.TextChoices):
    NOTICE = "notice", "Notice of hearing"
    DECISION = "decision", "Decision"
    DISMISSAL_NOTICE = "dismissal", "Notice of intended dismissal"
    # New York: an abandoned request reopened (18 NYCRR 358-5.5(c)); on the new, linked request.
    REOPENED = "reopened", "Notice of reopening"


class Party(models.TextChoices):
    APPELLANT = "appellant", "The person who asked for the hearing"
    AGENCY = "agency", "The child support agency"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
HearingEvent = event_choices(
    "HearingEvent",
    """
    hearing.compliance_done hearing.compliance_ordered hearing.decided hearing.decision_letters_issued hearing.dismissal_letters_issued
    hearing.good_cause_decided hearing.held hearing.no_show_recorded hearing.notice_letters_issued hearing.reopened
    hearing.reopened_letters_issued hearing.requested hearing.scheduled
""",
)
EVENT_VERBS = HearingEvent

"""Choices of the cases app (TextChoices; values are stable, labels are for people)."""

from django.db import models

from core.events import event_choices


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class PaternityStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    PENDING = "pending", "Pending"
    ESTABLISHED = "established", "Established"


class PaternityMethod(models.TextChoices):
    MARITAL_PRESUMPTION = "marital_presumption", "Marital presumption"
    VOLUNTARY_ACKNOWLEDGMENT = "voluntary_acknowledgment", "Voluntary acknowledgment"
    GENETIC_TEST = "genetic_test", "Genetic test"
    COURT_ORDER = "court_order", "Court order"


class GeneticTestResult(models.TextChoices):
    POSITIVE = "positive", "Positive (not excluded)"
    NEGATIVE = "negative", "Negative (excluded)"


class Jurisdiction(models.TextChoices):
    NY = "NY", "New York"
    CA = "CA", "California"


class AssistanceStatus(models.TextChoices):
    CURRENT = "current", "Current assistance (TANF)"
    FORMER = "former", "Former assistance"
    NEVER = "never", "Never assistance"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CaseStage(models.TextChoices):
    OPENED = "opened", "Opened"
    LOCATE = "locate", "Locate"
    ESTABLISHMENT = "establishment", "Establishment"
    ENFORCEMENT = "enforcement", "Enforcement"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    """Case closure criteria of 45 CFR 303.11(b) as revised by 81 FR 93492 (Dec. 20, 2016). The
    numbers are the 2016 text's: the labels of (b)(12), (b)(14), (b)(15) and (b)(18)-(19) still
    carried the pre-2016 numbers ((b)(11), (12), (13), (15)-(16)) until the closure-notice change.
    Which reasons need the 60-day notice of intent to close: ``CLOSURE_NOTICE_REASONS`` below."""

    NO_ORDER_LOW_ARREARS = (
        "no_order_low_arrears",
        "No current order; arrears under $500 or unenforceable (303.11(b)(1))",
    )
    NO_ORDER_ASSIGNED_ARREARS = (
        "no_order_assigned_arrears",
        "No current order; all arrears assigned to the state (303.11(b)(2))",
    )
    NCP_DECEASED = "ncp_deceased", "Noncustodial parent deceased, no further action possible (303.11(b)(4))"
    PATERNITY_NOT_ESTABLISHABLE = "paternity_not_establishable", "Paternity cannot be established (303.11(b)(6))"
    LOCATION_UNKNOWN = "location_unknown", "Location unknown after diligent efforts (303.11(b)(7))"
    NCP_CANNOT_PAY = "ncp_cannot_pay", "NCP cannot pay for the child's minority (303.11(b)(8))"
    RECIPIENT_REQUEST = "recipient_request", "Non-assistance recipient requests closure (303.11(b)(12))"
    GOOD_CAUSE = "good_cause", "Good cause / other exception found (303.11(b)(14))"
    RECIPIENT_UNREACHABLE = "recipient_unreachable", "Unable to contact the recipient of services (303.11(b)(15))"
    INITIATING_STATE_CLOSED = (
        "initiating_state_closed",
        "Interstate: initiating agency closed its case or no longer needs services (303.11(b)(18)-(19))",
    )
    OTHER = "other", "Other (explained in the closure note)"


# 45 CFR 303.11(d)(1): "In cases meeting the criteria in paragraphs (b)(1) through (10) and (b)(15)
# and (16) of this section, the State must notify the recipient of services in writing 60 calendar
# days prior to closure of the case of the State's intent to close the case." (d)(2) is the same
# notice to the initiating agency for (b)(17) and (d)(4) to the recipient for (b)(13) (a limited
# service): Caseworks has neither reason. No notice: (b)(12) a recipient's own request, (b)(14)
# good cause, (b)(18)-(19) the initiating agency closed or no longer needs services. "Other" is no
# criterion of 303.11(b): it gets the notice, the side of the law that cannot be wrong.
CLOSURE_NOTICE_REASONS = frozenset(
    {
        ClosureReason.NO_ORDER_LOW_ARREARS,  # (b)(1)
        ClosureReason.NO_ORDER_ASSIGNED_ARREARS,  # (b)(2)
        ClosureReason.NCP_DECEASED,  # (b)(4)
        ClosureReason.PATERNITY_NOT_ESTABLISHABLE,  # (b)(6)
        ClosureReason.LOCATION_UNKNOWN,  # (b)(7)
        ClosureReason.NCP_CANNOT_PAY,  # (b)(8)
        ClosureReason.RECIPIENT_UNREACHABLE,  # (b)(15); (d)(3): kept open when contact is reestablished
        ClosureReason.OTHER,
    }
)


# The IV-D program's 54 jurisdictions (42 USC 654; 45 CFR 301.1 "State"): the 50 states, the
# District of Columbia, Puerto Rico, the Virgin Islands and Guam. The other state of an interstate
# case (45 CFR 303.7) is one of them; the USPS list of ``whereabouts`` also holds AS, MP and the
# military post offices (AA, AE, AP), which run no IV-D program.
IV_D_JURISDICTIONS = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "PR",
        "VI",
        "GU",
    ]
)


class InterstateRole(models.TextChoices):
    NONE = "none", "Not interstate"
    INITIATING = "initiating", "Initiating"
    RESPONDING = "responding", "Responding"


class ParticipantRole(models.TextChoices):
    CP = "cp", "Custodial parent"
    NCP = "ncp", "Noncustodial parent"
    CHILD = "child", "Child"


class ChildEndReason(models.TextChoices):
    """Why a child's participation in a case ended (``CaseParticipant.ended_reason``,
    ``services.case_child_end``)."""

    EMANCIPATED = "emancipated", "Emancipated"
    DECEASED = "deceased", "Deceased"
    CUSTODY_CHANGED = "custody_changed", "Went to live with the other parent"
    ADOPTED = "adopted", "Adopted"
    OTHER = "other", "Other (explain)"


class OrderKind(models.TextChoices):
    COURT = "court", "Court"
    ADMINISTRATIVE = "administrative", "Administrative"


class OrderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"
    TERMINATED = "terminated", "Terminated"


class OrderEndReason(models.TextChoices):
    """Why current support under an order ends (``order_end``; recorded in the event)."""

    EMANCIPATED = "emancipated", "The child emancipated"
    VACATED = "vacated", "Order vacated or terminated by the court"
    SUPERSEDED = "superseded", "Superseded by a new order"
    CUSTODY_CHANGED = "custody_changed", "Custody changed"
    CHILD_DECEASED = "child_deceased", "The child died"
    OTHER = "other", "Other (explain)"


class CollectionReverseReason(models.TextChoices):
    """Why a posted payment is reversed (the reversal page; the text goes to ``collection_reverse``)."""

    RETURNED_UNPAID = "returned_unpaid", "Returned unpaid (NSF, stopped, closed account)"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error (wrong amount, duplicate)"
    WRONG_CASE = "wrong_case", "Posted to the wrong case"
    OTHER = "other", "Other (explain)"


class ObligationKind(models.TextChoices):
    CURRENT_SUPPORT = "current_support", "Current child support"
    MEDICAL_SUPPORT = "medical_support", "Medical support"
    SPOUSAL_SUPPORT = "spousal_support", "Spousal support"
    ARREARS_REPAYMENT = "arrears_repayment", "Arrears repayment"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    SEMIMONTHLY = "semimonthly", "Twice a month"
    MONTHLY = "monthly", "Monthly"


class EntryType(models.TextChoices):
    CHARGE = "charge", "Charge"
    COLLECTION = "collection", "Collection"
    ALLOCATION = "allocation", "Allocation"
    DISBURSEMENT = "disbursement", "Disbursement"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Reversal"


class Bucket(models.TextChoices):
    CURRENT = "current", "Current support"
    ARREARS_UNASSIGNED = "arrears_unassigned", "Unassigned arrears (family)"
    ARREARS_ASSIGNED = "arrears_assigned", "Assigned arrears (state)"


class CollectionSource(models.TextChoices):
    INCOME_WITHHOLDING = "income_withholding", "Income withholding"
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    FEDERAL_TAX_OFFSET = "federal_tax_offset", "Federal tax refund offset"
    STATE_TAX_OFFSET = "state_tax_offset", "State tax refund offset"
    BANK_LEVY = "bank_levy", "Bank levy"
    OTHER = "other", "Other"


# Sources whose details are Federal Tax Information (IRS Publication 1075).
FTI_SOURCES = frozenset({CollectionSource.FEDERAL_TAX_OFFSET})


class CollectionStatus(models.TextChoices):
    POSTED = "posted", "Posted"
    HELD = "held", "Held (undistributed)"
    REVERSED = "reversed", "Reversed"


class ReceivedVia(models.TextChoices):
    API = "api", "API"
    FORM = "form", "Form"
    FILE = "file", "File"
    GENERATOR = "generator", "Generator"


class Payee(models.TextChoices):
    FAMILY = "family", "Family"
    STATE = "state", "State"


class OverpaymentPolicy(models.TextChoices):
    """What happens to more than is owed (no federal rule: an office policy,
    ``CASEWORKS_OVERPAYMENT_POLICY``)."""

    HOLD = "hold", "Held for review"
    REFUND = "refund", "Refunded to the payor"
    FAMILY = "family", "Paid to the family"


class DisbursementStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled (collection reversed)"
    RETURNED = "returned", "Returned by the bank (held undistributed)"


class WorkItemPriority(models.IntegerChoices):
    """Lower sorts first: the most urgent work at the top of a queue."""

    URGENT = 1, "Urgent"
    HIGH = 2, "High"
    NORMAL = 3, "Normal"
    LOW = 4, "Low"


class WorkItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class WorkItemKind(models.TextChoices):
    """Kinds the cases app creates; other apps may use their own short kind strings."""

    MANUAL = "manual", "Manual"
    OPEN_CASE = "open_case", "Open the case"
    LOCATE = "locate", "Locate attempt due"
    ESTABLISH = "establish", "Establish an order"
    INTERSTATE_REFERRAL = "interstate_referral", "Interstate referral"
    REVIEW = "review", "Review"
    PERSON_CHECK = "person_check", "Check a person's record"
    CLOSURE_NOTICE_DUE = "closure_notice_due", "Closure notice period over: close or keep open"


# The unit of the work items only a coordinator may settle (a record outside a caseworker's scope).
COORDINATOR_UNIT = "Coordinator"
# Who settles a ``PERSON_CHECK`` item (marks it done, edits it) and finds the coordinator unit's
# unassigned items in their own queue: the permission to merge people (coordinators, docs/roles.md),
# since the check ends in a merge or an SSN correction.
PERSON_CHECK_PERMISSION = "cases.merge_person"


class LocateSource(models.TextChoices):
    NEW_HIRE = "new_hire", "New hire directory"
    EMPLOYER = "employer", "Employer"
    DMV = "dmv", "Motor vehicles (DMV)"
    PARENT_LOCATOR = "parent_locator", "Parent locator service"
    OTHER = "other", "Other"


class AddressSource(models.TextChoices):
    """Where an address came from (``Address.source``). The first two are the values case opening
    and the new-hire import write; the locate kinds match ``LocateSource`` (``address_source_of``)."""

    APPLICATION = "application", "Case application"
    NEW_HIRE = "new hire", "New hire directory"
    REPORTED_BY_PERSON = "reported_by_person", "Reported by the person"
    REPORTED_BY_OTHER_PARENT = "reported_by_other_parent", "Reported by the other parent"
    EMPLOYER = "employer", "Employer"
    DMV = "dmv", "Motor vehicles (DMV)"
    PARENT_LOCATOR = "parent_locator", "Parent locator service"
    RETURNED_MAIL = "returned_mail", "Forwarding address on returned mail"
    OTHER = "other", "Other"


# The address source a "found" locate attempt of each kind records (cases.services.whereabouts).
LOCATE_ADDRESS_SOURCE = {
    "new_hire": AddressSource.NEW_HIRE,
    "employer": AddressSource.EMPLOYER,
    "dmv": AddressSource.DMV,
    "parent_locator": AddressSource.PARENT_LOCATOR,
    "other": AddressSource.OTHER,
}


class EmploymentSource(models.TextChoices):
    """Who told the office of a job (or of its end). The first values are those of ``LocateSource``
    (a new hire, an employer), so a job and the locate result it came with say the same."""

    NEW_HIRE = "new_hire", "New hire directory"
    EMPLOYER = "employer", "Employer"
    EIWO = "eiwo", "e-IWO acknowledgment"
    PAYMENT_FILE = "payment_file", "Employer payment file"
    PARENT_REPORTED = "parent_reported", "The parent reported it"
    PAY_STUB = "pay_stub", "Pay stub"
    OTHER_PARENT = "other_parent", "The other parent reported it"
    OTHER = "other", "Other"


# What a caseworker may give as a source on the person page (the files give theirs).
EMPLOYMENT_DESK_SOURCES = [
    EmploymentSource.PARENT_REPORTED,
    EmploymentSource.PAY_STUB,
    EmploymentSource.OTHER_PARENT,
    EmploymentSource.EMPLOYER,
    EmploymentSource.OTHER,
]


class EmploymentEndReason(models.TextChoices):
    QUIT = "quit", "Quit"
    DISMISSED = "dismissed", "Dismissed"
    LAID_OFF = "laid_off", "Laid off"
    CONTRACT_ENDED = "contract_ended", "Contract or season ended"
    OTHER = "other", "Other"
    # Not a job's end: a job typed at the desk for an FVI person, once confirmed, proved to be the
    # job already on file at that employer (``cases.services.employment.employments_confirm``).
    RECORDED_TWICE = "recorded_twice", "Recorded twice (the job on file)"


# Why a caseworker may say a job ended on the person page (the system gives ``RECORDED_TWICE``).
EMPLOYMENT_DESK_END_REASONS = [reason for reason in EmploymentEndReason if reason != EmploymentEndReason.RECORDED_TWICE]


class LocateResult(models.TextChoices):
    FOUND = "found", "Found"
    NOT_FOUND = "not_found", "Not found"


class DeadlineKind(models.TextChoices):
    OPEN = "open", "Open case (45 CFR 303.2(b))"
    LOCATE = "locate", "Locate (45 CFR 303.3(b)(3))"
    ESTABLISH = "establish", "Establish order (45 CFR 303.4(d))"
    INTERSTATE_REFERRAL = "interstate_referral", "Interstate referral (45 CFR 303.7)"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class ReviewOutcome(models.TextChoices):
    NO_CHANGE = "no_change", "No change"
    ADJUSTMENT = "adjustment", "Adjustment (new order version)"
    PETITION = "petition", "Petition to court"


class ReviewRequester(models.TextChoices):
    AGENCY = "agency", "Agency (automated 36-month review)"
    CP = "cp", "Custodial parent"
    NCP = "ncp", "Noncustodial parent"


class LedgerRunKind(models.TextChoices):
    ACCRUAL = "accrual", "Accrual of charges"
    DISBURSEMENT = "disbursement", "Disbursement sweep"
    BACKFILL = "backfill", "Ledger backfill"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
CaseEvent = event_choices(
    "CaseEvent",
    """
    accrual.run_resumed accrual.started arrears.reassigned assistance.changed assistance.paid_recorded
    case.closed case.interstate_referred case.note_added case.opened case.reassigned case.stage_changed
    charges.accrued employment.ended employment.recorded collection.held collection.posted collection.released collection.reversed
    collections.redistributed demo.cases_seeded disbursements.swept fvi.override_granted fvi.override_used
    letter.returned letter.sent locate.attempted order.created order.ended order.established order.modified order.review_adjustment
    order.review_calculated order.review_no_change order.review_opened order.review_petition person.merge_undone
    person.merged person.ssn_corrected person.ssn_removed person.updated work_item.created work_item.done work_item.edited work_item.reassigned case.document_attached
    address.recorded person.fvi_set person.fvi_cleared
    case.child_added case.child_ended person.paternity_recorded
    document.whereabouts_marked document.whereabouts_released document.withdrawn document.restored
    case.closure_noticed case.closure_notice_answered
    case.details_corrected case.transferred
    employment.confirmed
""",
    labels={
        "case.child_added": "Child added",
        "case.child_ended": "Child's participation ended",
        "case.details_corrected": "Interstate details corrected",
        "case.transferred": "Case moved to another county",
        "case.document_attached": "Document attached",
        "document.whereabouts_marked": "Document marked as showing a person's whereabouts",
        "document.whereabouts_released": "Document released from a person's whereabouts",
        "document.withdrawn": "Document withdrawn (misfiled)",
        "document.restored": "Withdrawn document restored",
        "case.closure_noticed": "Notice of intent to close sent",
        "case.closure_notice_answered": "Recipient answered the notice of intent to close: case kept open",
        "case.note_added": "Note added",
        "employment.confirmed": "Job confirmed on the employer's written word",
        "employment.ended": "Job ended",
        "employment.recorded": "Job recorded",
        "case.interstate_referred": "Referred to another state",
        "fvi.override_granted": "Court override of the family violence indicator recorded",
        "fvi.override_used": "Court override of the family violence indicator used",
        "locate.attempted": "Locate attempt recorded",
        "person.ssn_corrected": "SSN corrected",
        "person.ssn_removed": "SSN removed",
        "person.updated": "Person's details changed",
        "address.recorded": "New address recorded",
        "person.fvi_set": "Family violence indicator set",
        "person.fvi_cleared": "Family violence indicator removed",
        "person.paternity_recorded": "Paternity recorded",
        "work_item.done": "Work item completed",
    },
)
EVENT_VERBS = CaseEvent


class DocumentKind(models.TextChoices):
    COURT_ORDER = "court_order", "Court order"
    PETITION = "petition", "Petition or filing"
    CORRESPONDENCE = "correspondence", "Correspondence"
    EVIDENCE = "evidence", "Evidence (pay stubs, receipts, records)"
    IDENTITY = "identity", "Identity or birth record"
    OTHER = "other", "Other"

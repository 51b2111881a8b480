"""Enforcement choices (remedies, action stages, court actions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.events import event_choices


class Remedy(models.TextChoices):
    INCOME_WITHHOLDING = "income_withholding", _("Income withholding")
    FEDERAL_TAX_OFFSET = "federal_tax_offset", _("Federal tax refund offset")
    STATE_TAX_OFFSET = "state_tax_offset", _("State tax refund offset")
    PASSPORT_DENIAL = "passport_denial", _("Passport denial")
    CREDIT_BUREAU = "credit_bureau", _("Credit bureau reporting")
    LICENSE_SUSPENSION = "license_suspension", _("Driver licence suspension")
    BANK_LEVY = "bank_levy", _("Bank levy (financial institution data match)")
    STATE_COLLECTION = "state_collection", _("Transfer to state collection")


class LicenceClass(models.TextChoices):
    """The obligor's driver's licence, as far as Fam. Code 17520.5(a)(2) asks (from January 1, 2027)."""

    NONCOMMERCIAL = "noncommercial", _("Noncommercial")
    COMMERCIAL = "commercial", _("Commercial")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    MORE_THAN = "gt", _("more than")


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    NOTICED = "noticed", "Notice issued"
    CONTEST_WINDOW = "contest_window", "Contest window"
    CONTESTED = "contested", "Contested"
    ACTIVE = "active", "Active (sent to partner)"
    RELEASED = "released", "Released"
    CLOSED = "closed", "Closed"


OPEN_ACTION_STATUSES = (
    ActionStatus.PROPOSED,
    ActionStatus.NOTICED,
    ActionStatus.CONTEST_WINDOW,
    ActionStatus.CONTESTED,
    ActionStatus.ACTIVE,
)


class SweepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Finished with errors"


class ChunkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReleaseReason(models.TextChoices):
    PAID_UP = "paid_up", "Paid up"
    CASE_CLOSED = "case_closed", "Case closed"
    CONTEST_SUSTAINED = "contest_sustained", "Contest decided for the NCP"
    WITHDRAWN = "withdrawn", "Withdrawn by the agency"


class ContestDecision(models.TextChoices):
    UPHELD = "upheld", "Action upheld: proceed"
    SUSTAINED = "sustained", "Contest sustained: release the action"


class BankMatchStatus(models.TextChoices):
    OPEN = "open", "Open"
    LEVIED = "levied", "Levied"
    RELEASED = "released", "Released"


class PetitionKind(models.TextChoices):
    ESTABLISHMENT = "establishment", "Establishment of support"
    MODIFICATION = "modification", "Modification"
    VIOLATION = "violation", "Violation / enforcement"
    PATERNITY = "paternity", "Paternity"


class PetitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FILED = "filed", "Filed"
    SERVED = "served", "Served"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_PETITION_STATUSES = (PetitionStatus.DRAFT, PetitionStatus.FILED, PetitionStatus.SERVED)


class PetitionOutcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"
    DISMISSED = "dismissed", "Dismissed"
    SETTLED = "settled", "Settled by consent"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HearingResult(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    ADJOURNED = "adjourned", "Adjourned"
    CANCELLED = "cancelled", "Cancelled"


class AppearanceParty(models.TextChoices):
    CP = "cp", "Custodial parent"
    NCP = "ncp", "Noncustodial parent"
    AGENCY = "agency", "Agency attorney"
    OTHER = "other", "Other"


class ReferralAgency(models.TextChoices):
    DISTRICT_ATTORNEY = "district_attorney", "District attorney"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    US_ATTORNEY = "us_attorney", "U.S. attorney"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted"
    CHARGED = "charged", "Charged"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed with outcome"


class ReferralOutcome(models.TextChoices):
    CONVICTED = "convicted", "Convicted"
    PLEA = "plea", "Plea agreement"
    DISMISSED = "dismissed", "Dismissed"
    ACQUITTED = "acquitted", "Acquitted"
    PAID = "paid", "Paid before charges"
    DECLINED = "declined", "Declined to prosecute"


# --- employer payment files, disbursement files and bank reconciliation -----------------------


class FileVia(models.TextChoices):
    COMMAND = "command", "Command"
    UPLOAD = "upload", "Upload page"
    API = "api", "Partner API"


class PaymentFileStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    PROCESSING = "processing", "Importing"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Seen before (nothing posted)"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class StatementStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Seen before (nothing changed)"
    REFUSED = "refused", "Refused"


class BankAccountPurpose(models.TextChoices):
    COLLECTIONS = "collections", "Collections (deposits)"
    DISBURSEMENTS = "disbursements", "Disbursements"
    CARD_PROGRAM = "card_program", "Debit card program (payees without direct deposit)"


class PayeeAccountType(models.TextChoices):
    CHECKING = "checking", "Checking"
    SAVINGS = "savings", "Savings"


class MatchStatus(models.TextChoices):
    UNMATCHED = "unmatched", "Unmatched"
    MATCHED = "matched", "Matched"
    PARTIAL = "partial", "Partial (amount differs)"
    IGNORED = "ignored", "Not reconciled (information only)"


class BookKind(models.TextChoices):
    COLLECTION_BATCH = "collection_batch", "Collection batch / deposit"
    DISBURSEMENT_FILE = "disbursement_file", "Disbursement file"


class ExceptionKind(models.TextChoices):
    BANK_UNMATCHED = "bank_unmatched", "Bank item with no book record"
    AMOUNT_DIFFERS = "amount_differs", "Amount differs from the book"


class ExceptionStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class ReturnFileStatus(models.TextChoices):
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Seen before (nothing changed)"
    REJECTED = "rejected", "Rejected"


class ReturnKind(models.TextChoices):
    RETURN = "return", "Return"
    NOC = "noc", "Notification of change"


class ReturnOutcome(models.TextChoices):
    HELD = "held", "Returned: money held undistributed"
    CORRECTED = "corrected", "Bank details corrected"
    NOTED = "noted", "Noted (nothing to correct)"


# The domain events this app writes (``DomainEvent.verb``), labelled in words by core.events.
EnforcementEvent = event_choices(
    "EnforcementEvent",
    """
    bank.statement_imported court.hearing_recorded court.hearing_scheduled court.petition_decided
    court.petition_opened court.petition_updated criminal.non_support_referral criminal.referral_updated
    disbursement.file_exported disbursement.returned disbursement.sent enforcement.action_activated
    enforcement.action_closed enforcement.action_contest_window_opened enforcement.action_contested
    enforcement.income_check_recorded
    enforcement.action_proposed enforcement.action_released enforcement.contest_decided
    enforcement.notice_issued enforcement.rule_revised nacha.return_file_imported payee.bank_details_corrected
    payment.file_duplicate payment.file_failed payment.file_imported payment.file_rejected
    reconciliation.exception_noted reconciliation.exception_resolved sweep.run_resumed
    new_hire.matched partner_file.accepted partner_file.fetched partner_file.processing partner_file.received
    partner_file.refused partner_file.replay partner_file.ready partner_file.sent withholding.employment_ended
    withholding.order_issued withholding.order_printed withholding.nmsn_issued withholding.nmsn_terminated
""",
    labels={
        "withholding.nmsn_issued": "National Medical Support Notice sent without an income withholding order",
        "withholding.nmsn_terminated": "Employer told there is no longer a current order for medical support",
    },
)
EVENT_VERBS = EnforcementEvent
# --- income withholding (IWO, OMB 0970-0154; e-IWO, OCSE Appendix D) ---------------------------


class IwoKind(models.TextChoices):
    """The IWO form's first boxes (1a-1d) and the e-IWO DTL "Document Action Code"; and the two
    documents of the National Medical Support Notice sent without an IWO (45 CFR 303.32(c)): the
    NMSN alone when the order requires health care coverage but nothing is withheld in cash, and the
    notice that there is no longer a current order for medical support (303.32(c)). The e-IWO
    has no action code for these two (``interchange.layouts.eiwo.ACTION_CODES``): paper only."""

    ORIGINAL = "ORG", "Original"
    AMENDED = "AMD", "Amended"
    LUMP_SUM = "LUM", "One-time order for a lump sum payment"
    TERMINATION = "TRM", "Termination"
    NMSN = "NMS", "NMSN only (no cash withholding)"
    NMSN_TERMINATION = "NMT", "NMSN ended (no medical support order)"


# The kinds the e-IWO carries (its DTL Document Action Codes); the NMSN-only documents go on paper.
EIWO_KINDS = ("ORG", "AMD", "TRM", "LUM")
# The documents that stay in force at an employer until a successor or the employer ends them: the
# one rule of "what is in force at this employer" (cash withholding, health coverage or both).
IN_FORCE_KINDS = ("ORG", "AMD", "NMS")


class IwoDelivery(models.TextChoices):
    PAPER = "paper", "Paper (PDF, mailed)"
    EIWO = "eiwo", "e-IWO batch"


class IwoAckStatus(models.TextChoices):
    """What the employer answered (e-IWO acknowledgment record, Disposition Status Code)."""

    NONE = "", "Awaiting acknowledgment"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    NOT_EMPLOYED = "not_employed", "Employee no longer employed"
    LUMP_SUM = "lump_sum", "Lump sum notice"


class PartnerFileDirection(models.TextChoices):
    INBOUND = "in", "Received from a partner"
    OUTBOUND = "out", "Sent to a partner"


class PartnerFileStatus(models.TextChoices):
    RECEIVED = "received", "Received (waiting to be imported)"
    PROCESSING = "processing", "Importing"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused (nothing recorded)"
    REPLAY = "replay", "Already imported (nothing changed)"
    READY = "ready", "Ready (waiting for the state office to fetch it)"
    SENT = "sent", "Sent"


PARTNER_FILE_IN_PROGRESS = (PartnerFileStatus.RECEIVED, PartnerFileStatus.PROCESSING)


class PartnerRoute(models.TextChoices):
    """Where a file kind goes (``CASEWORKS_PARTNER_ROUTES``): the partner itself, or the state office."""

    DIRECT = "direct", "Direct with the partner"
    STATE = "state", "Through the state office"


class OffsetCaseType(models.TextChoices):
    """Federal Offset Program case type (Chart E-1): the arrears certified per NCP and type."""

    TANF = "A", "TANF (assigned arrears)"
    NON_TANF = "N", "Non-TANF (owed to the family)"


class OffsetTransaction(models.TextChoices):
    ADD = "A", "Add"
    MODIFY = "M", "Modify arrearage"
    DELETE = "D", "Delete"
    # FOP release 07-01: "A new Exclusion Indicator submitted on an 'A' (Add) or 'R' (Replace
    # Exclusion Indicator) transaction"; an 'M' changes the arrearage only.
    REPLACE_EXCLUSIONS = "R", "Replace exclusion indicators"


class OffsetCollectionStatus(models.TextChoices):
    POSTED = "posted", "Posted (distributed by the offset rules)"
    HELD = "held", "Held (joint return: injured spouse claim possible)"
    RELEASED = "released", "Released after the joint-return hold"
    UNMATCHED = "unmatched", "Held: no case for the SSN"
    ADJUSTMENT = "adjustment", "Adjustment (to be recovered)"
    # A held one (joint return, or no case for the SSN) whose collection was reversed before release
    # (``cases.services.collection_reverse``): never distributed, never to be released.
    REVERSED = "reversed", "Reversed while held"

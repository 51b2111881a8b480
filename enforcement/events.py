"""The domain events the enforcement app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class EnforcementEvent(models.TextChoices):
    BANK_STATEMENT_IMPORTED = "bank.statement_imported", "Bank statement imported"
    COURT_HEARING_RECORDED = "court.hearing_recorded", "Court hearing recorded"
    COURT_HEARING_SCHEDULED = "court.hearing_scheduled", "Court hearing scheduled"
    COURT_PETITION_DECIDED = "court.petition_decided", "Court petition decided"
    COURT_PETITION_OPENED = "court.petition_opened", "Court petition opened"
    COURT_PETITION_UPDATED = "court.petition_updated", "Court petition updated"
    CRIMINAL_NON_SUPPORT_REFERRAL = "criminal.non_support_referral", "Criminal non-support referral"
    CRIMINAL_REFERRAL_UPDATED = "criminal.referral_updated", "Criminal referral updated"
    DISBURSEMENT_FILE_EXPORTED = "disbursement.file_exported", "Disbursement file exported"
    DISBURSEMENT_RETURNED = "disbursement.returned", "Disbursement returned"
    DISBURSEMENT_SENT = "disbursement.sent", "Disbursement sent"
    ENFORCEMENT_ACTION_ACTIVATED = "enforcement.action_activated", "Enforcement action activated"
    ENFORCEMENT_ACTION_CLOSED = "enforcement.action_closed", "Enforcement action closed"
    ENFORCEMENT_ACTION_CONTEST_WINDOW_OPENED = "enforcement.action_contest_window_opened", "Enforcement action contest window opened"
    ENFORCEMENT_ACTION_CONTESTED = "enforcement.action_contested", "Enforcement action contested"
    ENFORCEMENT_ACTION_PROPOSED = "enforcement.action_proposed", "Enforcement action proposed"
    ENFORCEMENT_ACTION_RELEASED = "enforcement.action_released", "Enforcement action released"
    ENFORCEMENT_CONTEST_DECIDED = "enforcement.contest_decided", "Enforcement contest decided"
    ENFORCEMENT_NOTICE_ISSUED = "enforcement.notice_issued", "Enforcement notice issued"
    ENFORCEMENT_RULE_REVISED = "enforcement.rule_revised", "Enforcement rule revised"
    NACHA_RETURN_FILE_IMPORTED = "nacha.return_file_imported", "NACHA return file imported"
    PAYEE_BANK_DETAILS_CORRECTED = "payee.bank_details_corrected", "Payee bank details corrected"
    PAYMENT_FILE_DUPLICATE = "payment.file_duplicate", "Payment file duplicate"
    PAYMENT_FILE_FAILED = "payment.file_failed", "Payment file failed"
    PAYMENT_FILE_IMPORTED = "payment.file_imported", "Payment file imported"
    PAYMENT_FILE_REJECTED = "payment.file_rejected", "Payment file rejected"
    RECONCILIATION_EXCEPTION_NOTED = "reconciliation.exception_noted", "Reconciliation exception noted"
    RECONCILIATION_EXCEPTION_RESOLVED = "reconciliation.exception_resolved", "Reconciliation exception resolved"
    SWEEP_RUN_RESUMED = "sweep.run_resumed", "Sweep run resumed"

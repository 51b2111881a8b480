"""Complaints to the ombudsperson (California Family Code 17800; 22 CCR 120100).

A complaint is tracked from receipt to a written resolution: investigator (never the case's
caseworker), due date (received + 30 days rolled to a business day), one extension, the
communications log, referrals elsewhere, and the resolution notice stating the state hearing right.
"""

from __future__ import annotations

import functools
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils.crypto import get_random_string

from core.history import HistoricalRecords
from core.mail import EmailStatus
from core.models import RestrictedQuerySet, ScheduledRun, is_partner, partner_agency_reference, staff_reference

from .choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    CommChannel,
    ComplaintStatus,
    Direction,
    Outcome,
    Party,
    ReferralStatus,
    ReferralTarget,
    ReminderKind,
)

VIEW_ALL = "complaints.view_all_complaints"


class ComplaintQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    secret_hash = models.CharField(
        max_length=128,
        blank=True,
        editable=False,
        help_text="Hash of the status-page secret given to a web complainant.",
    )
    form_token_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the public form's one-time token that filed it: the same form sent again "
        "files nothing (complaints.secrets).",
    )
    # The secret itself, set by ``complaint_file`` on the instance it returns, for the
    # confirmation page only: never stored (only its hash is).
    raw_secret: str
    # How ``complaint_resolve`` sent the written resolution ("email", "mail", or "" when there was
    # nowhere to send it), on the instance it returns, for the confirmation message.
    letter_channel: str
    channel = models.CharField(max_length=10, choices=Channel.choices)
    jurisdiction = models.CharField(max_length=2, default="NY")
    # Complainant: a case party (person) or anyone else.
    complainant_name = models.CharField(max_length=200)
    complainant_person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    # The language the complainant asked for on this complaint, as typed; blank: none was given
    # (letters follow the person's record, else the office's default: ``documents.complaint_language``).
    preferred_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    accommodation_needs = models.CharField(max_length=500, blank=True)
    # The case: optional; an unknown case number is kept as received and flagged.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    case_number_received = models.CharField(max_length=40, blank=True)
    unknown_case = models.BooleanField(default=False, db_index=True)
    category = models.CharField(max_length=30, choices=Category.choices, db_index=True)
    description = models.TextField(max_length=10000)
    received_on = models.DateField(db_index=True)
    known_on = models.DateField(null=True, blank=True)
    past_known_limit = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Made more than 90 days after the person knew (Fam. Code 17800): flagged, never refused.",
    )
    status = models.CharField(
        max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN, db_index=True
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_investigating",
    )
    due_on = models.DateField(db_index=True)
    original_due_on = models.DateField()
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = staff_reference()
    extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    extension_reason = models.CharField(max_length=1000, blank=True)
    resolved_on = models.DateField(null=True, blank=True, db_index=True)
    resolution_sent_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the written resolution went out (the day it was recorded): the notice's date, "
        "from which its receipt and the hearing deadline are counted (Fam. Code 17801).",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, db_index=True)
    resolution_explanation = models.TextField(max_length=10000, blank=True)
    hearing_deadline = models.DateField(
        null=True, blank=True, help_text="Stated on the resolution notice (Fam. Code 17801)."
    )
    resolved_by = staff_reference()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_filed"
    )
    filed_by_agency = partner_agency_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["secret_hash", "form_token_hash"])

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        permissions = [
            ("view_all_complaints", "Can see every complaint (not only those filed or investigated)"),
            ("assign_complaint", "Can assign a complaint's investigator"),
            ("resolve_complaint", "Can resolve a complaint"),
            ("extend_complaint", "Can extend a complaint's due date once"),
            ("view_complaint_report", "Can see the complaints report"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="complaint_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="complaint_due_after_received"
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_on__isnull=False) | ~Q(status="resolved"),
                name="complaint_resolved_has_date",
            ),
            models.CheckConstraint(condition=~Q(contact_email="", contact_phone=""), name="complaint_has_contact"),
            # One complaint per showing of the public form (services.complaint_file_public).
            models.UniqueConstraint(
                fields=["form_token_hash"], condition=~Q(form_token_hash=""), name="complaint_form_token_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if is_partner(user):  # a partner key: the complaints its agency filed
            agency = getattr(user, "agency", None)
            return Q(filed_by_agency=agency) if agency is not None else Q(pk__in=[])
        if user.has_perm(VIEW_ALL):
            return None
        return Q(filed_by=user) | Q(investigator=user)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def was_extended(self) -> bool:
        return self.extended_at is not None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def days_to_resolve(self) -> int | None:
        return (self.resolved_on - self.received_on).days if self.resolved_on else None

    def secret_matches(self, raw: str) -> bool:
        """The secret as typed, or as read aloud: case and dashes/spaces do not matter for the grouped
        secrets (``complaints.secrets``); older ``token_urlsafe`` secrets still match exactly as given.

        A complaint with no secret (filed by staff or a partner; or an unsaved ``Complaint()`` standing
        for a number that does not exist) checks the code against a throwaway hash all the same and
        answers False: the status page then takes as long for any number, so its timing does not tell
        which confirmation numbers exist (Django's ``ModelBackend`` does the same for unknown users)."""
        if not raw:
            return False
        from .secrets import normalise_secret

        stored = self.secret_hash or _throwaway_secret_hash()
        normalised = normalise_secret(raw)
        matched = bool(normalised) and check_password(normalised, stored)
        if not matched and normalised != raw:
            matched = check_password(raw, stored)
        return matched and bool(self.secret_hash)


@functools.cache
def _throwaway_secret_hash() -> str:
    """A hash of a random secret no one holds, made once per process with the current hasher."""
    return make_password(get_random_string(32))


class Communication(models.Model):
    """One exchange with a party about the complaint (the communications log)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="communications")
    occurred_on = models.DateField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    party = models.CharField(max_length=12, choices=Party.choices)
    party_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=CommChannel.choices)
    summary = models.TextField(max_length=5000)
    recorded_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.occurred_on} {self.get_party_display()}"


class Referral(models.Model):
    """A complaint (or part of it) sent to another unit, agency or county, tracked to its answer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="referrals")
    target_kind = models.CharField(max_length=10, choices=ReferralTarget.choices)
    target_name = models.CharField(max_length=200)
    reason = models.CharField(max_length=1000)
    created_on = models.DateField()
    forward_by = models.DateField(help_text="Complaint received + 5 business days (22 CCR 120104(a)(1)).")
    forwarded_on = models.DateField(null=True, blank=True)
    forwarded_late = models.BooleanField(default=False)
    answered_on = models.DateField(null=True, blank=True)
    answer_summary = models.TextField(max_length=5000, blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING, db_index=True
    )
    created_by = staff_reference()
    history = HistoricalRecords()

    class Meta:
        ordering = ["forward_by", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} → {self.target_name}"


class Notice(models.Model):
    """An in-app notice for one staff member (reminders). ``dedupe_key`` makes reminders idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complaint_notices")
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    # Its e-mail (core.mail): pending → sending (claimed, with the time) → sent, or failed when the
    # relay refuses the address for good; later runs send what is still pending.
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.message


class ReminderRun(ScheduledRun):
    """One run of the daily reminder sweep (started, finished, counts, errors)."""

    run_on = models.DateField()
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)
    emails_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Reminders {self.run_on}"

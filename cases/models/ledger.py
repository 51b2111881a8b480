"""The financial ledger: append-only entries, collections, allocations, disbursements and the
per-case balance kept current by the ledger services (cases.services ledger part).

Sign convention of ``LedgerEntry.amount`` (what the NCP owes): charges and upward adjustments are
positive; allocations of collections and downward adjustments are negative; a reversal carries
the opposite sign of the entry it reverses, and its kind and due date (so a reversed charge is
found, and netted, by the charge's own columns: quality line 24). ``collection`` and ``disbursement`` entries record
money movement (positive) and do not change what is owed.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.db import models
from django.db.models.functions import Coalesce, Upper

from core.models import AuditedModel, RestrictedQuerySet, staff_reference

from ..choices import (
    AssistanceStatus,
    Bucket,
    CollectionSource,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    LedgerRunKind,
    ObligationKind,
    OverpaymentPolicy,
    Payee,
    ReceivedVia,
)
from .cases import Case
from .orders import Obligation
from .people import Employer
from .scope import CaseScoped, case_scope_q

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
# The start of a reversal entry's description; the reason follows.
REVERSAL_PREFIX = "Reversal: "
# The start of the reason of a redistribution's reversals (``case_redistribute``: a payment's
# allocations reversed and written anew). Text for people only: what tells them from a payment
# reversed (``collection_reverse``: a returned cheque) is the reversal of its collection entry,
# which only ``collection_reverse`` writes (cases.ledger.statement).
REDISTRIBUTED_REASON = "redistributed by month of collection"


class Collection(AuditedModel):
    """Money received, recorded once per sender and source reference; held with a reason when it
    cannot be identified or distributed (never dropped).

    A receipt's identity is who sent it (``agency``: the partner whose API key posted it; none for
    the office's own channels — the desk, payment and partner files, generated history) and its
    reference compared without regard to letter case (``reference_key``). Two partners may send
    the same reference (payroll systems build it from the case number and the pay date): they are
    two receipts. A file's reference names its employer itself (``enforcement`` builds it from the
    company id)."""

    # A collection posted again under its source reference: its live allocations, set by the
    # ledger's replay read (cases.services.ledger) for the result it returns; never stored.
    replayed_allocations: list[Allocation]

    source_reference = models.CharField(max_length=64)  # as the sender typed it (shown, searched)
    # The reference as the identity compares it (``reference_key_of``: casefolded, which may
    # lengthen a reference up to three times). Null only on a receipt posted before references
    # were compared without regard to case that repeats an earlier one in another case
    # (cases migration 0034): the earlier one answers for the reference.
    reference_key = models.CharField(max_length=192, null=True, blank=True, editable=False)
    agency = models.ForeignKey(
        "accounts.PartnerAgency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collections",
        db_index=False,  # rows found by reference_key first (the identity's index)
        help_text="The partner whose API key posted it; empty for the desk, files and generated history.",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="collections", db_index=False
    )  # (case, received_on) serves it
    case_number_received = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(**MONEY)
    received_on = models.DateField(db_index=True)
    # The date of collection (45 CFR 302.51(a)(1)): the day the employer withheld it (the DED pay
    # date), the day the agency received it, or the day another state received it — apart from
    # the day it is posted. It decides the month whose current support the collection pays.
    collected_on = models.DateField(help_text="Date of collection (45 CFR 302.51(a)(1)); decides the month it pays.")
    source = models.CharField(max_length=30, choices=CollectionSource.choices)
    status = models.CharField(max_length=10, choices=CollectionStatus.choices, default=CollectionStatus.POSTED)
    hold_reason = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # The office policy (CASEWORKS_OVERPAYMENT_POLICY) that decided what happened to more than was
    # owed: blank when nothing was left over.
    overpayment_policy = models.CharField(max_length=10, choices=OverpaymentPolicy.choices, blank=True)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="collections")
    posted_at = models.DateTimeField(auto_now_add=True)
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices, default=ReceivedVia.API)
    batch_reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = staff_reference(db_index=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="collection_amount_positive"),
            # One receipt per sender and reference (the office's own channels are one sender). The
            # reference leads: the desk looks a reference up across every sender.
            models.UniqueConstraint(
                "reference_key",
                Coalesce("agency", models.Value(0), output_field=models.BigIntegerField()),
                name="collection_sender_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "received_on"]),
            models.Index(fields=["status", "received_on"]),
            models.Index(
                fields=["created_by"],
                condition=models.Q(created_by__isnull=False),
                name="collection_created_by_set_idx",
            ),
            # The search box finds a payment by its reference in any case: by ``reference_key``
            # (the unique constraint's index leads with it), and a receipt 0034 left unkeyed (a
            # repeat of one sender's reference in another case) by its text, in this small index.
            models.Index(
                Upper("source_reference"),
                condition=models.Q(reference_key__isnull=True),
                name="collection_unkeyed_ref_idx",
            ),
            models.Index(Upper("batch_reference"), name="collection_batch_upper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_reference} {self.amount}"

    def save(self, *args, **kwargs):
        if self.collected_on is None:  # the received date when nothing earlier is known
            self.collected_on = self.received_on
        if self._state.adding and self.reference_key is None:
            self.reference_key = self.reference_key_of(self.source_reference)
        super().save(*args, **kwargs)

    @staticmethod
    def reference_key_of(reference: str) -> str:
        """A reference as a receipt's identity compares it: "ded-1", "DED-1" and "Ded-1" are one
        reference (casefold, Unicode's caseless matching; the payment search ignores case too)."""
        return reference.strip().casefold()

    @classmethod
    def office_receipts_q(cls, references: list[str]) -> models.Q:
        """The office's own receipts (files, the desk: no partner agency) of these references, found
        as the identity compares them, through its index."""
        return models.Q(reference_key__in=[cls.reference_key_of(r) for r in references], agency__isnull=True)

    @classmethod
    def scope_filter(cls, user, action: str):
        q = case_scope_q(user, "case__", action)
        return q


class LedgerEntry(CaseScoped, models.Model):
    """Append-only; a correction is a reversing entry (``reverses``)."""

    # The ledger is the largest table and every accrual, posting and roll appends to it: each
    # index costs every insert. (case, posted_on) serves the case's lookups; the other foreign
    # keys are indexed only where set (partial indexes below), and an obligation's entries are
    # found through the one-entry-per-due-date constraint, whose first column it is.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ledger_entries", db_index=False)
    entry_type = models.CharField(max_length=15, choices=EntryType.choices)
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    obligation_kind = models.CharField(max_length=20, choices=ObligationKind.choices, blank=True)
    bucket = models.CharField(max_length=20, choices=Bucket.choices, blank=True)
    amount = models.DecimalField(**MONEY)
    due_on = models.DateField(null=True, blank=True)
    posted_on = models.DateField()
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", db_index=False
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # No field history (issue 18.5): the ledger is its own history. Entries are never updated or
    # deleted (a PostgreSQL trigger refuses it, core.db.ledger_writer); a correction is a reversing
    # entry (``reverses``). See docs/ledger.md, "Audit".
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_on", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # Accrual is idempotent: one charge per obligation and due date (and one reversal of
            # it). Only rows with an obligation are indexed; it is the obligation's index too.
            models.UniqueConstraint(
                fields=["obligation", "due_on", "entry_type"],
                condition=models.Q(obligation__isnull=False),
                name="ledger_one_entry_per_obligation_due_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(entry_type="charge")
                | (models.Q(obligation__isnull=False) & models.Q(due_on__isnull=False)),
                name="ledger_charge_has_obligation_and_due_date",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "posted_on"]),
            models.Index(
                fields=["collection"], condition=models.Q(collection__isnull=False), name="ledger_collection_set_idx"
            ),
            models.Index(
                fields=["reverses"], condition=models.Q(reverses__isnull=False), name="ledger_reverses_set_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.entry_type} {self.amount}"

    def reversal(self, *, bucket: str, on: date, reason: str) -> LedgerEntry:
        """The unsaved entry that reverses this one on ``on``: the opposite amount in ``bucket`` (the
        entry's own, or the arrears a closed month turned it into), of the same collection, kind and
        due date. The ledger is append-only: a correction is never an UPDATE."""
        return LedgerEntry(
            case_id=self.case_id,
            entry_type=EntryType.REVERSAL,
            bucket=bucket,
            amount=-self.amount,
            posted_on=on,
            collection_id=self.collection_id,
            reverses=self,
            obligation_kind=self.obligation_kind,
            due_on=self.due_on,
            description=f"{REVERSAL_PREFIX}{reason}"[:200],
        )

    @property
    def reversal_reason(self) -> str:
        """Why a reversal entry was written (the ``reason`` given to ``reversal``)."""
        return self.description.removeprefix(REVERSAL_PREFIX)


class Allocation(CaseScoped, models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="allocations")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="allocations", db_index=False
    )  # (case, allocated_on) serves it
    obligation_kind = models.CharField(max_length=20, choices=ObligationKind.choices, blank=True)
    # blank: the remainder paid to the family once every bucket is paid (42 USC 657(a)).
    bucket = models.CharField(max_length=20, choices=Bucket.choices, blank=True)
    payee = models.CharField(max_length=10, choices=Payee.choices)
    amount = models.DecimalField(**MONEY)
    allocated_on = models.DateField()
    # Set when the collection is redistributed (a collection of an earlier month posted later) or
    # reversed: the allocation no longer stands; its ledger entries were reversed that day.
    reversed_on = models.DateField(null=True, blank=True)

    # No field history (18.5): allocations are written in bulk (core.db.rows_insert, no signals)
    # and the one change, ``reversed_on``, comes with reversing ledger entries and a domain event.
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["collection", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive")]
        indexes = [models.Index(fields=["case", "allocated_on"])]

    def __str__(self) -> str:
        return f"{self.collection} → {self.bucket} {self.amount}"


class Disbursement(CaseScoped, AuditedModel):
    """Payment out to the family (or retained by the state); due within 2 business days of
    receipt (42 USC 654b(c); 45 CFR 302.32(b))."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="disbursements", db_index=False
    )  # (case, received_on) serves it
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="disbursements")
    payee = models.CharField(max_length=10, choices=Payee.choices, default=Payee.FAMILY)
    amount = models.DecimalField(**MONEY)
    received_on = models.DateField()
    due_by = models.DateField()  # (status, due_by) serves the late and due lists
    disbursed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=DisbursementStatus.choices, default=DisbursementStatus.PENDING)
    is_late = models.BooleanField(default=False)
    export_batch = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_amount_positive")]
        indexes = [
            models.Index(fields=["status", "due_by"]),
            models.Index(fields=["case", "received_on"]),
            models.Index(
                fields=["export_batch"], condition=~models.Q(export_batch=""), name="disbursement_batch_set_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.payee} {self.amount}"


class CaseBalance(CaseScoped, models.Model):
    """One row per case, kept current by the ledger services as entries post — never recomputed
    from history on a page. ``manage.py verify_ledger`` checks it against the entries."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="balance")
    monthly_obligation = models.DecimalField(**MONEY, default=0)
    current_due_month = models.DecimalField(**MONEY, default=0)
    current_paid_month = models.DecimalField(**MONEY, default=0)
    unassigned_arrears = models.DecimalField(**MONEY, default=0)
    assigned_arrears = models.DecimalField(**MONEY, default=0)
    total_arrears = models.DecimalField(**MONEY, default=0, db_index=True)
    last_payment_on = models.DateField(null=True, blank=True)
    last_payment_amount = models.DecimalField(**MONEY, null=True, blank=True)
    delinquent_since = models.DateField(
        null=True, blank=True, help_text="Date arrears first reached one month of support (45 CFR 303.6(b))."
    )
    months_in_arrears = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    current_month = models.DateField(
        null=True, blank=True, help_text="First day of the month current_due_month/current_paid_month refer to."
    )
    last_collected_on = models.DateField(
        null=True, blank=True, help_text="Latest date of collection distributed (an earlier one redistributes)."
    )
    unreimbursed_assistance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="URA: assistance paid to the family not yet repaid by retained support (42 USC 657(a)(1)); "
        "blank until the assistance paid is recorded.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # No field history (18.5): a balance is derived from the ledger, written back in bulk
    # (``UPDATE … FROM``, which no signal sees); ``verify_ledger`` recomputes it from the entries.
    objects = RestrictedQuerySet.as_manager()

    # The amounts a balance holds, in the order declared: what the API shows first, and the first
    # figures of a generated balance row (cases.generate.BALANCE_FIELDS: its tuples follow it).
    AMOUNT_FIELDS: ClassVar[tuple[str, ...]] = (
        "monthly_obligation",
        "current_due_month",
        "current_paid_month",
        "unassigned_arrears",
        "assigned_arrears",
        "total_arrears",
    )

    class Meta:
        verbose_name = "case balance"

    def __str__(self) -> str:
        return f"{self.case_id} arrears {self.total_arrears}"


class LedgerRun(models.Model):
    """One run of a scheduled ledger job (accrual, disbursement sweep, backfill): when, what it
    covered, what it did, and the error if it failed."""

    kind = models.CharField(max_length=20, choices=LedgerRunKind.choices)
    run_on = models.DateField(help_text="The date the run covered (accrued through / disbursed on).")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    chunk_count = models.PositiveIntegerField(default=0, help_text="Case-id ranges the run was split into (0: one).")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.run_on}"

    @property
    def chunks_done(self) -> int:
        """Ranges of a fanned-out run that have ended, accrued (``counts.ranges``) or failed."""
        return len(self.counts.get("ranges", [])) + len(self.counts.get("failed", []))


class AssistanceSpell(AuditedModel):
    """A dated period of the family's assistance status (42 USC 608(a)(3)): support due for a
    month in which assistance was paid is assigned. Changed only through
    ``cases.services.case_assistance_change`` (it closes the open spell and opens the next)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assistance_spells")
    status = models.CharField(max_length=10, choices=AssistanceStatus.choices)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True, help_text="Last day of the spell; blank while it is open.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = staff_reference(db_index=False)

    class Meta:
        ordering = ["case", "start_on"]
        indexes = [models.Index(fields=["case", "start_on"], name="assistance_spell_case_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(end_on__isnull=True), name="assistance_one_open_spell_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="assistance_spell_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} {self.start_on}–{self.end_on or ''}"

    @classmethod
    def scope_filter(cls, user, action: str):
        return case_scope_q(user, "case__", action)

"""Federal tax refund offset and passport denial (issue 16.3): what the office certified to the
Federal Offset Program, and the offset collections it sent back.

FTI (IRS Publication 1075): an offset collection's source and details are federal tax
information: these rows are shown only to FTI-cleared staff (``cases.access.can_view_fti``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cases.choices import CollectionSource
from cases.models.scope import CaseScoped
from core.fields import EncryptedCharField, Undecryptable, blind_index
from core.history import HistoricalRecords
from core.models import AuditedModel, RestrictedQuerySet

from ..choices import OffsetCaseType, OffsetCollectionStatus, OffsetTransaction
from .partner_files import PartnerFile

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class OffsetCertification(CaseScoped, models.Model):
    """One transaction sent to the Federal Offset Program for an NCP, case type and SSN, kept for
    ever with its date ("every certified amount kept with its date"); ``current`` marks the latest
    of the three, which the next certification compares against (only changes are sent).

    FOP keys a debtor by SSN and case type: the SSN sent is kept (encrypted at rest, 45 CFR 303.21,
    with a blind index as ``cases.Person`` keeps its own), so that once the person's SSN is
    corrected or removed the next certification deletes the certification under the SSN sent."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="offset_certifications")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="offset_certifications",
        help_text="The case whose number was sent as the Case ID.",
    )
    case_type = models.CharField(max_length=1, choices=OffsetCaseType.choices)
    transaction = models.CharField(max_length=1, choices=OffsetTransaction.choices)
    amount = models.DecimalField(**MONEY, help_text="Certified past-due support, whole dollars (0 when deleted).")
    certified_on = models.DateField()
    exclusions = models.CharField(max_length=40, blank=True, help_text="Exclusion indicators sent, e.g. PAS.")
    passport = models.BooleanField(default=False, help_text="Certified for passport denial (no PAS exclusion).")
    partner_file = models.ForeignKey(PartnerFile, on_delete=models.PROTECT, related_name="offset_certifications")
    ssn = EncryptedCharField(blank=True, help_text="The SSN sent (encrypted).")
    ssn_index = models.CharField(max_length=32, blank=True, editable=False)
    current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # AuditedModel's, less the SSN (its blind index stays in the field history, as a person's does).
    history = HistoricalRecords(excluded_fields=["ssn"])
    objects = RestrictedQuerySet.as_manager()
    # Blind-index column -> the encrypted field it indexes (recomputed by manage.py rotate_field_keys).
    blind_indexes = {"ssn_index": "ssn"}

    class Meta:
        ordering = ["-certified_on", "-id"]
        constraints = [
            # One state per debtor record at FOP (SSN and case type), for each person: a person
            # whose SSN changed has the delete under the old one current beside the add under the
            # new one.
            models.UniqueConstraint(
                fields=["person", "case_type", "ssn_index"],
                condition=Q(current=True),
                name="enf_offsetcert_one_current",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="enf_offsetcert_amount_nonneg"),
        ]
        indexes = [models.Index(fields=["case", "certified_on"])]

    def __str__(self) -> str:
        return f"{self.get_transaction_display()} {self.get_case_type_display()} {self.amount} on {self.certified_on}"

    def save(self, *args, **kwargs) -> None:
        if not isinstance(self.ssn, Undecryptable):  # an unreadable SSN keeps its stored index
            self.ssn_index = blind_index(self.ssn) if self.ssn else ""
        super().save(*args, **kwargs)


class OffsetCollection(CaseScoped, AuditedModel):
    """One record of an offset collection file: what became of it (posted, held for a joint
    return, unmatched, adjustment)."""

    partner_file = models.ForeignKey(PartnerFile, on_delete=models.PROTECT, related_name="offset_collections")
    line = models.PositiveIntegerField()
    person = models.ForeignKey("cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="offset_collections"
    )
    case_type = models.CharField(max_length=1, choices=OffsetCaseType.choices)
    transaction = models.CharField(max_length=1, choices=[("C", "Collection"), ("A", "Adjustment")])
    amount = models.DecimalField(**MONEY)
    offset_date = models.DateField()
    tax_year = models.CharField(max_length=4, blank=True)
    joint_return = models.BooleanField(default=False)
    injured_spouse = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=OffsetCollectionStatus.choices)
    held_until = models.DateField(
        null=True, blank=True, help_text="Joint return: released on this day (45 CFR 303.72(h))."
    )
    collection = models.OneToOneField(
        "cases.Collection", null=True, blank=True, on_delete=models.PROTECT, related_name="offset_record"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-offset_date", "-id"]
        indexes = [models.Index(fields=["status", "held_until"])]

    def __str__(self) -> str:
        return f"Offset {self.amount} on {self.offset_date} ({self.get_status_display()})"

    @property
    def source(self) -> str:
        """The source of the money, as a collection's: a federal tax refund offset, whatever became
        of the record. The FTI rule (``cases.access``) reads it: shown only when cleared, each
        display logged (``fti_reads_record``)."""
        return CollectionSource.FEDERAL_TAX_OFFSET

"""Employer payment files (NACHA CCD+ with DED addenda), family disbursement files (NACHA PPD)
and the bank accounts payees are paid into."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.fields import EncryptedCharField
from core.history import HistoricalRecords
from core.models import OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import FileVia, PayeeAccountType, PaymentFileStatus
from .received import ReceivedFile, imported_once

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class PaymentFile(ReceivedFile):
    """One received employer payment file and its import report.

    Every upload is a row (audit of who sent what); a file seen before is answered as ``duplicate``
    and posts nothing, unless the earlier imports were a county key's and did not reach all this
    one reaches (``reach``): at most one whole-office row per content hash is ``imported``.
    """

    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(help_text="The file exactly as received.")
    reference = models.CharField(
        max_length=32, db_index=True, help_text="Batch reference given to its collections (bank reconciliation)."
    )
    status = models.CharField(
        max_length=12, choices=PaymentFileStatus.choices, default=PaymentFileStatus.PENDING, db_index=True
    )
    via = models.CharField(max_length=10, choices=FileVia.choices)
    uploaded_by = staff_reference()
    uploaded_by_label = models.CharField(max_length=200, blank=True, help_text="Partner agency or command.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    employer_name = models.CharField(max_length=100, blank=True)
    file_created_on = models.DateField(null=True, blank=True)
    entries = models.PositiveIntegerField(default=0)
    posted = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(**MONEY, default=0)
    report = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    reach = models.JSONField(
        null=True,
        blank=True,
        help_text="Counties whose cases the file may touch (the sending key's); null: the whole office.",
    )

    history = HistoricalRecords(excluded_fields=["content"])

    class Meta(ReceivedFile.Meta):
        constraints = [imported_once("enf_paymentfile_imported_once", per_reach=True)]
        indexes = [models.Index(fields=["status", "created_at"])]

    @property
    def progress_percent(self) -> int:
        if self.status not in {PaymentFileStatus.PENDING, PaymentFileStatus.PROCESSING}:
            return 100
        from django.core.cache import cache

        done, total = cache.get(f"payment_file:{self.pk}:progress", (0, 0))
        return int(100 * done / total) if total else 0


class DisbursementExport(OfficeWide, models.Model):
    """A NACHA PPD credit file of family disbursements sent to the bank (one per export run)."""

    reference = models.CharField(max_length=32, unique=True)
    export_date = models.DateField(db_index=True)
    file_name = models.CharField(max_length=100)
    content = models.TextField()
    entry_count = models.PositiveIntegerField(default=0)
    total_credit = models.DecimalField(**MONEY, default=0)
    entry_hash = models.BigIntegerField(default=0)
    created_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    report = models.JSONField(default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-export_date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(total_credit__gte=0), name="enf_dx_total_nonneg")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.entry_count} entries, {self.total_credit})"


class PayeeAccount(OfficeWide, models.Model):
    """A payee's direct-deposit account (bank data: encrypted, 45 CFR 303.21)."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="payee_accounts")
    routing_number = models.CharField(max_length=9)
    account_number = EncryptedCharField()
    account_type = models.CharField(max_length=10, choices=PayeeAccountType.choices, default=PayeeAccountType.CHECKING)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["account_number"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(active=True), name="enf_payee_one_active"),
        ]

    def __str__(self) -> str:
        return f"Account of person {self.person_id} ({self.get_account_type_display()})"

"""Bank reconciliation: the office's bank accounts, imported BAI2 statements, their transactions
(each matched to a book item or not) and the exceptions queue."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.history import HistoricalRecords
from core.models import AuditedModel, OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import (
    BankAccountPurpose,
    BookKind,
    ExceptionKind,
    ExceptionStatus,
    FileVia,
    MatchStatus,
    StatementStatus,
)
from .received import ReceivedFile, imported_once

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class BankAccount(OfficeWide, AuditedModel):
    """An account of the office at its bank, configured by the office (statements for other
    accounts are reported and skipped)."""

    name = models.CharField(max_length=100)
    account_number = models.CharField(max_length=34, unique=True)
    routing_number = models.CharField(max_length=9, blank=True)
    purpose = models.CharField(max_length=15, choices=BankAccountPurpose.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.account_number[-4:]})"


class BankStatement(ReceivedFile):
    """One received BAI2 file. Only ``imported`` rows have transactions; one per content hash."""

    content = models.BinaryField(default=bytes, help_text="The file exactly as received.")
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING, db_index=True
    )
    via = models.CharField(max_length=10, choices=FileVia.choices)
    uploaded_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sender = models.CharField(max_length=60, blank=True)
    file_id = models.CharField(max_length=60, blank=True)
    as_of_date = models.DateField(null=True, blank=True, db_index=True)
    transactions_count = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    credits_total = models.DecimalField(**MONEY, default=0)
    debits_total = models.DecimalField(**MONEY, default=0)
    report = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords(excluded_fields=["content"])

    class Meta(ReceivedFile.Meta):
        constraints = [imported_once("enf_statement_imported_once")]


class BankTransaction(OfficeWide, models.Model):
    """A 16 record of an imported statement and what it was matched to."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="transactions")
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    fingerprint = models.CharField(
        max_length=64,
        unique=True,
        help_text="Account, date, type, amount, references and ordinal: "
        "the same item in a later statement is not stored twice.",
    )
    line = models.PositiveIntegerField()
    as_of_date = models.DateField()
    type_code = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=6)
    amount = models.DecimalField(**MONEY)
    bank_reference = models.CharField(max_length=64, blank=True)
    customer_reference = models.CharField(max_length=64, blank=True, db_index=True)
    text = models.CharField(max_length=500, blank=True)
    match_status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED)
    book_kind = models.CharField(max_length=20, choices=BookKind.choices, blank=True)
    book_reference = models.CharField(max_length=64, blank=True)
    book_amount = models.DecimalField(**MONEY, null=True, blank=True)
    match_rule = models.CharField(max_length=20, blank=True, help_text="reference or amount_date")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["as_of_date", "id"]
        constraints = [
            # a book item is matched by at most one bank item
            models.UniqueConstraint(
                fields=["book_kind", "book_reference"],
                condition=models.Q(match_status__in=["matched", "partial"]),
                name="enf_banktx_book_once",
            ),
        ]
        indexes = [
            models.Index(fields=["as_of_date", "direction"]),
            models.Index(fields=["match_status", "as_of_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.as_of_date} {self.direction} {self.amount} ({self.get_match_status_display()})"


class ReconciliationException(OfficeWide, AuditedModel):
    """An item the coordinator must resolve, with a reason (audited)."""

    transaction = models.OneToOneField(BankTransaction, on_delete=models.PROTECT, related_name="exception")
    kind = models.CharField(max_length=20, choices=ExceptionKind.choices)
    amount = models.DecimalField(**MONEY)
    difference = models.DecimalField(**MONEY, default=0)
    opened_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN)
    notes = models.TextField(blank=True, help_text="Working notes of the enforcement specialists.")
    resolution = models.TextField(blank=True)
    resolved_by = staff_reference()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_on", "id"]
        indexes = [models.Index(fields=["status", "opened_on"])]
        permissions = [("resolve_reconciliationexception", "Can resolve reconciliation exceptions")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} ({self.get_status_display()})"

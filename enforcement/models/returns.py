"""NACHA returns and notifications of change for the office's disbursement files.

Each entry of a disbursement file is recorded with its trace number so a return, which names the
original entry by its trace, finds its disbursement. A trace number is unique within its file
(NACHA); across files it repeats once the 7-digit sequence has wrapped after 9,999,999 entries,
so a return is matched by its trace, the file's date and the entry's amount and case number
(``enforcement.services.returns``).
"""

from __future__ import annotations

from django.db import models

from core.models import AuditedModel, OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import FileVia, ReturnFileStatus, ReturnKind, ReturnOutcome
from .received import ReceivedFile, imported_once


class DisbursementExportEntry(OfficeWide, models.Model):
    """One entry of a disbursement file: which disbursement went out under which trace number."""

    export = models.ForeignKey("enforcement.DisbursementExport", on_delete=models.PROTECT, related_name="entries")
    disbursement = models.ForeignKey("cases.Disbursement", on_delete=models.PROTECT, related_name="export_entries")
    payee_account = models.ForeignKey(
        "enforcement.PayeeAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when paid to the debit card program.",
    )
    trace_number = models.CharField(max_length=15)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["export", "trace_number"]
        verbose_name_plural = "disbursement export entries"
        constraints = [
            # Unique within a file (NACHA), not across files: the sequence wraps after 9,999,999.
            # Trace first: its index is also the returns' lookup by trace (the export's own
            # foreign-key index serves a file's entries).
            models.UniqueConstraint(fields=["trace_number", "export"], name="enf_trace_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"{self.trace_number} ({self.amount})"


class NachaReturnFile(ReceivedFile):
    """One received return/NOC file and its import report (at most one imported per content)."""

    content = models.BinaryField(help_text="The file exactly as received.")
    status = models.CharField(max_length=12, choices=ReturnFileStatus.choices)
    via = models.CharField(max_length=10, choices=FileVia.choices)
    uploaded_by = staff_reference()
    uploaded_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    returns = models.PositiveIntegerField(default=0)
    notifications = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta(ReceivedFile.Meta):
        constraints = [imported_once("enf_returnfile_imported_once")]


class DisbursementReturn(AuditedModel):
    """A disbursement the bank returned (R-code) or whose bank details it corrected (NOC)."""

    return_file = models.ForeignKey(NachaReturnFile, on_delete=models.PROTECT, related_name="items")
    export_entry = models.ForeignKey(DisbursementExportEntry, on_delete=models.PROTECT, related_name="returns")
    disbursement = models.ForeignKey("cases.Disbursement", on_delete=models.PROTECT, related_name="returns")
    kind = models.CharField(max_length=6, choices=ReturnKind.choices)
    code = models.CharField(max_length=3)
    reason = models.CharField(max_length=120)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    received_on = models.DateField()
    corrected_data = models.CharField(max_length=29, blank=True)
    information = models.CharField(max_length=44, blank=True)
    outcome = models.CharField(max_length=10, choices=ReturnOutcome.choices)
    work_item = models.ForeignKey("cases.WorkItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["export_entry"], condition=models.Q(kind="return"), name="enf_return_once_per_entry"
            ),
            models.UniqueConstraint(
                fields=["export_entry", "code", "corrected_data"],
                condition=models.Q(kind="noc"),
                name="enf_noc_once_per_change",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "received_on"])]

    def __str__(self) -> str:
        return f"{self.code} {self.reason} ({self.amount})"

    @classmethod
    def scope_filter(cls, user, action):
        from cases.models.scope import case_scope_q

        return case_scope_q(user, "disbursement__case__", action)

"""Support orders and their obligation lines. A modification is a new order version
(``supersedes`` the old one); past charges are never rewritten."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from core.models import AuditedModel, TimeStampedModel

from ..choices import Frequency, ObligationKind, OrderKind, OrderStatus
from .cases import Case
from .scope import CaseScoped, case_scope_q

# Average number of due dates per month, to express any frequency as a monthly amount.
MONTHLY_FACTOR: dict[str, Decimal] = {
    Frequency.WEEKLY: Decimal(52) / Decimal(12),
    Frequency.BIWEEKLY: Decimal(26) / Decimal(12),
    Frequency.SEMIMONTHLY: Decimal(2),
    Frequency.MONTHLY: Decimal(1),
}


class SupportOrder(CaseScoped, TimeStampedModel, AuditedModel):
    """A court or administrative order. Counts for OCSE-157 line 2 even when zero or medical-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders")
    order_number = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=OrderKind.choices, default=OrderKind.COURT)
    court_name = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField()
    effective_on = models.DateField()
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # The order directs the obligor to provide health care coverage for the children: the income
    # withholding order then goes with a National Medical Support Notice (45 CFR 303.32).
    health_coverage_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["-effective_on", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order_number", "version"], name="order_unique_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="order_version_positive"),
        ]
        indexes = [models.Index(fields=["status", "effective_on"]), models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.order_number} v{self.version}"


class Obligation(TimeStampedModel, AuditedModel):
    order = models.ForeignKey(SupportOrder, on_delete=models.PROTECT, related_name="obligations")
    kind = models.CharField(max_length=20, choices=ObligationKind.choices, default=ObligationKind.CURRENT_SUPPORT)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    accrued_through = models.DateField(null=True, blank=True, help_text="Last due date charged.")

    class Meta:
        ordering = ["order", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="obligation_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="obligation_ends_after_start",
            ),
        ]
        # No index on accrued_through: the accrual reads nearly every row (a scan), and an indexed
        # column it sets each month would make every one of those updates write every index.
        indexes = [models.Index(fields=["start_on", "end_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.get_frequency_display()}"

    @property
    def monthly_amount(self) -> Decimal:
        return (self.amount * MONTHLY_FACTOR[self.frequency]).quantize(Decimal("0.01"))

    @classmethod
    def scope_filter(cls, user, action: str):
        return case_scope_q(user, "order__case__", action)

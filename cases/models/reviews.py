"""Review and adjustment of support orders (45 CFR 303.8: every 3 years on request or automated)."""

from __future__ import annotations

from django.db import models

from core.models import AuditedModel, TimeStampedModel, staff_reference

from ..choices import ReviewOutcome, ReviewRequester, ReviewStatus
from .cases import Case
from .orders import SupportOrder
from .scope import CaseScoped


class OrderReview(CaseScoped, TimeStampedModel, AuditedModel):
    """One review of an order: current incomes → guideline amount → compared with the order →
    no change, an adjustment (a new order version) or a petition to court."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    order = models.ForeignKey(SupportOrder, on_delete=models.PROTECT, related_name="reviews")
    requested_on = models.DateField()
    requested_by = models.CharField(max_length=10, choices=ReviewRequester.choices, default=ReviewRequester.AGENCY)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    reviewer = staff_reference()
    guideline = models.CharField(max_length=2, help_text="NY (CSSA) or CA (Fam. Code 4055), from the case.")
    inputs = models.JSONField(default=dict, blank=True, help_text="The incomes and figures the calculation used.")
    worksheet = models.JSONField(default=dict, blank=True, help_text="The calculator's full result.")
    current_monthly = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    guideline_monthly = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    calculated_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    new_order = models.ForeignKey(SupportOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            # One open review per order at a time.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="open"), name="review_one_open_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(outcome=""), name="review_completed_has_outcome"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_on"])]

    def __str__(self) -> str:
        return f"Review of {self.order} ({self.get_status_display()})"

    @property
    def difference(self):
        if self.guideline_monthly is None or self.current_monthly is None:
            return None
        return self.guideline_monthly - self.current_monthly

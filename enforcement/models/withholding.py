"""Income withholding orders (the federal IWO form, OMB 0970-0154) issued to employers.

One row per document sent: an original (ORG) when an income withholding action becomes active for
an NCP with a known employer, an amended one (AMD) on every order change, a termination (TRM) when
the action ends, a one-time lump sum order (LUM) on request; and the National Medical Support Notice
sent alone (NMS) when the order requires health care coverage but nothing is withheld in cash, and
its termination (NMT) when there is no longer a current order for medical support (45 CFR
303.32(c)). One chain per job, whatever the kind: each document supersedes the one before it, so
"what is in force at this employer" is one rule (``IN_FORCE_KINDS``, not ended). The figures, the employer's and the
parties' names are frozen on the row when it is issued, so the PDF and the e-IWO record rebuilt
from it later are the document that was sent (``enforcement.iwo``), whatever changes afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cases.choices import Frequency
from cases.models.scope import CaseScoped
from core.models import AuditedModel, OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import IN_FORCE_KINDS, IwoAckStatus, IwoDelivery, IwoKind
from .actions import EnforcementAction

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "default": 0}


class IncomeWithholdingOrder(CaseScoped, AuditedModel):
    action = models.ForeignKey(EnforcementAction, on_delete=models.PROTECT, related_name="withholding_orders")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="withholding_orders")
    employer = models.ForeignKey("cases.Employer", on_delete=models.PROTECT, related_name="withholding_orders")
    employment = models.ForeignKey(
        "cases.Employment", null=True, blank=True, on_delete=models.SET_NULL, related_name="withholding_orders"
    )
    order = models.ForeignKey(
        "cases.SupportOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withholding_orders",
        help_text="The support order it enforces.",
    )
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The withholding order this one amends or terminates.",
    )
    kind = models.CharField(max_length=3, choices=IwoKind.choices)
    # Never reused (e-IWO Appendix D: "cannot reuse previously submitted control numbers"): derived
    # from the row's id (a database sequence; SQLite AUTOINCREMENT) and unique.
    control_number = models.CharField(max_length=22, unique=True, null=True, blank=True, editable=False)
    issued_on = models.DateField()
    issued_by = staff_reference(db_index=False)
    delivery = models.CharField(max_length=5, choices=IwoDelivery.choices, default=IwoDelivery.PAPER)

    # Frozen on issue: the form's identifying block.
    issuing_state = models.CharField(max_length=35)
    issuing_jurisdiction = models.CharField(max_length=35, blank=True)
    remittance_id = models.CharField(
        max_length=20,
        help_text="Case identifier the employer puts on each payment (the same one the NACHA DED addenda carry back).",
    )
    order_identifier = models.CharField(max_length=40, blank=True)
    employer_name = models.CharField(max_length=200)
    employer_line1 = models.CharField(max_length=120, blank=True)
    employer_line2 = models.CharField(max_length=120, blank=True)
    employer_city = models.CharField(max_length=80, blank=True)
    employer_state = models.CharField(max_length=2, blank=True)
    employer_postal_code = models.CharField(max_length=10, blank=True)
    employer_fein = models.CharField(max_length=10, blank=True)
    obligor_first_name = models.CharField(max_length=80)
    obligor_middle_name = models.CharField(max_length=80, blank=True)
    obligor_last_name = models.CharField(max_length=80)
    obligor_birth_date = models.DateField(null=True, blank=True)
    custodial_party_name = models.CharField(max_length=200, blank=True)
    children = models.JSONField(default=list, blank=True, help_text='[{"name": ..., "birth_date": "YYYY-MM-DD"}]')

    # Frozen on issue: the amounts (the form's "Order Information" and "Amounts to Withhold").
    order_frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    current_support = models.DecimalField(**MONEY)
    past_due_support = models.DecimalField(**MONEY)
    current_medical = models.DecimalField(**MONEY)
    past_due_medical = models.DecimalField(**MONEY)
    current_spousal = models.DecimalField(**MONEY)
    past_due_spousal = models.DecimalField(**MONEY)
    other_amount = models.DecimalField(**MONEY)
    total_per_frequency = models.DecimalField(**MONEY)
    per_weekly = models.DecimalField(**MONEY)
    per_biweekly = models.DecimalField(**MONEY)
    per_semimonthly = models.DecimalField(**MONEY)
    per_monthly = models.DecimalField(**MONEY)
    lump_sum_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    arrears_total = models.DecimalField(**MONEY)
    arrears_over_12_weeks = models.BooleanField(default=False)
    health_coverage_required = models.BooleanField(
        default=False, help_text="Sent with a National Medical Support Notice (45 CFR 303.32; OMB 0970-0222)."
    )
    withholding_limit_percent = models.PositiveSmallIntegerField(
        default=50, help_text="CCPA limit stated on the form (15 USC 1673(b)(2))."
    )
    remit_business_days = models.PositiveSmallIntegerField(default=7)
    begin_withholding_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Days after service the employer has to begin withholding, by the issuing state's law "
        "(CPLR 5241(g)(1): 14; Fam. Code 5233: 10).",
    )

    # e-IWO: the outbound batch that carried it, and the employer's acknowledgment.
    eiwo_batch_control_number = models.CharField(max_length=22, blank=True, db_index=True)
    eiwo_exported_at = models.DateTimeField(null=True, blank=True)
    ack_status = models.CharField(max_length=12, choices=IwoAckStatus.choices, blank=True, default="")
    ack_on = models.DateField(null=True, blank=True)
    ack_reason = models.CharField(max_length=200, blank=True)
    ended_on = models.DateField(
        null=True, blank=True, help_text="No longer in force: amended, terminated or the employee left."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "income withholding order"
        constraints = [
            # Issuing is idempotent: one first original per action and employment (a job; an NCP
            # hired back by a former employer holds a new one, and that employer gets an order
            # again), one successor per withholding order it supersedes: an amendment or
            # termination, or the original resuming a termination (a new support order after one
            # ended with nothing left to withhold).
            # The first document of a job is an original or an NMSN-only notice (never both).
            models.UniqueConstraint(
                fields=["action", "employment"],
                condition=Q(kind__in=["ORG", "NMS"], supersedes__isnull=True),
                name="iwo_one_original_per_action_employment",
            ),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(kind__in=["AMD", "TRM", "ORG", "NMS", "NMT"]),
                name="iwo_one_successor",
            ),
            models.CheckConstraint(condition=Q(kind__in=IwoKind.values), name="iwo_kind_valid"),
            models.CheckConstraint(condition=~Q(kind="LUM") | Q(lump_sum_amount__gt=0), name="iwo_lump_sum_amount"),
            models.CheckConstraint(
                condition=Q(kind__in=["ORG", "LUM", "NMS"]) | Q(supersedes__isnull=False),
                name="iwo_amendment_supersedes",
            ),
            # An NMSN-only document goes on paper: the e-IWO has no action code for it.
            models.CheckConstraint(
                condition=~Q(kind__in=["NMS", "NMT"]) | Q(delivery="paper"), name="iwo_nmsn_on_paper"
            ),
        ]
        indexes = [
            models.Index(fields=["action", "employer", "ended_on"]),
            models.Index(
                fields=["delivery", "eiwo_exported_at"],
                name="iwo_eiwo_pending_idx",
                condition=Q(delivery="eiwo", eiwo_exported_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        # No employer: it locates the NCP (42 USC 654(26)), and admin and every label print this.
        prefix = "NMSN" if self.is_nmsn_only else "IWO"
        return f"{prefix} {self.control_number or '(new)'} {self.kind}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:iwo_detail", kwargs={"pk": self.pk})

    @property
    def in_force(self) -> bool:
        return self.ended_on is None and self.kind in IN_FORCE_KINDS

    @property
    def is_nmsn_only(self) -> bool:
        """An NMSN-only document (the notice or its termination): no cash withholding, no e-IWO."""
        return self.kind in (IwoKind.NMSN, IwoKind.NMSN_TERMINATION)

    @property
    def obligor_name(self) -> str:
        return " ".join(p for p in (self.obligor_first_name, self.obligor_middle_name, self.obligor_last_name) if p)


class EiwoControl(OfficeWide, models.Model):
    """A control number of an e-IWO file or employer batch. Appendix D: "cannot reuse previously
    submitted control numbers" — each is drawn from this table's id sequence (never reused; SQLite
    AUTOINCREMENT) and unique, and stays after its file (a refused build rolls back its rows,
    and its numbers were never sent)."""

    FILE, BATCH = "file", "batch"
    kind = models.CharField(max_length=5, choices=[(FILE, "File"), (BATCH, "Employer batch")])
    employer = models.ForeignKey("cases.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    control_number = models.CharField(max_length=22, unique=True, null=True, blank=True)
    partner_file = models.ForeignKey(
        "enforcement.PartnerFile", null=True, blank=True, on_delete=models.PROTECT, related_name="eiwo_controls"
    )
    record_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "e-IWO control number"

    def __str__(self) -> str:
        return self.control_number or f"({self.kind})"

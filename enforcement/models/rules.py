"""Remedy rules: one row per remedy, jurisdiction profile and version.

A change of threshold is a new row (``version`` + 1) effective from a date; older rows stay as
history, so an action keeps pointing at the exact rule version that fired it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from cases.choices import Jurisdiction  # a rule's jurisdiction profile is its cases'
from core.history import HistoricalRecords
from core.models import OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import Comparison, Remedy


class RemedyRuleQuerySet(RestrictedQuerySet):
    def in_effect(self, on: date) -> RemedyRuleQuerySet:
        """The version of each (remedy, jurisdiction) in effect on ``on``."""
        latest = (
            type(self)(self.model, using=self._db)
            .filter(
                remedy=models.OuterRef("remedy"), jurisdiction=models.OuterRef("jurisdiction"), effective_from__lte=on
            )
            .order_by("-effective_from", "-version")
            .values("pk")[:1]
        )
        return self.filter(effective_from__lte=on, pk=models.Subquery(latest))


class RemedyRule(OfficeWide, models.Model):
    remedy = models.CharField(max_length=30, choices=Remedy.choices)
    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices)
    version = models.PositiveIntegerField(default=1)
    effective_from = models.DateField()
    enabled = models.BooleanField(default=True)

    # Conditions (all that are set must hold). Arrears are the case's total arrears unless the
    # category thresholds are used; with aggregate_by_ncp the NCP's open cases are added up.
    requires_delinquency = models.BooleanField(
        default=True, help_text="Only cases delinquent under 45 CFR 303.6(b) (arrears of one month of support)."
    )
    arrears_min = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    arrears_comparison = models.CharField(max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    assigned_arrears_min = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    unassigned_arrears_min = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    aggregate_by_ncp = models.BooleanField(
        default=False, help_text="Add the arrears of all of one NCP's open cases (per category) before comparing."
    )
    months_min = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Months of support in arrears.",
    )
    months_comparison = models.CharField(max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    days_past_due_min = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days since the case became delinquent."
    )
    days_comparison = models.CharField(max_length=3, choices=Comparison.choices, default=Comparison.MORE_THAN)
    requires_employer = models.BooleanField(default=False, help_text="NCP has a current employer on file.")
    requires_bank_match = models.BooleanField(
        default=False, help_text="NCP has an open financial institution data match."
    )
    release_when_paid = models.BooleanField(default=True, help_text="Release open actions when arrears reach zero.")

    # Due process and the partner the action is sent to.
    notice_days = models.PositiveIntegerField(
        default=0, help_text="Days after the notice before the contest window opens."
    )
    contest_days = models.PositiveIntegerField(
        default=0, help_text="Days the NCP has to contest before the action is sent."
    )
    service_of_process = models.BooleanField(
        default=False, help_text="Needs service of process: 60-day action timeframe instead of 30 (45 CFR 303.6(c)(2))."
    )
    partner = models.CharField(max_length=120, blank=True, help_text="Who the active action is sent to.")
    citation = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    to_confirm = models.BooleanField(default=False, help_text="Value from a secondary source: confirm locally.")

    changed_by = staff_reference()
    change_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RemedyRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction", "remedy", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["remedy", "jurisdiction", "version"], name="enf_rule_version_unique"),
            models.UniqueConstraint(
                fields=["remedy", "jurisdiction", "effective_from"], name="enf_rule_effective_unique"
            ),
        ]
        indexes = [models.Index(fields=["remedy", "jurisdiction", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.get_remedy_display()} ({self.jurisdiction}) v{self.version} from {self.effective_from}"

    def clean(self) -> None:
        """The law's thresholds (``core.LegalParameter`` rows in force on ``effective_from``) are a
        floor: an empty threshold takes the law's value, a lower one is refused (``legal_floors``)."""
        from django.core.exceptions import ValidationError

        from ..legal_floors import floor_errors

        super().clean()
        errors = floor_errors(self)
        if errors:
            raise ValidationError(errors)

    def threshold_text(self, *, to_ncp: bool = False) -> str:
        """The conditions in words, for the rules page and the notice letter (in the active
        language: the letter renders under the reader's). ``to_ncp``: the letter to the NCP, who
        reads "your cases", not staff's "the NCP's cases"."""
        from django.utils.translation import gettext as _

        def money(value) -> str:
            return f"${value:,.2f}"

        parts = []
        if self.requires_delinquency:
            parts.append(_("delinquent (one month of support unpaid)"))
        if self.arrears_min is not None:
            parts.append(
                _("arrears %(comparison)s %(amount)s")
                % {"comparison": self.get_arrears_comparison_display(), "amount": money(self.arrears_min)}
            )
        if self.assigned_arrears_min is not None or self.unassigned_arrears_min is not None:
            either = []
            if self.assigned_arrears_min is not None:
                either.append(_("assigned arrears at least %(amount)s") % {"amount": money(self.assigned_arrears_min)})
            if self.unassigned_arrears_min is not None:
                either.append(
                    _("unassigned arrears at least %(amount)s") % {"amount": money(self.unassigned_arrears_min)}
                )
            parts.append(_(" or ").join(either))
        if self.aggregate_by_ncp:
            parts.append(_("added across all your cases") if to_ncp else _("added across the NCP's cases"))
        if self.months_min is not None:
            parts.append(
                _("%(comparison)s %(months)s months of support in arrears")
                % {"comparison": self.get_months_comparison_display(), "months": f"{self.months_min.normalize():f}"}
            )
        if self.days_past_due_min is not None:
            parts.append(
                _("%(comparison)s %(days)s days past due")
                % {"comparison": self.get_days_comparison_display(), "days": self.days_past_due_min}
            )
        if self.requires_employer:
            parts.append(_("a current employer is known"))
        if self.requires_bank_match:
            parts.append(_("an open financial institution data match"))
        return "; ".join(str(p) for p in parts) or _("no condition")

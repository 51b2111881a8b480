"""Court actions: petitions with hearings and appearances, and criminal non-support referrals."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cases.models.scope import CaseScoped, case_scope_q
from core.history import HistoricalRecords
from core.models import AuditedModel, staff_reference

from ..choices import (
    AppearanceParty,
    HearingResult,
    PetitionKind,
    PetitionOutcome,
    PetitionStatus,
    ReferralAgency,
    ReferralOutcome,
    ReferralStatus,
)


class Petition(CaseScoped, AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="petitions")
    kind = models.CharField(max_length=20, choices=PetitionKind.choices)
    status = models.CharField(max_length=12, choices=PetitionStatus.choices, default=PetitionStatus.DRAFT)
    court_name = models.CharField(max_length=200)
    docket_number = models.CharField(max_length=60, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    service_needed = models.BooleanField(default=True, help_text="Service of process on the respondent is needed.")
    reason = models.TextField(blank=True, max_length=4000)
    origin = models.CharField(
        max_length=60, blank=True, help_text="What started it (review and adjustment, enforcement...)."
    )
    outcome = models.CharField(max_length=12, choices=PetitionOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True, max_length=4000)
    resulting_order = models.ForeignKey(
        "cases.SupportOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="petitions"
    )
    created_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["case", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["court_name", "docket_number"],
                condition=~Q(docket_number=""),
                name="enf_petition_docket_unique",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="enf_petition_outcome_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} petition{' ' + self.docket_number if self.docket_number else ''}"


class CourtHearing(AuditedModel):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="hearings")
    scheduled_for = models.DateTimeField(db_index=True)
    court_part = models.CharField(max_length=80, blank=True, help_text="Part, department or courtroom.")
    judge = models.CharField(max_length=120, blank=True, help_text="Judge, magistrate or commissioner.")
    result = models.CharField(max_length=12, choices=HearingResult.choices, default=HearingResult.SCHEDULED)
    notes = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"Hearing {self.scheduled_for:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_filter(cls, user, action: str):
        return case_scope_q(user, "petition__case__", action)


class Appearance(models.Model):
    hearing = models.ForeignKey(CourtHearing, on_delete=models.CASCADE, related_name="appearances")
    party = models.CharField(max_length=10, choices=AppearanceParty.choices)
    name = models.CharField(max_length=200, blank=True)
    appeared = models.BooleanField(default=True)
    represented_by = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hearing", "party", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {'appeared' if self.appeared else 'did not appear'}"


class CriminalReferral(CaseScoped, AuditedModel):
    """Referral for criminal non-support (e.g. 18 USC 228 federally; state penal law), tracked to an outcome."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="criminal_referrals")
    agency = models.CharField(max_length=20, choices=ReferralAgency.choices)
    agency_name = models.CharField(max_length=200)
    referred_on = models.DateField()
    reference_number = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    outcome = models.CharField(max_length=12, choices=ReferralOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    arrears_at_referral = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="enf_referral_outcome_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.agency_name} on {self.referred_on}"

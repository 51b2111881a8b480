"""Enforcement actions: one per case and remedy while open, with the figures that fired it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from cases.choices import Frequency
from cases.models.scope import CaseScoped, case_scope_q
from core.fields import EncryptedCharField
from core.history import HistoricalRecords
from core.models import OfficeWide, RestrictedQuerySet, staff_reference

from ..choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    BankMatchStatus,
    ContestDecision,
    LicenceClass,
    ReleaseReason,
    Remedy,
)
from .rules import RemedyRule
from .sweeps import SweepRun

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class EnforcementActionQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def timeframe_judged(self):
        """The actions the 45 CFR 303.6(c)(2) timeframe is judged on: taken ones, and untaken ones
        still open (an action released or closed before it was taken, because the case paid or
        closed, is not a missed timeframe). The dashboard and the quality timeframes page both
        count from this one queryset."""
        return self.exclude(taken_on__isnull=True, status__in=[ActionStatus.RELEASED, ActionStatus.CLOSED])

    def timeframe_overdue(self, today: date):
        """Not yet taken and past the 45 CFR 303.6(c)(2) due date."""
        return self.filter(taken_on__isnull=True, timeframe_due_on__lt=today).exclude(
            status__in=[ActionStatus.RELEASED, ActionStatus.CLOSED]
        )


class EnforcementAction(CaseScoped, models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="enforcement_actions", db_index=False
    )  # (case, remedy, status) below serves it
    remedy = models.CharField(max_length=30, choices=Remedy.choices)
    rule = models.ForeignKey(
        RemedyRule,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The rule version that fired the action.",
    )
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.PROPOSED)
    sweep_run = models.ForeignKey(SweepRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")

    # Why: the figures on the day it fired.
    proposed_on = models.DateField()
    total_arrears = models.DecimalField(**MONEY)
    assigned_arrears = models.DecimalField(**MONEY, default=0)
    unassigned_arrears = models.DecimalField(**MONEY, default=0)
    months_in_arrears = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    delinquent_since = models.DateField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True, help_text="Everything else the rule compared.")

    # 30-day action timeframe (45 CFR 303.6(c)(2)).
    timeframe_start_on = models.DateField(help_text="Delinquency identified or NCP located, whichever is later.")
    timeframe_due_on = models.DateField(db_index=True)
    taken_on = models.DateField(null=True, blank=True, help_text="Notice issued: the action is taken.")

    # Due process.
    notice_issued_on = models.DateField(null=True, blank=True)
    notice_issued_by = staff_reference(db_index=False)
    # The rule version the case was checked against on the notice date (a later version than
    # ``rule`` when the rule was revised meanwhile): its periods set the contest window and the
    # letter states it, so a notice never states a rule the case no longer meets.
    notice_rule = models.ForeignKey(
        RemedyRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="noticed_actions",
        help_text="The rule version checked on the notice date (the letter states it).",
    )
    # The figures on the notice date (the letter states these; the ones above fired the rule).
    notice_total_arrears = models.DecimalField(**MONEY, null=True, blank=True)
    notice_assigned_arrears = models.DecimalField(**MONEY, null=True, blank=True)
    notice_unassigned_arrears = models.DecimalField(**MONEY, null=True, blank=True)
    notice_months_in_arrears = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    # Income withholding: what the notice tells the NCP the employer will be told to withhold (42 USC
    # 666(b)(4)(B)), per pay period and the CCPA limit, as issued: the letter shown or reprinted later
    # says what was sent, whatever was paid or changed since (``notice_withholding_record``; all 0:
    # nothing to withhold on the notice date). Empty for other remedies and for notices issued
    # before these were kept (enforcement 0029: their letter computes them, ``notices``).
    notice_withhold_weekly = models.DecimalField(**MONEY, null=True, blank=True)
    notice_withhold_biweekly = models.DecimalField(**MONEY, null=True, blank=True)
    notice_withhold_semimonthly = models.DecimalField(**MONEY, null=True, blank=True)
    notice_withhold_monthly = models.DecimalField(**MONEY, null=True, blank=True)
    notice_withhold_limit_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    contest_opens_on = models.DateField(null=True, blank=True)
    contest_ends_on = models.DateField(null=True, blank=True)
    next_step_on = models.DateField(null=True, blank=True, help_text="When the sweep moves the action on.")
    contested_on = models.DateField(null=True, blank=True)
    contest_reason = models.TextField(blank=True, max_length=2000)
    contest_decision = models.CharField(max_length=12, choices=ContestDecision.choices, blank=True)
    contest_decided_on = models.DateField(null=True, blank=True)
    contest_decided_by = staff_reference(db_index=False)
    activated_on = models.DateField(null=True, blank=True)
    partner = models.CharField(max_length=120, blank=True, help_text="Who the active action was sent to.")
    ended_on = models.DateField(null=True, blank=True)
    release_reason = models.CharField(max_length=20, choices=ReleaseReason.choices, blank=True)
    end_note = models.CharField(max_length=300, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # The withholding a notice states (``notice_withholding_record``, the letter, the API): the
    # field of each pay frequency, and all its figures (those and the CCPA limit).
    NOTICE_WITHHOLD_PER: ClassVar[dict[str, str]] = {
        Frequency.WEEKLY: "notice_withhold_weekly",
        Frequency.BIWEEKLY: "notice_withhold_biweekly",
        Frequency.SEMIMONTHLY: "notice_withhold_semimonthly",
        Frequency.MONTHLY: "notice_withhold_monthly",
    }
    NOTICE_WITHHOLDING_FIELDS: ClassVar[tuple[str, ...]] = (
        *NOTICE_WITHHOLD_PER.values(),
        "notice_withhold_limit_percent",
    )

    objects = EnforcementActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["timeframe_due_on", "id"]
        constraints = [
            # The sweep's idempotence rests on this: at most one open action per case and remedy.
            models.UniqueConstraint(
                fields=["case", "remedy"],
                condition=Q(status__in=OPEN_ACTION_STATUSES),
                name="enf_one_open_action_per_case_remedy",
            ),
            models.CheckConstraint(
                condition=Q(total_arrears__gte=0) | Q(remedy=Remedy.INCOME_WITHHOLDING),
                name="enf_action_arrears_not_negative",
            ),
            # A notice states the arrears on its date: issued ⇔ those figures are recorded.
            models.CheckConstraint(
                condition=Q(notice_issued_on__isnull=True, notice_total_arrears__isnull=True)
                | Q(notice_issued_on__isnull=False, notice_total_arrears__isnull=False),
                name="enf_action_notice_has_figures",
            ),
            # The withholding a notice states: all of it, on an issued notice, or none.
            models.CheckConstraint(
                condition=Q(
                    notice_withhold_weekly__isnull=True,
                    notice_withhold_biweekly__isnull=True,
                    notice_withhold_semimonthly__isnull=True,
                    notice_withhold_monthly__isnull=True,
                    notice_withhold_limit_percent__isnull=True,
                )
                | Q(
                    notice_issued_on__isnull=False,
                    notice_withhold_weekly__isnull=False,
                    notice_withhold_biweekly__isnull=False,
                    notice_withhold_semimonthly__isnull=False,
                    notice_withhold_monthly__isnull=False,
                    notice_withhold_limit_percent__isnull=False,
                ),
                name="enf_action_notice_withholding_complete",
            ),
        ]
        permissions = [
            ("work_enforcementaction", "Work enforcement actions (notices, contests, activation, release)"),
            ("decide_contest", "Decide contested enforcement actions"),
        ]
        indexes = [
            models.Index(fields=["status", "next_step_on"]),
            models.Index(fields=["remedy", "status"]),
            models.Index(fields=["case", "remedy", "status"]),
            # The sweep proposes actions by the hundred thousand: people's foreign keys, NULL on
            # nearly every row, are indexed only where set.
            models.Index(
                fields=["notice_issued_by"],
                condition=Q(notice_issued_by__isnull=False),
                name="enf_action_notice_by_idx",
            ),
            models.Index(
                fields=["contest_decided_by"],
                condition=Q(contest_decided_by__isnull=False),
                name="enf_action_decided_by_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_remedy_display()} on {self.case_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:action_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int) -> str:
        """An action's reference from its id (the partner list builds it from ``.values()`` rows)."""
        return f"EA-{pk:07d}"

    def figure_amount(self, key: str) -> Decimal | None:
        """A money figure stored in ``figures`` (JSON keeps it as a string) as a ``Decimal``."""
        value = (self.figures or {}).get(key)
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None

    @property
    def ncp_figures(self) -> dict[str, Decimal | None] | None:
        """The NCP's arrears added across the NCP's cases when the rule fired (aggregate rules)."""
        keys = ("ncp_total_arrears", "ncp_assigned_arrears", "ncp_unassigned_arrears")
        values = {key.removeprefix("ncp_"): self.figure_amount(key) for key in keys}
        return values if any(v is not None for v in values.values()) else None

    def timeframe_met(self) -> bool | None:
        if self.taken_on is None:
            return None
        return self.taken_on <= self.timeframe_due_on

    def is_overdue(self, today: date) -> bool:
        return self.taken_on is None and self.is_open and self.timeframe_due_on < today

    @property
    def has_contest_period(self) -> bool:
        """The notice gives a period to contest: its last day (``contest_ends_on``, the date the
        letter prints) is after the notice date. A rule with no notice and no contest days (CA
        transfer to state collection) gives none, and its letter offers no contest."""
        return self.contest_ends_on is not None and (
            self.notice_issued_on is None or self.contest_ends_on > self.notice_issued_on
        )

    def can_contest(self, today: date) -> bool:
        """Through the last day the letter prints, never after it."""
        return (
            self.status in (ActionStatus.NOTICED, ActionStatus.CONTEST_WINDOW)
            and self.has_contest_period
            and self.contest_ends_on is not None
            and today <= self.contest_ends_on
        )

    def contest_over(self, today: date) -> bool:
        """The action may be sent to the partner: the day after the last day to contest, or from the
        notice date when the notice gives no contest period."""
        if self.contest_ends_on is None:
            return False
        return today > self.contest_ends_on or (not self.has_contest_period and today >= self.contest_ends_on)


class LicenceIncomeCheck(models.Model):
    """The obligor's annual household income check of a California driver's licence action (Fam.
    Code 17520.5): what the caseworker recorded (the figure and its source, the county the agency
    believes the obligor resides in, the licence class) and what it was compared with on that day
    (the HCD county median row and the percent row in force). ``line`` is rounded DOWN to the cent,
    so for an income in cents "at or below the exact line" is ``household_income <= line``
    (``at_or_below``). ``exempt``: at or below the line on a noncommercial licence, so the action was
    closed, never sent to the DMV. A commercial licence at or below the line is not closed: whether
    the section covers it is judged on the day the action would be sent (17520.5(a)(2)).

    One per action; a new check replaces the figures in place (the history keeps the old ones)."""

    action = models.OneToOneField(EnforcementAction, on_delete=models.PROTECT, related_name="income_check")
    checked_on = models.DateField()
    checked_by = staff_reference(db_index=False)
    household_income = models.DecimalField(**MONEY, help_text="The obligor's annual household income.")
    income_source = models.CharField(
        max_length=200, help_text="Where the figure comes from (tax return, wage record, income declaration …)."
    )
    county = models.CharField(max_length=60, help_text="The county the agency believes the obligor resides in.")
    licence_class = models.CharField(max_length=15, choices=LicenceClass.choices)
    median_income = models.DecimalField(**MONEY, help_text="The county's HCD median income in force that day.")
    median_key = models.CharField(max_length=80)
    median_effective_on = models.DateField()
    median_citation = models.CharField(max_length=200)
    percent = models.DecimalField(max_digits=6, decimal_places=2, help_text="The percent of the median (70).")
    line = models.DecimalField(**MONEY, help_text="percent × median, rounded to the cent (shown; compared unrounded).")
    exempt = models.BooleanField(help_text="At or below the line, on a licence the section covers: not sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(household_income__gte=0), name="enf_income_check_income_not_negative"),
            models.CheckConstraint(condition=Q(median_income__gt=0), name="enf_income_check_median_positive"),
        ]

    def __str__(self) -> str:
        return f"Income check of {self.action_id} on {self.checked_on}"

    @property
    def at_or_below(self) -> bool:
        """The income is at or below the exact line (``line`` is rounded down, the income in cents)."""
        return self.household_income <= self.line

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, "action__case__", action)


class BankMatch(OfficeWide, models.Model):
    """A financial institution data match for an NCP (42 USC 666(a)(17)): what a bank levy needs."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="bank_matches")
    institution = models.CharField(max_length=120)
    account_last4 = models.CharField(max_length=4, blank=True)
    matched_on = models.DateField()
    status = models.CharField(max_length=10, choices=BankMatchStatus.choices, default=BankMatchStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    # From a FIDM match file (issue 16.4). The account number is bank data (45 CFR 303.21):
    # encrypted at rest; ``account_key`` (a keyed hash of institution and number) finds a match
    # seen before without decrypting.
    institution_fein = models.CharField(max_length=9, blank=True)
    account_number = EncryptedCharField(blank=True)
    account_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    account_type = models.CharField(max_length=2, blank=True)
    balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    trust_fund = models.BooleanField(default=False, help_text="A trust or custodial account: reviewed before a levy.")
    partner_file = models.ForeignKey(
        "enforcement.PartnerFile", null=True, blank=True, on_delete=models.PROTECT, related_name="bank_matches"
    )
    action = models.ForeignKey(
        "enforcement.EnforcementAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bank_matches",
        help_text="The bank levy proposed on this match.",
    )

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["account_number"])

    class Meta:
        ordering = ["-matched_on", "id"]
        indexes = [models.Index(fields=["person", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "account_key"],
                condition=Q(status="open") & ~Q(account_key=""),
                name="enf_bankmatch_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} match {self.matched_on}"

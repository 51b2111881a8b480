"""Forms of the enforcement pages (rendered with ``{{ form }}``; errors next to fields)."""

from __future__ import annotations

from django import forms

from core.forms import DateInput, MoneyField

from .choices import (
    AppearanceParty,
    ContestDecision,
    HearingResult,
    LicenceClass,
    PetitionKind,
    PetitionOutcome,
    ReferralAgency,
    ReferralOutcome,
    ReferralStatus,
    ReleaseReason,
)
from .models import CourtHearing, CriminalReferral, Petition, RemedyRule


class ContestForm(forms.Form):
    reason = forms.CharField(label="The NCP's reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ContestDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ContestDecision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", max_length=300, required=False)


class ActionEndForm(forms.Form):
    END_CHOICES = [("release", "Release"), ("close", "Close (remedy completed)")]
    end = forms.ChoiceField(choices=END_CHOICES, widget=forms.RadioSelect, initial="release")
    reason = forms.ChoiceField(
        choices=ReleaseReason.choices, initial=ReleaseReason.WITHDRAWN, help_text="Reason when releasing."
    )
    note = forms.CharField(max_length=300, required=False)


class LicenceIncomeCheckForm(forms.Form):
    """The obligor's household income check of a California licence action (Fam. Code 17520.5)."""

    household_income = MoneyField(label="Annual household income", allow_zero=True, help_text="Of the obligor.")
    income_source = forms.CharField(
        label="Source of the figure",
        max_length=200,
        help_text="E.g. 2025 tax return, EDD wage record, income and expense declaration.",
    )
    county = forms.CharField(
        label="County of residence",
        max_length=60,
        help_text="The county the agency believes the obligor resides in; its HCD median income on file is used.",
    )
    licence_class = forms.ChoiceField(
        label="Driver's licence",
        choices=LicenceClass.choices,
        widget=forms.RadioSelect,
        initial=LicenceClass.NONCOMMERCIAL,
        help_text="From January 1, 2027 the rule covers noncommercial licences only (17520.5(a)(2)).",
    )


class PetitionForm(forms.ModelForm):
    case_number = forms.CharField(max_length=20, label="Case number")
    kind = forms.ChoiceField(choices=PetitionKind.choices)

    class Meta:
        model = Petition
        fields = ["kind", "court_name", "docket_number", "filed_on", "service_needed", "reason"]
        widgets = {"filed_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}

    field_order = ["case_number", "kind", "court_name", "docket_number", "filed_on", "service_needed", "reason"]


class PetitionUpdateForm(forms.ModelForm):
    class Meta:
        model = Petition
        fields = ["docket_number", "filed_on", "served_on"]
        widgets = {"filed_on": DateInput(), "served_on": DateInput()}


class PetitionOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=PetitionOutcome.choices)
    outcome_on = forms.DateField(label="Decided on", widget=DateInput())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False)
    order_number = forms.CharField(
        max_length=40,
        required=False,
        help_text="When the court issued an order: its number (creates the case's order).",
    )
    monthly_amount = MoneyField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Monthly current support of the new order.",
    )
    effective_on = forms.DateField(
        widget=DateInput(),
        required=False,
        help_text="A new version of the case's order takes effect from that order's first due date on or after "
        "this date; a first order, on this date.",
    )

    def clean(self):
        data = super().clean()
        if data.get("order_number") and (data.get("monthly_amount") is None or not data.get("effective_on")):
            raise forms.ValidationError("An order needs its monthly amount and effective date.")
        return data


class HearingForm(forms.ModelForm):
    scheduled_for = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    class Meta:
        model = CourtHearing
        fields = ["scheduled_for", "court_part", "judge"]


class HearingResultForm(forms.Form):
    result = forms.ChoiceField(choices=HearingResult.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)
    cp_appeared = forms.BooleanField(required=False, label="Custodial parent appeared")
    ncp_appeared = forms.BooleanField(required=False, label="Noncustodial parent appeared")
    agency_appeared = forms.BooleanField(required=False, initial=True, label="Agency attorney appeared")
    agency_attorney = forms.CharField(max_length=200, required=False)

    PARTIES = (
        (AppearanceParty.CP, "cp_appeared"),
        (AppearanceParty.NCP, "ncp_appeared"),
        (AppearanceParty.AGENCY, "agency_appeared"),
    )


class ReferralForm(forms.ModelForm):
    case_number = forms.CharField(max_length=20, label="Case number")
    agency = forms.ChoiceField(choices=ReferralAgency.choices)

    class Meta:
        model = CriminalReferral
        fields = ["agency", "agency_name", "referred_on", "reference_number", "notes"]
        widgets = {"referred_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["case_number", "agency", "agency_name", "referred_on", "reference_number", "notes"]


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ReferralStatus.choices)
    outcome = forms.ChoiceField(choices=[("", "—"), *ReferralOutcome.choices], required=False)
    outcome_on = forms.DateField(widget=DateInput(), required=False)
    reference_number = forms.CharField(max_length=60, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)
    reopen = forms.BooleanField(
        label="Reopen this closed referral",
        required=False,
        help_text="Needed to give a closed referral another status.",
    )

    def __init__(self, *args, closed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not closed:  # the box is offered on a closed referral only
            del self.fields["reopen"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") and not data.get("outcome_on"):
            self.add_error("outcome_on", "Give the date of the outcome.")
        if data.get("status") == ReferralStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", "A closed referral needs its outcome.")
        return data


# What the rules page lets a coordinator revise, in the order the page shows it; the rest of
# ``rule_revise``'s fields (the partner file and letter wiring) stay with administration.
RULE_REVISE_FIELDS = (
    "enabled",
    "requires_delinquency",
    "arrears_min",
    "arrears_comparison",
    "assigned_arrears_min",
    "unassigned_arrears_min",
    "aggregate_by_ncp",
    "months_min",
    "months_comparison",
    "days_past_due_min",
    "days_comparison",
    "requires_employer",
    "requires_bank_match",
    "release_when_paid",
    "notice_days",
    "contest_days",
    "service_of_process",
    "partner",
    "citation",
    "notes",
    "to_confirm",
)


RULE_REVISE_LABELS = {
    "arrears_min": "Arrears threshold",
    "assigned_arrears_min": "Assigned arrears threshold",
    "unassigned_arrears_min": "Unassigned arrears threshold",
    "aggregate_by_ncp": "Add up the NCP's cases",
    "months_min": "Months of support in arrears",
    "days_past_due_min": "Days past due",
    "partner": "Sent to",
}


class RemedyRuleReviseForm(forms.Form):
    """A new version of a remedy rule: its thresholds and conditions (initially the latest
    version's), the date it takes effect and the reason. The law's floors are checked by the
    service (``RemedyRule.clean``)."""

    effective_from = forms.DateField(
        label="Takes effect from",
        widget=DateInput(),
        help_text="Today or later: the sweep uses this version from that day; earlier days keep the version in force.",
    )
    change_reason = forms.CharField(
        label="Reason for the change", max_length=300, help_text="E.g. the statute or the office decision."
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields.update(forms.models.fields_for_model(RemedyRule, fields=RULE_REVISE_FIELDS))
        for name in ("arrears_min", "assigned_arrears_min", "unassigned_arrears_min"):
            self.fields[name].help_text = "Dollars; empty: the law's value where the law fixes one, else no condition."
        self.fields["notes"].widget.attrs["rows"] = 3
        for name, label in RULE_REVISE_LABELS.items():
            self.fields[name].label = label
        self.order_fields([*RULE_REVISE_FIELDS, "effective_from", "change_reason"])

    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        # A past date would rewrite what earlier sweeps and notices decided on (their actions keep
        # the version that fired them, but a re-run or a notice check would read the new one).
        if value < self.today:
            raise forms.ValidationError("A revision takes effect from today or later.")
        return value

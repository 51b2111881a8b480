"""Caseworker forms. Validation gives field errors; services re-check the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.forms import DateInput
from core.money import parse_amount

from .choices import (
    AssistanceStatus,
    ClosureReason,
    CollectionSource,
    Frequency,
    InterstateRole,
    Jurisdiction,
    LocateResult,
    LocateSource,
    OrderKind,
    PaternityMethod,
    PaternityStatus,
)


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


class AmountField(forms.CharField):
    """An amount of money: positive, at most two decimals (core.money.parse_amount)."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 15)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_amount(value, allow_zero=self.allow_zero)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class SSNField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "SSN")
        super().__init__(**kwargs)

    def clean(self, value):
        value = (super().clean(value) or "").replace("-", "").replace(" ", "")
        if value and (not value.isdigit() or len(value) != 9):
            raise forms.ValidationError("Enter the 9 digits of the SSN.")
        return value


class CaseCreateForm(forms.Form):
    county = forms.CharField(max_length=60)
    jurisdiction = forms.ChoiceField(choices=Jurisdiction.choices)
    assistance_status = forms.ChoiceField(choices=AssistanceStatus.choices, initial=AssistanceStatus.NEVER)
    application_received_on = forms.DateField(widget=DateInput, label="Application received on")
    cp_first_name = forms.CharField(max_length=80, label="Custodial parent: first name")
    cp_last_name = forms.CharField(max_length=80, label="Custodial parent: last name")
    cp_date_of_birth = forms.DateField(widget=DateInput, required=False, label="Custodial parent: date of birth")
    cp_ssn = SSNField(label="Custodial parent: SSN")
    cp_family_violence = forms.BooleanField(required=False, label="Custodial parent: family violence indicator")
    ncp_first_name = forms.CharField(max_length=80, label="Noncustodial parent: first name")
    ncp_last_name = forms.CharField(max_length=80, label="Noncustodial parent: last name")
    ncp_date_of_birth = forms.DateField(widget=DateInput, required=False, label="Noncustodial parent: date of birth")
    ncp_ssn = SSNField(label="Noncustodial parent: SSN")
    ncp_location_known = forms.BooleanField(required=False, label="The NCP's whereabouts are known")
    child_first_name = forms.CharField(max_length=80, label="Child: first name")
    child_last_name = forms.CharField(max_length=80, label="Child: last name")
    child_date_of_birth = forms.DateField(widget=DateInput, label="Child: date of birth")
    child_born_in_wedlock = forms.NullBooleanField(required=False, label="Child born in wedlock")
    child_paternity_status = forms.ChoiceField(choices=PaternityStatus.choices, initial=PaternityStatus.PENDING,
                                               label="Paternity")
    child_paternity_established_on = forms.DateField(widget=DateInput, required=False, label="Paternity established on")
    child_paternity_method = forms.ChoiceField(choices=[("", "—"), *PaternityMethod.choices], required=False,
                                               label="Paternity established by")
    interstate_role = forms.ChoiceField(choices=InterstateRole.choices, initial=InterstateRole.NONE)
    other_state = forms.CharField(max_length=2, required=False, label="Other state (2 letters)")
    other_state_case_id = forms.CharField(max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].initial = settings.CASEWORKS_JURISDICTION

    def clean_application_received_on(self):
        return _not_future(self.cleaned_data["application_received_on"])

    def clean_child_date_of_birth(self):
        return _not_future(self.cleaned_data["child_date_of_birth"])

    def clean_other_state(self):
        return self.cleaned_data["other_state"].upper()

    def clean(self):
        data = super().clean()
        if data.get("interstate_role", InterstateRole.NONE) != InterstateRole.NONE and not data.get("other_state"):
            self.add_error("other_state", "Name the other state of an interstate case.")
        if data.get("child_paternity_status") == PaternityStatus.ESTABLISHED:
            if not data.get("child_paternity_established_on"):
                self.add_error("child_paternity_established_on", "Give the date paternity was established.")
            if not data.get("child_paternity_method"):
                self.add_error("child_paternity_method", "Say how paternity was established.")
        return data


class OrderForm(forms.Form):
    order_number = forms.CharField(max_length=40)
    kind = forms.ChoiceField(choices=OrderKind.choices)
    court_name = forms.CharField(max_length=200, required=False)
    issued_on = forms.DateField(widget=DateInput)
    effective_on = forms.DateField(widget=DateInput)
    current_support = AmountField(allow_zero=True, label="Current child support amount",
                                  help_text="0 for a zero order.")
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    medical_support = AmountField(required=False, allow_zero=True, label="Medical support (monthly)")
    arrears_repayment = AmountField(required=False, allow_zero=True, label="Arrears repayment (monthly)")

    def clean_issued_on(self):
        return _not_future(self.cleaned_data["issued_on"])

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("effective_on") and data["effective_on"].year < data["issued_on"].year - 30:
            self.add_error("effective_on", "The effective date is implausibly old.")
        return data

    def obligation_lines(self):
        from .services import ObligationData

        data = self.cleaned_data
        start = data["effective_on"]
        lines = [ObligationData("current_support", data["current_support"], data["frequency"], start)]
        for kind in ("medical_support", "arrears_repayment"):
            if data.get(kind):
                lines.append(ObligationData(kind, data[kind], Frequency.MONTHLY, start))
        return lines


class PaymentForm(forms.Form):
    """A payment received at the office; posted through cases.services.collection_post."""

    amount = AmountField()
    received_on = forms.DateField(widget=DateInput)
    source = forms.ChoiceField(choices=CollectionSource.choices, initial=CollectionSource.DIRECT_PAYMENT)
    source_reference = forms.CharField(max_length=64, label="Receipt or reference number",
                                       help_text="Unique: the same reference is never posted twice.")
    collected_on = forms.DateField(
        widget=DateInput, required=False, label="Date of collection",
        help_text="When the employer withheld it or another state received it (45 CFR 302.51(a)(1)); "
                  "leave blank when it is the day received. It decides the month the payment pays.")

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])

    def clean(self):
        cleaned = super().clean()
        collected, received = cleaned.get("collected_on"), cleaned.get("received_on")
        if collected and received and collected > received:
            self.add_error("collected_on", "The date of collection cannot be after the date received.")
        return cleaned

    def clean_source_reference(self):
        return self.cleaned_data["source_reference"].strip()


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(choices=ClosureReason.choices, label="Closure reason (45 CFR 303.11(b))")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Note")


class LocateAttemptForm(forms.Form):
    source = forms.ChoiceField(choices=LocateSource.choices)
    attempted_on = forms.DateField(widget=DateInput)
    result = forms.ChoiceField(choices=LocateResult.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def clean_attempted_on(self):
        return _not_future(self.cleaned_data["attempted_on"])


class AssistanceChangeForm(forms.Form):
    """A change of the family's assistance status (cases.services.case_assistance_change)."""

    status = forms.ChoiceField(choices=AssistanceStatus.choices, label="Assistance status")
    effective_on = forms.DateField(widget=DateInput, label="From",
                                   help_text="The first day of the new status (the open period ends the day before).")

    def clean_effective_on(self):
        return _not_future(self.cleaned_data["effective_on"])


class InterstateReferralForm(forms.Form):
    interstate_referred_on = forms.DateField(widget=DateInput, label="Referral sent on",
                                             help_text="The day the referral went to the other state.")

    def clean_interstate_referred_on(self):
        return _not_future(self.cleaned_data["interstate_referred_on"])


def _staff_choices():
    return get_user_model().objects.filter(is_active=True, groups__name="caseworker").order_by("username")


class ReassignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(queryset=None, label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = _staff_choices()


class WorkItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(widget=DateInput)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class FviOverrideForm(forms.Form):
    court_name = forms.CharField(max_length=200)
    court_order_reference = forms.CharField(max_length=80)
    ordered_on = forms.DateField(widget=DateInput)
    agency = forms.ModelChoiceField(queryset=None, required=False, label="Court allowed to use it through the API")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import PartnerAgency

        self.fields["agency"].queryset = PartnerAgency.objects.filter(kind="court", is_active=True)

    def clean_ordered_on(self):
        return _not_future(self.cleaned_data["ordered_on"])


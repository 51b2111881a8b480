"""Quality forms (every write goes through a service)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from core.forms import DateInput, MoneyField, dates_in_order

from .choices import GoalLevel, SampleResult
from .fiscal import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from .models import PLAN_TOPIC_CHOICES, TRACKED_CHOICES

User = get_user_model()
YEAR: dict[str, Any] = {"min_value": FIRST_FISCAL_YEAR, "max_value": LAST_FISCAL_YEAR}
AMOUNT: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


def staff_choices():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class FiscalYearForm(forms.Form):
    fiscal_year = forms.IntegerField(label="Fiscal year", **YEAR)


class ExpenditureForm(forms.Form):
    fiscal_year = forms.IntegerField(label="Fiscal year", **YEAR)
    amount = MoneyField(label="Total IV-D expenditures ($)", min_value=Decimal("0.01"), **AMOUNT)
    source = forms.CharField(max_length=200, required=False, help_text="Where the figure comes from (e.g. OCSE-396).")


class ReviewForm(forms.Form):
    title = forms.CharField(max_length=200)
    period_start = forms.DateField(widget=DateInput())
    period_end = forms.DateField(widget=DateInput())
    sample_size = forms.IntegerField(min_value=1, max_value=500, initial=20, help_text="Cases drawn per criterion.")
    seed = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The same seed always draws the same cases (reproducible sample)."
    )

    def clean(self):
        data = super().clean()
        dates_in_order(self, data, "period_start", "period_end", "The period ends before it starts.")
        return data


class ScoreForm(forms.Form):
    """One yes/no per checklist question, a result and notes."""

    result = forms.ChoiceField(
        choices=[c for c in SampleResult.choices if c[0] != SampleResult.PENDING], widget=forms.RadioSelect
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args, checklist: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for i, question in enumerate(checklist):
            self.fields[f"q{i}"] = forms.BooleanField(label=question, required=False)
        self.order_fields([f"q{i}" for i in range(len(checklist))] + ["result", "notes"])

    def answers(self) -> dict[str, bool]:
        return {q: bool(self.cleaned_data.get(f"q{i}")) for i, q in enumerate(self.checklist)}

    def clean(self):
        data = super().clean()
        if data.get("result") == SampleResult.PASS and not all(data.get(f"q{i}") for i in range(len(self.checklist))):
            self.add_error("result", "A case with an unmet checklist item cannot pass.")
        return data


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200)
    topic = forms.ChoiceField(choices=PLAN_TOPIC_CHOICES, label="Measure or criterion")
    baseline = forms.DecimalField(max_digits=10, decimal_places=2)
    target = forms.DecimalField(max_digits=10, decimal_places=2)
    target_on = forms.DateField(widget=DateInput(), label="Target date")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()


class PlanActionForm(forms.Form):
    description = forms.CharField(max_length=500)
    owner = forms.ModelChoiceField(queryset=User.objects.none())
    due_on = forms.DateField(widget=DateInput(), label="Due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()


class PlanNoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Progress note")


class GoalForm(forms.Form):
    level = forms.ChoiceField(choices=GoalLevel.choices)
    unit = forms.CharField(max_length=80, required=False, help_text="For a unit goal.")
    caseworker = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="For a caseworker goal."
    )
    measure = forms.ChoiceField(choices=TRACKED_CHOICES)
    fiscal_year = forms.IntegerField(**YEAR)
    target = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, help_text="Percentage (or ratio).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = staff_choices()

    def clean(self):
        data = super().clean()
        if data.get("level") == GoalLevel.UNIT and not data.get("unit"):
            self.add_error("unit", "Name the unit.")
        if data.get("level") == GoalLevel.CASEWORKER and not data.get("caseworker"):
            self.add_error("caseworker", "Choose the caseworker.")
        return data


class CriterionRuleForm(forms.Form):
    """A new version of a criterion's checklist (``services.criterion_rule_revise``)."""

    checklist = forms.CharField(
        label="Checklist", widget=forms.Textarea(attrs={"rows": 6}), help_text="One question per line."
    )
    citation = forms.CharField(max_length=200)
    needs_confirmation = forms.BooleanField(
        required=False, label="To confirm", help_text="Text from a secondary source: confirm locally."
    )
    effective_from = forms.DateField(
        label="Takes effect from",
        widget=DateInput(),
        help_text="Reviews whose period ends on or after this day are scored against the new checklist.",
    )
    reason = forms.CharField(label="Reason for the change", max_length=300)

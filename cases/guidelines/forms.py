from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import timezone

from core.dates import display_date
from core.forms import DateInput, MoneyField
from core.money import display

from .ca import MAX_ENTERED_THRESHOLD

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
OPTIONAL: dict[str, Any] = {**MONEY, "required": False, "initial": Decimal("0")}
NY_DEDUCTIONS = (
    ("fica", "FICA actually paid"),
    ("local_tax", "NYC or Yonkers income tax paid"),
    ("maintenance_paid", "Maintenance paid to the other parent"),
    ("other_support_paid", "Support paid for other children"),
)
NY_DEDUCTION_HELP = {
    "maintenance_paid": "Deducted from this parent's income and, from 2016-01-24, added to the other "
    "parent's (DRL 240(1-b)(b)(5)(iii)(I), L. 2015 c. 387).",
}
NY_ADD_ONS = (
    ("child_care_annual", "Child care (annual)"),
    ("health_insurance_annual", "Health insurance premiums for the children (annual)"),
    ("unreimbursed_health_annual", "Unreimbursed health expenses (annual)"),
    ("education_annual", "Education (annual, as the court directs)"),
)


class NyGuidelineForm(forms.Form):
    payor_income = MoneyField(
        label="Payor's annual gross income", **MONEY, help_text="Before the deductions below (DRL 240(1-b)(b)(5))."
    )
    other_income = MoneyField(label="Other parent's annual gross income", **MONEY)
    children = forms.IntegerField(min_value=1, max_value=20, initial=1)
    as_of = forms.DateField(
        label="As of",
        widget=DateInput,
        initial=timezone.localdate,
        help_text="The date whose cap, poverty guideline and self-support reserve apply.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for who, whose in (("payor", "Payor"), ("other", "Other parent")):
            for key, label in NY_DEDUCTIONS:
                self.fields[f"{who}_{key}"] = MoneyField(
                    label=f"{whose}: {label} (annual)", **OPTIONAL, help_text=NY_DEDUCTION_HELP.get(key, "")
                )
        for key, label in NY_ADD_ONS:
            self.fields[key] = MoneyField(
                label=label, **OPTIONAL, help_text="Paid by the custodial parent; the payor's income share is added."
            )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value < date(1989, 9, 15):
            raise forms.ValidationError("The CSSA applies from 1989-09-15.")
        return value

    def calculator_kwargs(self) -> dict:
        data = self.cleaned_data
        deductions = tuple(
            {key: data.get(f"{who}_{key}") or Decimal("0") for key, _ in NY_DEDUCTIONS} for who in ("payor", "other")
        )
        return {
            "gross_incomes": (data["payor_income"], data["other_income"]),
            "deductions": deductions,
            "add_ons": {key: data.get(key) or Decimal("0") for key, _ in NY_ADD_ONS},
            "children": data["children"],
        }


class CaGuidelineForm(forms.Form):
    high_earner_net_monthly = MoneyField(label="High earner's net monthly income", **MONEY)
    total_net_monthly = MoneyField(
        label="Total net monthly income of both parents", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    high_earner_timeshare = forms.DecimalField(
        label="High earner's share of parenting time",
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        help_text="A fraction from 0 to 1, e.g. 0.20 for 20%.",
    )
    children = forms.IntegerField(min_value=1, max_value=10, initial=1)
    as_of = forms.DateField(label="As of", widget=DateInput, initial=timezone.localdate)
    low_income_adjustment = forms.ChoiceField(
        label="Low-income adjustment",
        required=False,
        initial="apply",
        choices=[("apply", "Apply (the presumption)"), ("rebutted", "Presumption rebutted")],
        help_text="Fam. Code 4055(b)(7): applied at its maximum unless the presumption is rebutted.",
    )
    rebuttal_reason = forms.CharField(label="Why the presumption is rebutted", required=False, max_length=500)
    low_income_threshold = MoneyField(
        label="Low-income threshold (monthly)",
        max_value=MAX_ENTERED_THRESHOLD,
        error_messages={"max_value": f"The low-income threshold is at most {display(MAX_ENTERED_THRESHOLD)} a month."},
        required=False,
        help_text="Only for a date before 2024-09-01: the Judicial Council's low-income threshold for that year "
        "(former Fam. Code 4055(b)(7)).",
    )
    child_care_monthly = MoneyField(
        label="Child care (monthly)",
        **OPTIONAL,
        help_text=(
            "From 2024-09-01 shared in proportion to net incomes after the child support paid "
            "(Fam. Code 4061(a), (d)); before, one-half each (former 4061(a))."
        ),
    )
    uninsured_health_monthly = MoneyField(label="Uninsured health costs (monthly)", **OPTIONAL)

    def clean(self):
        cleaned = super().clean()
        hn, tn = cleaned.get("high_earner_net_monthly"), cleaned.get("total_net_monthly")
        if hn is not None and tn is not None and hn > tn:
            self.add_error("high_earner_net_monthly", "Cannot exceed the total net monthly income.")
        cleaned["low_income_adjustment"] = cleaned.get("low_income_adjustment") or "apply"
        if cleaned["low_income_adjustment"] == "rebutted" and not (cleaned.get("rebuttal_reason") or "").strip():
            self.add_error("rebuttal_reason", "Record why the presumption is rebutted.")
        return cleaned

    def calculator_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "high_earner_net_monthly": data["high_earner_net_monthly"],
            "total_net_monthly": data["total_net_monthly"],
            "high_earner_timeshare": data["high_earner_timeshare"],
            "children": data["children"],
            "low_income_adjustment": data["low_income_adjustment"],
            "rebuttal_reason": data.get("rebuttal_reason", ""),
            "low_income_threshold": data.get("low_income_threshold"),
            "add_ons": {
                "child_care_monthly": data.get("child_care_monthly") or Decimal("0"),
                "uninsured_health_monthly": data.get("uninsured_health_monthly") or Decimal("0"),
            },
        }


def labelled_inputs(form: forms.Form, values: dict) -> list[tuple[str, str]]:
    """The inputs of a calculation as a person reads them, in the form's order: each field's label in
    words (the field name when it has none), amounts as ``$1,250.00``, choices by their label, the
    parenting-time share as a percentage, yes/no; empty and zero optional amounts left out. ``values``
    are the form's cleaned data or the strings a review stored."""
    shown = []
    for name, field in form.fields.items():
        raw = values.get(name)
        if raw is None or raw == "":
            continue
        label = str(form[name].label)
        if isinstance(field, forms.BooleanField):
            value = "Yes" if raw is True or str(raw) == "True" else "No"
        elif isinstance(field, forms.ChoiceField):
            value = str(dict(cast(Iterable[tuple[Any, Any]], field.choices)).get(raw, raw))
        elif isinstance(field, forms.DateField):
            value = display_date(raw if isinstance(raw, date) else date.fromisoformat(str(raw)))
        elif isinstance(field, forms.DecimalField):
            try:
                amount = Decimal(str(raw))
            except InvalidOperation:
                continue
            if isinstance(field, MoneyField):
                if not amount and not field.required:
                    continue
                value = display(amount)
            else:  # the parenting-time share, a fraction from 0 to 1
                value = f"{(amount * 100).normalize():f}%"
        else:
            value = str(raw)
        shown.append((label, value))
    return shown

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from core.forms import DateInput

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class NyGuidelineForm(forms.Form):
    payor_income = forms.DecimalField(label="Payor's annual income after deductions", **MONEY,
                                      help_text="Gross income minus FICA, NYC/Yonkers tax, maintenance and other "
                                                "children's support paid (DRL 240(1-b)(b)(5)).")
    other_income = forms.DecimalField(label="Other parent's annual income after deductions", **MONEY)
    children = forms.IntegerField(min_value=1, max_value=20, initial=1)
    as_of = forms.DateField(label="As of", widget=DateInput, initial=timezone.localdate,
                            help_text="The date whose income cap applies.")

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value < date(1989, 9, 15):
            raise forms.ValidationError("The CSSA applies from 1989-09-15.")
        return value


class CaGuidelineForm(forms.Form):
    high_earner_net_monthly = forms.DecimalField(label="High earner's net monthly income", **MONEY)
    total_net_monthly = forms.DecimalField(label="Total net monthly income of both parents", max_digits=12,
                                           decimal_places=2, min_value=Decimal("0.01"))
    high_earner_timeshare = forms.DecimalField(
        label="High earner's share of parenting time", max_digits=5, decimal_places=4,
        min_value=Decimal("0"), max_value=Decimal("1"), help_text="A fraction from 0 to 1, e.g. 0.20 for 20%.")
    children = forms.IntegerField(min_value=1, max_value=10, initial=1)
    as_of = forms.DateField(label="As of", widget=DateInput, initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        hn, tn = cleaned.get("high_earner_net_monthly"), cleaned.get("total_net_monthly")
        if hn is not None and tn is not None and hn > tn:
            self.add_error("high_earner_net_monthly", "Cannot exceed the total net monthly income.")
        return cleaned

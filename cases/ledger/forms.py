from django import forms

from core.dates import date_refusal
from core.forms import ExplainedReasonForm

from ..choices import CollectionReverseReason
from ..models import Case


class ReleaseForm(forms.Form):
    case_number = forms.CharField(
        max_length=20, label="Case number", help_text="The open case this payment belongs to."
    )
    note = forms.CharField(max_length=300, required=False, label="How it was identified")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].replace("\x00", "").strip().upper()
        case = Case.objects.restrict(self.user, "view").filter(case_number=number).first() if self.user else None
        if case is None:
            raise forms.ValidationError("No case with this number that you may see.")
        if not case.is_open:
            raise forms.ValidationError("The case is closed: release to an open case.")
        self.case = case
        return number


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why", help_text="E.g. the payer's cheque was returned unpaid.")


class StatementRangeForm(forms.Form):
    """The dates a statement covers (both included); every value validated, nothing required."""

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        from .statement import MAX_YEARS

        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            if problem := date_refusal(data.get(name)):
                self.add_error(name, problem)
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        if start and end and (end - start).days > MAX_YEARS * 366:
            raise forms.ValidationError(f"A statement covers at most {MAX_YEARS} years.")
        return data


class CollectionReverseForm(ExplainedReasonForm):
    """Reversing a posted payment from the case page (``collection_reverse``): why, in words the
    event keeps."""

    other_reason, why = CollectionReverseReason.OTHER, "the payment is reversed"

    reason = forms.ChoiceField(
        choices=CollectionReverseReason.choices, widget=forms.RadioSelect, label="Why the payment is reversed"
    )
    reason_text = forms.CharField(
        max_length=150,
        required=False,
        label="Details",
        help_text="E.g. the bank's return reason or the right case number. Required for “Other”.",
    )

    def reason_line(self) -> str:
        """The reason as the service records it: the choice, then the details."""
        data = self.cleaned_data
        text = (data.get("reason_text") or "").replace("\x00", "").strip()
        label = str(CollectionReverseReason(data["reason"]).label)
        return f"{label}: {text}" if text else label

from django import forms

from ..models import Case


class ReleaseForm(forms.Form):
    case_number = forms.CharField(max_length=20, label="Case number", help_text="The open case this payment belongs to.")
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

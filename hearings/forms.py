from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from complaints.forms import ContactMixin
from core.forms import DateInput

from .choices import Issue, Mode, Outcome


class HearingRequestForm(ContactMixin):
    complaint_number = forms.CharField(label="Complaint number", max_length=20, required=False,
                                       help_text="Leave empty for a request made directly (no resolution within 30 days).")
    case_number = forms.CharField(label="Case number", max_length=40, required=False)
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    contact_email = forms.EmailField(label="Email", required=False)
    contact_phone = forms.CharField(label="Phone", max_length=30, required=False)
    issue = forms.ChoiceField(label="What should the hearing decide?", choices=Issue.choices)
    statement = forms.CharField(label="Statement", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    requested_on = forms.DateField(label="Date requested", widget=DateInput)
    complaint_made_on = forms.DateField(label="Date the complaint was made (direct requests)", required=False,
                                        widget=DateInput)
    resolution_received_on = forms.DateField(label="Date the written resolution was received", required=False,
                                             widget=DateInput)
    alternate_route = forms.CharField(label="Alternate route offered (court matters)", required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    interpreter_language = forms.CharField(label="Interpreter language", max_length=60, required=False)
    accommodation_needs = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = timezone.localdate()
        # With a complaint, empty contact details are taken from the complaint.
        self.contact_optional = complaint is not None

    def clean_requested_on(self):
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise ValidationError("The request date cannot be in the future.")
        return value


class GoodCauseForm(forms.Form):
    found = forms.TypedChoiceField(label="Good cause for the late request?", coerce=lambda v: v == "yes",
                                   choices=[("yes", "Yes: accept the request"), ("no", "No: dismiss it")])
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def officers():
    return (User.objects.filter(is_active=True, groups__name="hearing_officer")
            .distinct().order_by("last_name", "first_name", "username"))


class ScheduleForm(forms.Form):
    officer = forms.ModelChoiceField(label="Hearing officer", queryset=User.objects.none())
    starts_at = forms.DateTimeField(label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    mode = forms.ChoiceField(choices=Mode.choices)
    location = forms.CharField(label="Place, phone bridge or video link", max_length=300)
    interpreter_language = forms.CharField(max_length=60, required=False)
    accommodation_needs = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    decided_on = forms.DateField(label="Decision date", widget=DateInput)
    summary = forms.CharField(label="Decision", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    actions = forms.CharField(
        label="Compliance actions ordered", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: YYYY-MM-DD due date, a space, then what the agency must do.")

    def clean_actions(self):
        from datetime import date

        parsed = []
        for number, line in enumerate(self.cleaned_data.get("actions", "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            head, _, text = line.partition(" ")
            try:
                due_on = date.fromisoformat(head)
            except ValueError:
                raise ValidationError(f"Line {number}: start with a date as YYYY-MM-DD.") from None
            if not text.strip():
                raise ValidationError(f"Line {number}: say what must be done.")
            parsed.append((text.strip()[:1000], due_on))
        return parsed


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput)
    note = forms.CharField(max_length=1000, required=False)

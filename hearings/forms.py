from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import User
from complaints.forms import ContactMixin
from core.forms import DateInput, past_date

from . import selectors
from .choices import Issue, Mode, Outcome


class HearingRequestForm(ContactMixin):
    complaint_number = forms.CharField(
        label="Complaint number",
        max_length=20,
        required=False,
        help_text="Leave empty for a request made directly (no resolution within 30 days).",
    )
    case_number = forms.CharField(
        label="Case number",
        max_length=40,
        required=False,
        help_text="Direct requests: a case you can see, or leave empty.",
    )
    requester_name = forms.CharField(label="Requester's name", max_length=200)
    contact_email = forms.EmailField(label="Email", required=False)
    contact_phone = forms.CharField(label="Phone", max_length=30, required=False)
    issue = forms.ChoiceField(label="What should the hearing decide?", choices=Issue.choices)
    statement = forms.CharField(label="Statement", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    requested_on = forms.DateField(label="Date requested", widget=DateInput)
    complaint_made_on = forms.DateField(
        label="Date the complaint was made (direct requests)", required=False, widget=DateInput
    )
    resolution_received_on = forms.DateField(
        label="Date the written resolution was received",
        required=False,
        widget=DateInput,
        help_text="California counts the 90 days to ask from this date (Fam. Code 17801(c)); New York counts "
        "its 60 days from the date of the decision (18 NYCRR 358-3.5(b)(1)). Never earlier than the deadline "
        "the resolution notice stated.",
    )
    alternate_route = forms.CharField(
        label="Alternate route offered (court matters)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interpreter_language = forms.CharField(label="Interpreter language", max_length=60, required=False)
    accommodation_needs = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, user, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # a direct request's case number is looked up in what this user may view
        self.complaint = complaint
        self.fields["requested_on"].initial = timezone.localdate()
        # With a complaint, empty contact details are taken from the complaint (never shown here: an
        # FVI complainant's are withheld, cases.redaction.contact_copy).
        self.contact_optional = complaint is not None
        if self.contact_optional:
            for name in ("contact_email", "contact_phone"):
                self.fields[name].help_text = "Leave empty to use the contact given on the complaint."

    def clean_requested_on(self):
        return past_date(self.cleaned_data["requested_on"])

    def clean(self):
        from cases.selectors import case_visible_by_number

        data = super().clean()
        # A request from a complaint takes the complaint's case. A direct request's number must name
        # a case the user may view: another county's case is answered as a number that does not exist.
        data["case"] = None
        number = (data.get("case_number") or "").strip()
        if self.complaint is None and not data.get("complaint_number") and number:
            data["case"] = case_visible_by_number(user=self.user, case_number=number)
            if data["case"] is None:
                self.add_error("case_number", "No case you can see has this number.")
        return data


class GoodCauseForm(forms.Form):
    found = forms.TypedChoiceField(
        label="Good cause for the late request?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes: accept the request"), ("no", "No: dismiss it")],
    )
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, noticed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if noticed:  # California, a noticed dismissal: what the complainant showed (22 CCR 120211(b), 120213(b))
            found = self.fields["found"]
            assert isinstance(found, forms.TypedChoiceField)
            found.label = "Does what the complainant showed establish that it should not be dismissed?"
            found.choices = [("yes", "Yes: reinstate the request"), ("no", "No: dismiss it now")]


def officers():
    return (
        User.objects.filter(is_active=True, groups__name="hearing_officer")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ScheduleForm(forms.Form):
    officer = forms.ModelChoiceField(label="Hearing officer", queryset=User.objects.none())
    starts_at = forms.DateTimeField(label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=15,
        max_value=480,
        initial=60,
        required=False,
        help_text="The officer and the room or bridge are booked for this time.",
    )
    mode = forms.ChoiceField(choices=Mode.choices)
    location = forms.CharField(label="Place, phone bridge or video link", max_length=300)
    interpreter_language = forms.CharField(max_length=60, required=False)
    accommodation_needs = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()

    def clean_minutes(self):
        return self.cleaned_data.get("minutes") or 60


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        help_text=(
            "Granted or denied: after the hearing was held. Dismissed: once the hearing time has passed. "
            "Withdrawn: at any time."
        ),
    )
    decided_on = forms.DateField(label="Decision date", widget=DateInput)
    summary = forms.CharField(label="Decision", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


class ComplianceActionForm(forms.Form):
    """One compliance action a decision orders: what, who, by when."""

    description = forms.CharField(label="What the agency must do", max_length=1000, required=False)
    assigned_to = forms.ModelChoiceField(label="Who", queryset=User.objects.none(), required=False)
    due_on = forms.DateField(
        label="Due date",
        widget=DateInput,
        required=False,
        help_text="A weekend or holiday moves to the next business day.",
    )

    def __init__(self, *args, hearing_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = selectors.compliance_assignees(request=hearing_request)

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", "Give the due date.")
        if data.get("due_on") and not data.get("description"):
            self.add_error("description", "Say what must be done.")
        return data


ComplianceActionFormSet = forms.formset_factory(ComplianceActionForm, extra=3, max_num=20, validate_max=True)


class HeldForm(forms.Form):
    confirm = forms.BooleanField(label="The hearing took place", required=True)


class DismissForm(forms.Form):
    confirm = forms.BooleanField(label="The date in the notice of intended dismissal has come", required=True)


class NoShowForm(forms.Form):
    confirm = forms.BooleanField(
        label="No one came to the hearing: send the notice that the request will be dismissed in 15 days",
        required=True,
    )


class ReopenForm(forms.Form):
    """New York: what the appellant did to have an abandoned request reopened (18 NYCRR 358-5.5(a), (c))."""

    asked_on = forms.DateField(
        label="Day the appellant (or their representative) asked for the hearing to be rescheduled",
        widget=DateInput,
        help_text="Within one calendar year from the day the hearing was scheduled.",
    )
    reason = forms.CharField(
        label="The reason given for not appearing",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="The reason is good cause for not appearing: reopen the request and schedule it again",
        required=True,
    )


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput)
    note = forms.CharField(max_length=1000, required=False)

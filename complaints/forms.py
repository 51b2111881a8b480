"""Complaint forms: public web form, staff intake and the ombudsperson's actions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateInput, clean_phone, dates_in_order, past_date

from .choices import STAFF_CHANNELS, Category, Channel, CommChannel, Direction, Outcome, Party, ReferralTarget


def staff_investigators():
    return (
        User.objects.filter(is_active=True, groups__name__in=["ombudsperson", "coordinator"])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ContactMixin(forms.Form):
    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean(self):
        data = super().clean()
        optional = getattr(self, "contact_optional", False)
        if (
            not optional
            and not data.get("contact_email")
            and not data.get("contact_phone")
            and "contact_phone" not in self.errors
        ):
            self.add_error("contact_email", _("Give an email address or a phone number so we can reach you."))
        return data


class PublicComplaintForm(ContactMixin):
    complainant_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Email"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    case_number = forms.CharField(label=_("Case number (if you know it)"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    description = forms.CharField(
        label=_("Tell us what happened"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    known_on = forms.DateField(
        label=_("When did you learn of the action? (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("Complaints are normally made within 90 days; we accept later ones too."),
    )
    preferred_language = forms.CharField(
        label=_("Preferred language"),
        max_length=60,
        required=False,
        initial="English",
        help_text=_("Our letters to you will be in this language when we can."),
    )
    interpreter_needed = forms.BooleanField(label=_("I need an interpreter"), required=False)
    accommodation_needs = forms.CharField(label=_("Accommodation needs (optional)"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the reader is using is the likeliest answer (their letters follow it).
        self.fields["preferred_language"].initial = dict(settings.LANGUAGES).get(get_language() or "en", "English")

    def clean_known_on(self):
        known_on = self.cleaned_data.get("known_on")
        if known_on and known_on > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return known_on


class PublicStatusForm(forms.Form):
    number = forms.CharField(label=_("Confirmation number"), max_length=20)
    secret = forms.CharField(label=_("Secret code"), max_length=100, widget=forms.PasswordInput(render_value=False))


class PARTY:
    NONE = ""
    CP = "cp"
    NCP = "ncp"


class StaffComplaintForm(PublicComplaintForm):
    channel = forms.ChoiceField(label="Received by", choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    complainant_name = forms.CharField(label="Complainant's name", max_length=200)
    complainant_party = forms.ChoiceField(
        label="Complainant is",
        required=False,
        choices=[
            (PARTY.NONE, "Not a party (or unknown)"),
            (PARTY.CP, "The case's custodial parent"),
            (PARTY.NCP, "The case's noncustodial parent"),
        ],
    )
    received_on = forms.DateField(label="Date received", widget=DateInput)
    known_on = forms.DateField(
        label="Date the person knew of the action",
        required=False,
        widget=DateInput,
        help_text="More than 90 days before receipt is flagged (Fam. Code 17800), never refused.",
    )
    investigator = forms.ModelChoiceField(label="Investigator", queryset=User.objects.none(), required=False)
    field_order = [
        "channel",
        "received_on",
        "complainant_name",
        "complainant_party",
        "contact_email",
        "contact_phone",
        "case_number",
        "category",
        "description",
        "known_on",
        "preferred_language",
        "interpreter_needed",
        "accommodation_needs",
        "investigator",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the case number is looked up in what this user may view
        self.fields["investigator"].queryset = staff_investigators()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["interpreter_needed"].label = "Needs an interpreter"
        # Staff type what the complainant asked for: the staff member's own language is no answer,
        # and a blank one lets a case party's letters follow their record (``complaint_language``).
        self.fields["preferred_language"].initial = ""
        self.fields["preferred_language"].help_text = (
            "The language the complainant asks for; letters about this complaint use it. Leave blank to use a "
            "case party's language on file (else English)."
        )

    def clean_received_on(self):
        return past_date(self.cleaned_data["received_on"])

    def clean_known_on(self):
        return self.cleaned_data.get("known_on")

    def clean(self):
        from cases.selectors import case_visible_by_number

        from .services import caseworker_investigates

        data = super().clean()
        # A case the filer may not view is an unknown number: no link, no party, no letter on it,
        # and the same answers (a party's address must not reach another county's staff).
        case = case_visible_by_number(user=self.user, case_number=data.get("case_number", ""))
        data["case"] = case
        investigator = data.get("investigator")
        if investigator and caseworker_investigates(case=case, investigator_id=investigator.pk):
            self.add_error("investigator", "The case's own caseworker cannot investigate a complaint about the case.")
        party = data.get("complainant_party")
        data["complainant_person"] = None
        if party and case is None:
            self.add_error(
                "complainant_party", "Give the number of a case you may see to link the complainant to a case party."
            )
        elif party:
            data["complainant_person"] = case.cp if party == PARTY.CP else case.ncp
        dates_in_order(
            self, data, "known_on", "received_on", "This date cannot be after the date received.", error_on="known_on"
        )
        return data


class AssignForm(forms.Form):
    investigator = forms.ModelChoiceField(label="Investigator", queryset=User.objects.none())

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.fields["investigator"].queryset = staff_investigators()

    def clean_investigator(self):
        from .services import investigator_allowed

        investigator = self.cleaned_data["investigator"]
        problem = investigator_allowed(complaint=self.complaint, investigator=investigator) if self.complaint else None
        if problem:
            raise ValidationError(problem)
        return investigator


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="Extend by (days)", min_value=1, max_value=30)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class CommunicationForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=DateInput)
    direction = forms.ChoiceField(choices=Direction.choices)
    party = forms.ChoiceField(label="With", choices=Party.choices)
    party_name = forms.CharField(label="Name", max_length=200, required=False)
    channel = forms.ChoiceField(label="How", choices=CommChannel.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReferralForm(forms.Form):
    target_kind = forms.ChoiceField(label="Refer to", choices=ReferralTarget.choices)
    target_name = forms.CharField(label="Unit, agency or county", max_length=200)
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ForwardForm(forms.Form):
    forwarded_on = forms.DateField(label="Forwarded on", widget=DateInput)


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label="Answer received on", widget=DateInput)
    answer_summary = forms.CharField(label="Answer", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    resolved_on = forms.DateField(label="Resolution date", widget=DateInput)
    explanation = forms.CharField(
        label="Explanation (goes on the written notice)", max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReportForm(forms.Form):
    period = forms.ChoiceField(choices=[("month", "Month"), ("quarter", "Quarter")], initial="month")
    year = forms.IntegerField(min_value=2000, max_value=2100)
    number = forms.IntegerField(label="Month or quarter", min_value=1, max_value=12)

    def clean(self):
        data = super().clean()
        if data.get("period") == "quarter" and data.get("number") and data["number"] > 4:
            self.add_error("number", "A quarter is 1 to 4.")
        return data


CHANNEL_WEB = Channel.WEB


class CaseLinkForm(forms.Form):
    """Link a complaint to its case, by the case number (looked up in what the user may view)."""

    case_number = forms.CharField(label="Case number", max_length=40)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the complaint is linked to another case already: why that link was wrong.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case_number(self):
        from cases.selectors import case_visible_by_number

        case = case_visible_by_number(user=self.user, case_number=self.cleaned_data["case_number"])
        if case is None:
            raise ValidationError("No case with this number that you may see.")
        self.cleaned_data["case"] = case
        return case.case_number

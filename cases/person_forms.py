"""Forms that keep a person's record current: their details, and their SSN corrected or removed.

An FVI person's phone and e-mail are whereabouts (42 USC 654(26), ``cases.redaction``): the details
form never carries them; it offers empty "replace" boxes instead (blank keeps what is on file).
Neither form writes a value it was given back into the page after an error where that value is an
SSN or an FVI person's whereabouts (``NoEchoTextInput``).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language_info

from core.forms import DateInput, NoEchoTextInput, clean_phone, past_date

from .choices import Sex
from .forms import SSNField
from .languages import NAMES
from .models import Person
from .redaction import PERSON_WHEREABOUTS_FIELDS, whereabouts_shown
from .services.people import REASON_MAX, SSN_IN_REASON, ssn_in_text


class SsnFreeTextarea(forms.Textarea):
    """A reason box that does not send back, after an error, text holding an SSN
    (``ssn_in_text``: the form refuses it; the SSN is not written back into the page)."""

    def format_value(self, value: Any) -> str | None:
        if value and ssn_in_text(str(value)):
            return None
        return super().format_value(value)


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """The languages a person may prefer (``cases.languages``), by name, plus the code on file when
    it is not one of them."""
    codes = set(NAMES.values())

    def name(code: str) -> str:
        try:
            return str(get_language_info(code)["name"])
        except KeyError:
            return code

    choices = sorted(((code, name(code)) for code in codes), key=lambda choice: choice[1])
    if current and current not in codes:
        choices.append((current, current))
    return [("", "Not known"), *choices]


class PersonEditForm(forms.Form):
    """A person's details (``cases.services.person_update``). Built on ``person``: its values are
    the initial ones, except an FVI person's phone and e-mail, which are neither shown nor carried."""

    first_name = forms.CharField(max_length=80, label="First name")
    middle_name = forms.CharField(max_length=80, required=False, label="Middle name")
    last_name = forms.CharField(max_length=80, label="Last name")
    date_of_birth = forms.DateField(widget=DateInput, required=False, label="Date of birth")
    sex = forms.ChoiceField(choices=Sex.choices, label="Sex")
    phone = forms.CharField(max_length=30, required=False, label="Phone")
    email = forms.EmailField(max_length=254, required=False, label="E-mail")
    preferred_language = forms.ChoiceField(required=False, label="Preferred language")
    needs_interpreter = forms.BooleanField(required=False, label="Needs an interpreter")
    language_note = forms.CharField(
        max_length=60,
        required=False,
        label="Language note",
        help_text="The language as the person gave it, when it is not in the list (e.g. ASL).",
    )
    deceased_on = forms.DateField(widget=DateInput, required=False, label="Date of death")

    REPLACE = {"phone": "replace_phone", "email": "replace_email"}

    def __init__(self, *args, person: Person, **kwargs):
        self.person = person
        self.protected = not whereabouts_shown(person)
        initial = {
            name: getattr(person, name)
            for name in self.base_fields
            if not (self.protected and name in PERSON_WHEREABOUTS_FIELDS)
        }
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = language_choices(person.preferred_language)
        if self.protected:
            # Whereabouts of an FVI person: no box holds the value on file (42 USC 654(26)).
            del self.fields["phone"], self.fields["email"]
            fields = dict(self.fields)
            self.fields.clear()
            for name, field in fields.items():
                self.fields[name] = field
                if name == "sex":
                    self.fields["replace_phone"] = forms.CharField(
                        max_length=30,
                        required=False,
                        label="Replace the phone on file",
                        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
                        help_text="Withheld (family violence indicator). Leave empty to keep the phone on file.",
                    )
                    self.fields["replace_email"] = forms.EmailField(
                        max_length=254,
                        required=False,
                        label="Replace the e-mail on file",
                        widget=NoEchoTextInput(attrs={"autocomplete": "off", "type": "email"}),
                        help_text="Withheld (family violence indicator). Leave empty to keep the e-mail on file.",
                    )

    def clean_date_of_birth(self):
        return past_date(self.cleaned_data.get("date_of_birth"))

    def clean_deceased_on(self):
        return past_date(self.cleaned_data.get("deceased_on"))

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_replace_phone(self):
        return clean_phone(self.cleaned_data.get("replace_phone", ""))

    def clean(self):
        data = super().clean()
        born, died = data.get("date_of_birth"), data.get("deceased_on")
        if born and died and died < born:
            self.add_error("deceased_on", "The date of death cannot be before the date of birth.")
        return data

    def service_data(self) -> dict[str, Any]:
        """The details for ``person_update``: an FVI person's phone or e-mail only when replaced."""
        data = {name: value for name, value in self.cleaned_data.items() if name in self.base_fields}
        for name, box in self.REPLACE.items():
            if self.cleaned_data.get(box):
                data[name] = self.cleaned_data[box]
        return data


class PersonSsnForm(forms.Form):
    """Correct a person's SSN (typed twice), or remove the one on file; with a reason either way."""

    CORRECT, REMOVE = "correct", "remove"
    action = forms.ChoiceField(
        choices=[
            (CORRECT, "Correct the SSN"),
            (REMOVE, "Remove the SSN on file (it is wrong and the right one is not known)"),
        ],
        initial=CORRECT,
        widget=forms.RadioSelect,
        label="What to do",
    )
    ssn = SSNField(label="New SSN", widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    ssn_again = SSNField(
        label="New SSN again", widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "numeric"})
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=SsnFreeTextarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Why the SSN on file is wrong, and how the right one was confirmed. Do not type an SSN here.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if ssn_in_text(reason):
            raise forms.ValidationError(SSN_IN_REASON)
        return reason

    def clean(self):
        data = super().clean()
        if data.get("action") == self.CORRECT:
            if not data.get("ssn") and "ssn" not in self.errors:
                self.add_error("ssn", "Enter the 9 digits of the new SSN.")
            elif data.get("ssn") and data.get("ssn_again") != data.get("ssn") and "ssn_again" not in self.errors:
                self.add_error("ssn_again", "The two SSNs typed differ: type the new SSN again.")
        elif data.get("action") == self.REMOVE and (data.get("ssn") or data.get("ssn_again")):
            self.add_error("ssn", "Leave the SSN boxes empty to remove the SSN on file.")
        return data

    @property
    def new_ssn(self) -> str:
        return self.cleaned_data["ssn"] if self.cleaned_data.get("action") == self.CORRECT else ""

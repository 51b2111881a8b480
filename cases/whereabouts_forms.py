"""Forms for a person's whereabouts: a new address, the family violence indicator set and removed.
The services (``cases.services.whereabouts``) check the same rules again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import DateInput, NoEchoTextInput, past_date

from .services.whereabouts import ADDRESS_SOURCES_BY_HAND, REASON_MAX, postal_code_clean, state_clean


def address_fields(*, required: bool, prefix: str = "", withheld: bool = False) -> dict[str, forms.Field]:
    """The five fields of a US address, named ``<prefix>line1`` ... (``address_`` on the locate form).
    ``withheld``: the address of an FVI person (42 USC 654(26)): what was typed is not written back
    into the page after an error (``NoEchoTextInput``)."""

    def box(attrs: dict[str, str | int] | None = None) -> forms.TextInput:
        if withheld:
            return NoEchoTextInput(attrs={"autocomplete": "off", **(attrs or {})})
        return forms.TextInput(attrs=attrs)

    return {
        f"{prefix}line1": forms.CharField(max_length=120, required=required, label="Street address", widget=box()),
        f"{prefix}line2": forms.CharField(
            max_length=120, required=False, label="Apartment, suite, unit (optional)", widget=box()
        ),
        f"{prefix}city": forms.CharField(max_length=80, required=required, label="City", widget=box()),
        f"{prefix}state": forms.CharField(
            max_length=2,
            required=required,
            label="State",
            help_text="Two letters (NY).",
            widget=box({"autocomplete": "off", "size": 3}),
        ),
        f"{prefix}postal_code": forms.CharField(
            max_length=10,
            required=required,
            label="ZIP code",
            help_text="5 digits, or ZIP+4 (12203-1234).",
            widget=box({"inputmode": "numeric", "autocomplete": "off", "size": 11}),
        ),
    }


def address_checked(form: forms.Form, prefix: str = "") -> dict[str, str]:
    """The address fields of ``form`` (``cleaned_data``) with the state and ZIP checked: errors on the
    form's fields. Empty when no field was filled."""
    values = {name: (form.cleaned_data.get(f"{prefix}{name}") or "").strip() for name in ADDRESS_NAMES}
    if not any(values.values()):
        return {}
    for name in ("line1", "city", "state", "postal_code"):
        field = f"{prefix}{name}"
        if field in form.errors:  # a required field left empty: the form said so already
            continue
        if not values[name]:
            form.add_error(field, "This field is required.")
        elif name in CHECKS:
            try:
                values[name] = CHECKS[name](values[name])
            except ValidationError as exc:
                form.add_error(field, exc.messages)
    return values


CHECKS = {"state": state_clean, "postal_code": postal_code_clean}


ADDRESS_NAMES = ("line1", "line2", "city", "state", "postal_code")


class AddressForm(forms.Form):
    """A person's new address (``cases.services.whereabouts.address_record``)."""

    valid_from = forms.DateField(
        widget=DateInput,
        label="Lives there from",
        help_text="Not in the future; the current address ends the day before.",
    )
    source = forms.ChoiceField(choices=[("", "—"), *ADDRESS_SOURCES_BY_HAND], label="Where the address came from")

    def __init__(self, *args, withheld: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {**address_fields(required=True, withheld=withheld), **self.fields}

    def clean_valid_from(self):
        return past_date(self.cleaned_data["valid_from"])

    def clean(self):
        cleaned = super().clean()
        address_checked(self)
        return cleaned


class FviSetForm(forms.Form):
    reported_on = forms.DateField(
        widget=DateInput, label="Reported on", help_text="The day the family violence was disclosed to the office."
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What was disclosed, and by whom",
        help_text=f"At most {REASON_MAX} characters. Do not write where the person lives or works.",
    )

    def clean_reported_on(self):
        return past_date(self.cleaned_data["reported_on"])


class FviClearForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why the indicator is removed",
        help_text=f"At most {REASON_MAX} characters (a court order, the person's written request...).",
    )
    confirmed = forms.BooleanField(
        label="I understand that the person's addresses, phone and employer will be visible to everyone who can "
        "open the case.",
        error_messages={"required": "Confirm that the person's whereabouts will be visible again."},
    )

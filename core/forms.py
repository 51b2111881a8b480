"""Form rendering: labels, help text and errors next to each field, Bootstrap classes, no JS needed."""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2, TemplatesSetting
from django.utils.functional import cached_property

from core.dates import date_refusal
from core.reasons import other_unexplained


class CaseworksFormRenderer(TemplatesSetting):
    """The project's form and field layouts (``partials/``) and the admin's templates through the
    project's template settings; Django's own widget templates (``django/forms/widgets/``) through
    Django's Jinja2 form renderer, its copies of the same templates.

    A page of forms renders each attribute, option and input of every widget as a template of its
    own (12,000 renders of ``attrs.html`` in the FVI sweep): Jinja2 renders these about five times
    faster, and the HTML is the same but for white space and ``&#39;`` for ``&#x27;`` (issue 18.1).
    To change a built-in widget's markup, put a Jinja2 template at the same name in an app's
    ``jinja2/`` folder (tests/core/test_forms.py refuses a Django template there, which would be
    ignored)."""

    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"
    BUILT_IN_WIDGETS = "django/forms/widgets/"

    @cached_property
    def _widget_renderer(self) -> Jinja2:
        return Jinja2()

    def get_template(self, template_name):
        if template_name.startswith(self.BUILT_IN_WIDGETS):
            return self._widget_renderer.get_template(template_name)
        return super().get_template(template_name)


# A phone number as every form takes it (complaints, hearing requests, a person's details).
PHONE_RE = re.compile(r"^\+?[0-9 ().-]{7,25}$")


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and (not PHONE_RE.match(value) or not 7 <= sum(ch.isdigit() for ch in value) <= 15):
        raise ValidationError("Enter a phone number of 7 to 15 digits (spaces, dashes and brackets are fine).")
    return value


def past_date(value: date | None) -> date | None:
    """A date field's check (``clean_<field>`` or ``validators=``): between 1900 and today
    (``core.dates.date_refusal``, the services' rule). Returns the value."""
    if problem := date_refusal(value, future=False):
        raise ValidationError(problem)
    return value


def bounded_date(value: date | None) -> date | None:
    """A date field's check when the date may be in the future: between 1900 and 2100."""
    if problem := date_refusal(value):
        raise ValidationError(problem)
    return value


class NoEchoTextInput(forms.TextInput):
    """A text box that is always empty when the page is drawn, even after an error: what was typed
    (an SSN, an FVI person's new phone or address) is not sent back in the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MoneyInput(forms.TextInput):
    """A text box (not ``type=number``, which refuses ``$1,250.00``) with the decimal keypad on phones."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        from decimal import Decimal

        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return super().format_value(value)


class MoneyField(forms.DecimalField):
    """Every money input: accepts ``$1,250.00``, ``1,250``, ``1250.5`` (``core.money.parse_money_input``).

    Positive by default; ``allow_zero``/``allow_negative`` for the few inputs that take them.
    """

    widget = MoneyInput
    default_error_messages = {"invalid": "Enter an amount such as $1,250.00."}

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        minimum = kwargs.get("min_value")
        self.allow_zero = allow_zero or (minimum is not None and minimum <= 0)
        self.allow_negative = allow_negative
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        from core.money import parse_money_input

        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_money_input(value, allow_zero=self.allow_zero, allow_negative=self.allow_negative)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def widget_attrs(self, widget):
        # DecimalField adds step/min/max for number inputs; a text box takes none of them.
        return {} if isinstance(widget, MoneyInput) else super().widget_attrs(widget)


class SecurityLogFilterForm(forms.Form):
    """The security report's filters; every field optional, every value validated."""

    username = forms.CharField(label="User", max_length=150, required=False)
    kind = forms.ChoiceField(label="Kind", required=False)
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from .models import AccessLog

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any"), *AccessLog.Kind.choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


def dates_in_order(
    form: forms.BaseForm, data: dict, earlier: str, later: str, message: str, *, error_on: str = ""
) -> None:
    """When both are given and ``later`` comes before ``earlier``, ``message`` on the field
    ``error_on`` (by default ``later``)."""
    if data.get(earlier) and data.get(later) and data[later] < data[earlier]:
        form.add_error(error_on or later, message)


class ExplainedReasonForm(forms.Form):
    """A form with a ``reason`` choice and its ``reason_text``: "Other" (``other_reason``) needs a
    few words of why (``core.reasons``), asked as "Say why {why}." on the explanation."""

    other_reason: str
    why: str

    def clean(self):
        data = super().clean()
        if other_unexplained(data.get("reason"), data.get("reason_text"), other=self.other_reason):
            self.add_error("reason_text", f"Say why {self.why}.")
        return data


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class SelectedRowsForm(forms.Form):
    """The rows ticked on a list for a bulk action: ids only (each is checked again per row)."""

    MAX_ROWS = 200

    ids = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Selected rows",
        error_messages={"required": "Tick at least one row.", "invalid_choice": "A selected row is not a number."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any positive integer may be chosen here: whether the user may act on it is decided per row.
        data = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [
            (v, v) for v in data[: self.MAX_ROWS * 2] if str(v).isdigit() and len(str(v)) < 12
        ]

    def clean_ids(self):
        ids = list(dict.fromkeys(self.cleaned_data["ids"]))
        if len(ids) > self.MAX_ROWS:
            raise forms.ValidationError(f"Select at most {self.MAX_ROWS} rows at a time.")
        return ids

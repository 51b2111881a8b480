"""Form rendering: labels, help text and errors next to each field, Bootstrap classes, no JS needed."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class CaseworksFormRenderer(TemplatesSetting):
    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)

"""Form rendering: labels, help text and errors next to each field, Bootstrap classes, no JS needed."""

from django import forms
from django.forms.renderers import TemplatesSetting


class CaseworksFormRenderer(TemplatesSetting):
    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

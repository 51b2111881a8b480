"""The form renderer: the project's layouts as Django templates, Django's built-in widgets through
its Jinja2 copies of them (core.forms.CaseworksFormRenderer)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting

from core.forms import CaseworksFormRenderer, DateInput, MoneyInput, dates_in_order


class EveryWidget(forms.Form):
    name = forms.CharField(max_length=40, help_text="As on the order", initial='O\'Brien & "Sons" <b>')
    notes = forms.CharField(widget=forms.Textarea, required=False)
    county = forms.ChoiceField(choices=[("", "—"), ("albany", "Albany's"), ("erie", "Erie")], initial="erie")
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    route = forms.ChoiceField(choices=[("mail", "Mail"), ("email", "Email")], widget=forms.RadioSelect)
    agreed = forms.BooleanField(required=False)
    on = forms.DateField(widget=DateInput)
    amount = forms.DecimalField(widget=MoneyInput)
    count = forms.IntegerField(min_value=0)
    token = forms.CharField(widget=forms.HiddenInput, initial="x")


def _same_markup(text: str) -> str:
    """The HTML with white space between and within tags folded, and the two spellings of the same
    character references made one (Django writes ``&#x27;`` and ``&quot;``, Jinja2 ``&#39;`` and ``&#34;``)."""
    text = text.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", text)).strip()


def test_built_in_widgets_render_through_jinja2_as_django_templates_would():
    ours = CaseworksFormRenderer()
    assert type(ours.get_template("django/forms/widgets/select.html")).__module__ == "django.template.backends.jinja2"
    assert type(ours.get_template("partials/field.html")).__module__ == "django.template.backends.django"
    bound = EveryWidget(data={"name": "", "county": "nowhere", "count": "-1"})
    assert not bound.is_valid()  # errors shown too
    for form in (EveryWidget(), bound):
        fast = form.render(renderer=ours)
        plain = form.render(renderer=TemplatesSetting())  # Django's templates for every widget
        assert _same_markup(fast) == _same_markup(plain)
    unbound = EveryWidget().render(renderer=ours)
    assert 'value="O&#39;Brien &amp; &#34;Sons&#34; &lt;b&gt;"' in unbound  # escaped, not markup
    assert '<option value="erie" selected>Erie</option>' in unbound


def test_no_django_template_overrides_a_built_in_widget():
    """It would be ignored: built-in widgets come from Jinja2 templates (an app's ``jinja2/``)."""
    folders = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    folders += [Path(settings.BASE_DIR) / app / "templates" for app in settings.CASEWORKS_APPS]
    overrides = [p for f in folders for p in f.glob(CaseworksFormRenderer.BUILT_IN_WIDGETS + "*")]
    assert not overrides, f"move these to an app's jinja2/ folder, as Jinja2: {overrides}"


class _PeriodForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("2024-03-01", "2024-02-29", {"end": ["Ends before it starts."]}),
        ("2024-03-01", "2024-03-01", {}),
        ("2024-03-01", "", {}),
        ("", "2024-02-29", {}),
    ],
)
def test_dates_in_order_flags_the_later_field_only_when_both_are_given_and_out_of_order(start, end, errors):
    form = _PeriodForm({"start": start, "end": end})
    assert form.is_valid()

    dates_in_order(form, form.cleaned_data, "start", "end", "Ends before it starts.")

    assert form.errors == errors


def test_dates_in_order_may_put_the_message_on_the_earlier_field():
    form = _PeriodForm({"start": "2024-03-01", "end": "2024-02-29"})
    assert form.is_valid()

    dates_in_order(form, form.cleaned_data, "start", "end", "Too late.", error_on="start")

    assert form.errors == {"start": ["Too late."]}

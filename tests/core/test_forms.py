"""The form renderer: the project's layouts as Django templates, Django's built-in widgets through
its Jinja2 copies of them (core.forms.CaseworksFormRenderer)."""

from __future__ import annotations

import re
from datetime import date
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


# --- one rule for dates: 1900 to 2100, and not in the future where it happened (core.dates) ---------


@pytest.mark.parametrize("typed", [date(1, 1, 1), date(1800, 1, 1), date(1899, 12, 31), date(2101, 1, 1)])
def test_a_date_outside_1900_to_2100_is_refused_by_the_form_helpers_and_the_services_rule(typed):
    from django.core.exceptions import ValidationError

    from core.dates import date_refusal, not_in_future
    from core.forms import bounded_date, past_date

    assert date_refusal(typed) == "Enter a date between 1900 and 2100."
    for check in (past_date, bounded_date):
        with pytest.raises(ValidationError, match="between 1900 and 2100"):
            check(typed)
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        not_in_future(typed, "on")


def test_the_first_day_of_1900_and_today_are_dates():
    from django.utils import timezone

    from core.forms import bounded_date, past_date

    assert past_date(date(1900, 1, 1)) == date(1900, 1, 1) and past_date(timezone.localdate())
    assert bounded_date(date(2100, 12, 31)) == date(2100, 12, 31)


def _forms_with_dates():
    from cases import forms as case_forms
    from cases import person_forms, whereabouts_forms

    return [
        (case_forms.ChildAddForm, "child_date_of_birth"),
        (case_forms.PaternityForm, "established_on"),
        (case_forms.PaternityForm, "genetic_test_ordered_on"),
        (case_forms.EmploymentForm, "started_on"),
        (case_forms.EmploymentEndForm, "ended_on"),
        (case_forms.ClosureAnswerForm, "answered_on"),
        (case_forms.OrderEndForm, "ends_on"),
        (case_forms.LocateAttemptForm, "attempted_on"),
        (whereabouts_forms.AddressForm, "valid_from"),
        (whereabouts_forms.FviSetForm, "reported_on"),
        (person_forms.PersonEditForm, "date_of_birth"),
        (person_forms.PersonEditForm, "deceased_on"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(12))
def test_every_date_field_of_the_new_forms_refuses_year_one(index):
    from tests.cases.factories import PersonFactory

    form_class, field = _forms_with_dates()[index]
    kwargs = {"person": PersonFactory()} if form_class.__name__ == "PersonEditForm" else {}
    form = form_class(data={field: "0001-01-01"}, **kwargs)
    assert not form.is_valid()
    assert "Enter a date between 1900 and 2100." in form.errors[field], form.errors

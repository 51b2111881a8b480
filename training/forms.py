"""Training forms (rendered with ``{{ form }}``: labels, help and errors next to each field)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from accounts.choices import Role
from core.forms import DateInput, DateTimeInput, SelectedRowsForm, bounded_date, dates_in_order

from .models import Course, NeedsSurvey, PolicyDocument, SessionEvaluation, TrainingSession
from .selectors import staff_active

ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.PARTNER_AGENCY]


def _no_nul(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError("Text must not contain NUL characters.")
    return value


class CourseForm(forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Audience roles"
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "level",
            "description",
            "policy_references",
            "audience_roles",
            "audience_fti_roles",
            "duration_minutes",
            "requirement",
            "recurrence_months",
            "has_test",
            "passing_score",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        for name in ("title", "description", "policy_references"):
            _no_nul(data.get(name, ""))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["course", "starts_at", "ends_at", "trainer", "capacity", "location", "online_url", "notes"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    online_url = forms.URLField(required=False, assume_scheme="https", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["trainer"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.TRAINER)
            .distinct()
            .order_by("last_name", "username")
        )


class BulkEnrolForm(SelectedRowsForm):
    """Enrol the staff ticked on the compliance list in one upcoming session (each row checked again)."""

    session: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Enrol the ticked staff in the session"
    )

    def __init__(self, *args, user=None, **kwargs):
        from django.utils import timezone

        from .choices import SessionStatus
        from .models import TrainingSession

        super().__init__(*args, **kwargs)
        sessions = (
            TrainingSession.objects.restrict(user, "view") if user is not None else TrainingSession.objects.none()
        )
        self.fields["session"].queryset = (
            sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now())
            .select_related("course")
            .order_by("starts_at")
        )


class EnrolOtherForm(forms.Form):
    """A staff member chosen among the active staff (``user``); forms about one extend it."""

    user = forms.ModelChoiceField(queryset=None, label="Staff member")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_active().order_by("last_name", "username")


class CompletionForm(forms.Form):
    pre_score = forms.IntegerField(min_value=0, max_value=100, required=False, label="Pre-test score (0–100)")
    post_score = forms.IntegerField(min_value=0, max_value=100, required=False, label="Post-test score (0–100)")


class CompletionRecordForm(EnrolOtherForm):
    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True))
    completed_on = forms.DateField(widget=DateInput())
    score = forms.IntegerField(min_value=0, max_value=100, required=False)


RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(forms.ModelForm):
    content_rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Content (1 poor – 5 excellent)"
    )
    trainer_rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Trainer (1–5)"
    )
    relevance_rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Relevance to your work (1–5)"
    )

    class Meta:
        model = SessionEvaluation
        fields = ["content_rating", "trainer_rating", "relevance_rating", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}

    def clean_comments(self):
        return _no_nul(self.cleaned_data.get("comments", ""))


class NeedsResponseForm(forms.Form):
    """One priority field per topic of the survey."""

    comments = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, survey: NeedsSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = list(survey.topics.all())
        for topic in self.topics:
            self.fields[f"topic_{topic.pk}"] = forms.TypedChoiceField(
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                label=f"{topic.title} — priority (1 low – 5 high)",
            )
        self.order_fields([f"topic_{t.pk}" for t in self.topics] + ["comments"])

    def clean_comments(self):
        return _no_nul(self.cleaned_data.get("comments", ""))

    def priorities(self) -> dict[int, int]:
        return {t.pk: self.cleaned_data[f"topic_{t.pk}"] for t in self.topics}


# --- policies and needs surveys (trainers) -------------------------------------------------------


class PolicyVersionForm(forms.Form):
    """A version's text: published by ``services.policy_version_publish`` (the number is given by it)."""

    effective_on = forms.DateField(widget=DateInput(), label="Effective on", help_text="The day it takes effect.")
    summary = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
        label="What changed",
        help_text="Shown to staff above the text: what is new in this version.",
    )
    body = forms.CharField(max_length=200_000, widget=forms.Textarea(attrs={"rows": 12}), label="Text of the policy")
    citations = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Regulations implemented",
        help_text="One per line, e.g. 45 CFR 303.21.",
    )
    requires_acknowledgement = forms.BooleanField(
        required=False,
        initial=True,
        label="Staff must acknowledge this version",
        help_text="Untick only for a correction that changes nothing staff do.",
    )

    def clean_effective_on(self):
        return bounded_date(self.cleaned_data["effective_on"])

    def clean(self):
        data = super().clean()
        for name in ("summary", "body", "citations"):
            if name in data:
                _no_nul(data[name])
        return data


class PolicyCreateForm(PolicyVersionForm):
    """A new policy document and its first version."""

    code = forms.SlugField(max_length=40, label="Code", help_text="Short name in letters, digits and dashes.")
    title = forms.CharField(max_length=200, label="Title")
    courses = forms.ModelMultipleChoiceField(
        queryset=Course.objects.filter(is_active=True).order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Courses that teach it",
    )
    field_order = ["code", "title", "courses", "effective_on", "summary", "body", "citations"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].label = "Summary"
        self.fields["summary"].help_text = "What the policy is about, shown to staff above the text."

    def clean_code(self):
        code = self.cleaned_data["code"]
        if PolicyDocument.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError("A policy with this code already exists.")
        return code

    def clean_title(self):
        return _no_nul(self.cleaned_data["title"])


class _SurveyRulesMixin:
    """The title and dates of a needs survey, checked alike when it is created and when it is edited."""

    def clean_title(self):
        return _no_nul(self.cleaned_data["title"])

    def clean_opens_on(self):
        return bounded_date(self.cleaned_data["opens_on"])

    def clean_closes_on(self):
        return bounded_date(self.cleaned_data["closes_on"])

    def clean(self):
        data = super().clean()
        dates_in_order(self, data, "opens_on", "closes_on", "The survey must close on or after the day it opens.")
        return data


class NeedsSurveyCreateForm(_SurveyRulesMixin, forms.Form):
    title = forms.CharField(max_length=200)
    opens_on = forms.DateField(widget=DateInput(), label="Opens on")
    closes_on = forms.DateField(widget=DateInput(), label="Closes on")
    topics = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        label="Topics",
        help_text="One per line; staff rate each from 1 (low) to 5 (high). Topics cannot be changed once the "
        "survey is created.",
    )

    def clean_topics(self):
        return [line for line in _no_nul(self.cleaned_data["topics"]).splitlines() if line.strip()]


class NeedsSurveyForm(_SurveyRulesMixin, forms.ModelForm):
    """The edit page: title and dates (closing early, keeping open longer); the topics stay."""

    class Meta:
        model = NeedsSurvey
        fields = ["title", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

"""Outreach forms. Writes go through services; these forms only validate input."""

from __future__ import annotations

from django import forms

from accounts.selectors import staff_users
from core.forms import DateInput, DateTimeInput, dates_in_order

from .choices import QuestionKind
from .models import (
    Announcement,
    Contact,
    ContactLog,
    Event,
    FollowUp,
    Material,
    MediaContact,
    MediaInquiry,
    Organisation,
    Survey,
    SurveyQuestion,
)


class StaffChoicesMixin:
    """A model form whose ``staff_fields`` choose among active staff (``accounts.selectors
    .staff_users``: never an API-only partner user), by name."""

    staff_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.staff_fields:
            self.fields[name].queryset = staff_users().order_by("first_name", "last_name", "username")


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "address", "phone", "website", "notes", "is_active"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "wants_announcements", "is_active"]


class ContactLogForm(forms.ModelForm):
    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = organisation.contacts.all()
        self.fields["event"].queryset = Event.objects.order_by("-starts_at")

    class Meta:
        model = ContactLog
        fields = ["occurred_on", "channel", "contact", "summary", "event"]
        widgets = {"occurred_on": DateInput()}


class MediaContactForm(forms.ModelForm):
    class Meta:
        model = MediaContact
        fields = ["outlet", "name", "email", "phone", "wants_announcements", "is_active"]


class EventForm(StaffChoicesMixin, forms.ModelForm):
    online_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=200,
        label="Online URL",
        help_text="Meeting link for registrants; never published by the API.",
    )

    # Current materials only (a field's queryset is copied for each form: read when the form is made).
    materials = forms.ModelMultipleChoiceField(
        queryset=Material.objects.filter(is_current=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Event._meta.get_field("materials").help_text,
    )

    staff_fields = ("presenters",)

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "audience",
            "description",
            "starts_at",
            "ends_at",
            "is_online",
            "location",
            "online_url",
            "host_organisation",
            "presenters",
            "materials",
            "capacity",
            "status",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "presenters": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        dates_in_order(self, data, "starts_at", "ends_at", "The event must end after it starts.")
        if not data.get("is_online") and not (data.get("location") or "").strip():
            self.add_error("location", "Give the place, or mark the event online.")
        return data


class RegistrationForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    organisation_name = forms.CharField(max_length=200, required=False, label="Organisation")
    walk_in = forms.BooleanField(required=False, label="Walk-in (attended without registering)")


class FollowUpForm(StaffChoicesMixin, forms.ModelForm):
    staff_fields = ("assigned_to",)

    class Meta:
        model = FollowUp
        fields = ["description", "due_on", "assigned_to"]
        widgets = {"due_on": DateInput()}


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["title", "language", "audience", "version", "file", "stock", "is_current"]
        help_texts = {"file": "PDF, PNG, JPEG, .docx or .pptx."}


class MaterialUpdateForm(MaterialForm):
    """Stock changes only through distributions and restocking, so both stay on record."""

    class Meta(MaterialForm.Meta):
        fields = ["title", "language", "audience", "version", "file", "is_current"]


class DistributionForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000)
    distributed_on = forms.DateField(widget=DateInput())
    location = forms.CharField(max_length=200)
    event = forms.ModelChoiceField(queryset=Event.objects.order_by("-starts_at"), required=False)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.filter(is_active=True), required=False)


class RestockForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, label="Copies received")


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "kind", "body", "send_to_contacts", "send_to_media"]


class MediaInquiryForm(StaffChoicesMixin, forms.ModelForm):
    staff_fields = ("spokesperson",)

    class Meta:
        model = MediaInquiry
        fields = [
            "outlet",
            "reporter",
            "reporter_email",
            "reporter_phone",
            "question",
            "received_at",
            "deadline",
            "spokesperson",
            "draft_response",
        ]
        widgets = {"received_at": DateTimeInput(), "deadline": DateTimeInput()}

    def clean(self):
        data = super().clean()
        dates_in_order(self, data, "received_at", "deadline", "The deadline cannot be before the inquiry was received.")
        return data


class SurveyForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.order_by("-starts_at")

    class Meta:
        model = Survey
        fields = ["title", "description", "event", "is_open"]


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["text", "kind", "required"]


class InvitationBatchForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=200, initial=10, label="Number of single-use links")


RATING_CHOICES = [(str(i), str(i)) for i in range(1, 6)]
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


class FeedbackForm(forms.Form):
    """The public form: one field per question. Ratings outside 1–5 fail here and again in the service."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q_{q.pk}"
            if q.kind == QuestionKind.RATING:
                self.fields[name] = forms.TypedChoiceField(
                    label=q.text,
                    choices=RATING_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=q.required,
                    help_text="1 = very poor, 5 = excellent",
                )
            elif q.kind == QuestionKind.YES_NO:
                self.fields[name] = forms.TypedChoiceField(
                    label=q.text,
                    choices=YES_NO_CHOICES,
                    coerce=lambda v: v == "yes",
                    widget=forms.RadioSelect,
                    required=q.required,
                    empty_value=None,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=q.required
                )

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}

"""Outreach pages. Views validate input and call services; reads go through restricted querysets."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from core import throttle
from core.charts import svg_response
from core.confirm import Confirmation, ConfirmStepMixin
from core.csv import csv_response
from core.forms import apply_service_errors
from core.lists import ListViewMixin
from core.stale import carry_shown, shown_in
from core.views import (
    FilteredListView,
    ObjectDetailView,
    ObjectEditView,
    PermissionMixin,
    PublicMixin,
    ServiceActionView,
)

from . import charts, selectors, services
from .choices import AnnouncementStatus, Audience, InquiryStatus
from .filtersets import EventFilterSet, MaterialFilterSet, MediaInquiryFilterSet, OrganisationFilterSet
from .forms import (
    AnnouncementForm,
    ContactForm,
    ContactLogForm,
    DistributionForm,
    EventForm,
    FeedbackForm,
    FollowUpForm,
    InvitationBatchForm,
    MaterialForm,
    MaterialUpdateForm,
    MediaContactForm,
    MediaInquiryForm,
    OrganisationForm,
    RegistrationForm,
    RestockForm,
    SurveyForm,
    SurveyQuestionForm,
)
from .models import (
    Announcement,
    Contact,
    Event,
    FollowUp,
    Material,
    MediaContact,
    MediaInquiry,
    Organisation,
    Survey,
)
from .validators import CONTENT_TYPES


class PostActionView(ServiceActionView):
    """A button on an outreach page (GET answers 405); a refusal comes back as an error message."""

    post_only = True


class ParentFormView(ServiceActionView):
    """A form that adds something under one object (a contact to an organisation, a registration to
    an event): the object is ``model``, read in scope; the page is ``core/form_page.html``; then back
    to the object's page."""

    template_name = "core/form_page.html"
    heading_template = ""
    success_message = "Saved."

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.heading_template.format(obj=self.object), **kwargs)


# Organisations ------------------------------------------------------------------------------
class OrganisationListView(FilteredListView):
    model = Organisation
    filterset_class = OrganisationFilterSet

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(contact_count=Count("contacts", distinct=True)).order_by("name")


class OrganisationDetailView(ObjectDetailView):
    model = Organisation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        context["contacts"] = org.contacts.all()
        context["logs"] = org.contact_logs.select_related("contact", "recorded_by", "event")[:100]
        context["events"] = org.hosted_events.order_by("-starts_at")[:20]
        return context


class OrganisationEditView(ObjectEditView):
    model = Organisation
    form_class = OrganisationForm

    def perform(self, data):
        return services.organisation_save(organisation=self.form.instance, by=self.request.user)


class ContactCreateView(ParentFormView):
    form_class = ContactForm
    permission_required = "outreach.add_contact"
    model = Organisation
    heading_template = "New contact at {obj}"

    def perform(self, data):
        contact = self.form.instance
        contact.organisation = self.object
        return services.contact_save(contact=contact, by=self.request.user)


class ContactUpdateView(ObjectEditView):
    model = Contact
    form_class = ContactForm

    def perform(self, data):
        return services.contact_save(contact=self.form.instance, by=self.request.user)

    def get_success_url(self):
        return reverse("outreach:organisation_detail", kwargs={"pk": self.object.organisation_id})


class ContactLogCreateView(ParentFormView):
    form_class = ContactLogForm
    permission_required = "outreach.add_contactlog"
    success_message = "Contact recorded."
    model = Organisation
    heading_template = "Record a contact with {obj}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.object}

    def get_initial(self):
        return {"occurred_on": timezone.localdate()}

    def perform(self, data):
        log = self.form.save(commit=False)
        log.organisation = self.object
        return services.contact_log_record(log=log, by=self.request.user)


class MediaContactListView(FilteredListView):
    model = MediaContact


class MediaContactEditView(ObjectEditView):
    model = MediaContact
    form_class = MediaContactForm
    success_url = reverse_lazy("outreach:mediacontact_list")

    def perform(self, data):
        return services.media_contact_save(media_contact=self.form.instance, by=self.request.user)


# Events -------------------------------------------------------------------------------------
class EventListView(ListViewMixin, FilteredListView):
    """Outreach events, newest first: sortable, filterable, ``?export=csv``."""

    sort_fields = {
        "when": ("starts_at",),
        "title": ("title",),
        "kind": ("kind",),
        "audience": ("audience",),
        "registered": ("registered",),
        "attended": ("attendees",),
        "status": ("status",),
    }
    sort_tiebreak = ("starts_at",)
    default_sort = "-when"
    csv_filename = "outreach-events.csv"
    csv_columns = (
        "starts_at",
        "title",
        ("kind", "get_kind_display"),
        ("audience", "get_audience_display"),
        ("where", lambda e: "Online" if e.is_online else e.location),
        "registered",
        ("attended", "attendees"),
        ("status", "get_status_display"),
    )
    model = Event
    filterset_class = EventFilterSet

    def get_base_queryset(self):
        return selectors.event_list(base=super().get_base_queryset()).order_by("-starts_at", "-id")


class EventCalendarView(PermissionMixin, TemplateView):
    """A month of events, server-rendered (``?month=YYYY-MM``)."""

    permission_required = "outreach.view_calendar"
    template_name = "outreach/event_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first = today.replace(day=1)
        raw = self.request.GET.get("month", "")
        try:
            year, month = (int(x) for x in raw.split("-"))
            if 1900 <= year <= 2200 and 1 <= month <= 12:
                first = date(year, month, 1)
        except ValueError:
            pass
        prev_month = (first.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
        next_month = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
        context.update(
            first=first,
            weeks=selectors.calendar_month(year=first.year, month=first.month),
            prev_month=prev_month,
            next_month=next_month,
            today=today,
            can_open=self.request.user.has_perm("outreach.view_event"),
            weekdays=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        )
        return context


class EventDetailView(ObjectDetailView):
    model = Event

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("host_organisation")
            .prefetch_related(
                "presenters",
                "materials",
                Prefetch("follow_ups", queryset=FollowUp.objects.select_related("assigned_to")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = list(self.object.registrations.all())
        context.update(
            registrations=registrations,
            attended=sum(r.attended for r in registrations),
            registration_form=RegistrationForm(),
            surveys=self.object.surveys.annotate(n=Count("responses")),
            distributions=self.object.distributions.select_related("material"),
        )
        return context


class EventEditView(ObjectEditView):
    model = Event
    form_class = EventForm
    title = "New outreach event"

    def perform(self, data):
        return services.event_save(
            event=self.form.save(commit=False),
            by=self.request.user,
            presenters=data["presenters"],
            materials=data["materials"],
        )


class RegistrationCreateView(ParentFormView):
    form_class = RegistrationForm
    permission_required = "outreach.add_registration"
    success_message = "Registered."
    model = Event
    heading_template = "Register someone for {obj}"

    def perform(self, data):
        return services.registration_add(event=self.object, by=self.request.user, **data)


class AttendanceUpdateView(PostActionView):
    permission_required = "outreach.change_registration"
    model = Event

    def perform(self, data):
        event = self.object
        valid = set(event.registrations.values_list("pk", flat=True))
        chosen = {int(raw) for raw in self.request.POST.getlist("attended") if raw.isdigit() and int(raw) in valid}
        return services.attendance_record(event=event, attended_ids=chosen, by=self.request.user)

    def get_success_message(self, count):
        return f"Attendance saved: {count} attended."


class FollowUpCreateView(ParentFormView):
    form_class = FollowUpForm
    permission_required = "outreach.add_followup"
    model = Event
    heading_template = "Follow-up for {obj}"

    def perform(self, data):
        follow_up = self.form.instance
        follow_up.event = self.object
        return services.follow_up_add(follow_up=follow_up, by=self.request.user)


class FollowUpCompleteView(PostActionView):
    permission_required = "outreach.change_followup"
    model = FollowUp
    scope_action = "change"

    def perform(self, data):
        services.follow_up_complete(follow_up=self.object, by=self.request.user)

    def get_success_url(self):
        return reverse("outreach:event_detail", kwargs={"pk": self.object.event_id})


# Materials ----------------------------------------------------------------------------------
class MaterialListView(FilteredListView):
    model = Material
    filterset_class = MaterialFilterSet

    def get_base_queryset(self):
        return (
            super().get_base_queryset().annotate(distributed=Count("distributions")).order_by("title", "language", "id")
        )


class MaterialDetailView(ObjectDetailView):
    model = Material

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["distributions"] = self.object.distributions.select_related("event", "organisation", "recorded_by")
        context["distribution_form"] = DistributionForm(initial={"distributed_on": timezone.localdate()})
        context["restock_form"] = RestockForm()
        return context


class MaterialEditView(ObjectEditView):
    model = Material

    def get_form_class(self):
        return MaterialUpdateForm if self.editing else MaterialForm

    def perform(self, data):
        return services.material_save(material=self.form.instance, by=self.request.user)


class MaterialDownloadView(PermissionMixin, View):
    permission_required = "outreach.view_material"

    def get(self, request, pk):
        material = Material.objects.get_for(request.user, pk=pk)
        if not material.file:
            raise Http404("No file for this material.")
        suffix = "." + material.file.name.rsplit(".", 1)[-1].lower()
        response = FileResponse(
            material.file.open("rb"),
            as_attachment=True,
            filename=material.file.name.rsplit("/", 1)[-1],
            content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        )
        return response


class MaterialDistributeView(ParentFormView):
    form_class = DistributionForm
    permission_required = "outreach.add_materialdistribution"
    success_message = "Distribution recorded."
    model = Material
    heading_template = "Distribute {obj} ({obj.stock} in stock)"

    def get_initial(self):
        return {"distributed_on": timezone.localdate()}

    def perform(self, data):
        return services.material_distribute(material=self.object, by=self.request.user, **data)


class MaterialRestockView(PostActionView):
    permission_required = "outreach.change_material"
    model = Material
    scope_action = "change"
    form_class = RestockForm

    def perform(self, data):
        services.material_restock(material=self.object, quantity=data["quantity"], by=self.request.user)

    def form_invalid(self, form):
        if form.non_field_errors():  # the service refused it (a restock already recorded)
            return super().form_invalid(form)
        messages.error(self.request, "Give the number of copies received (1 or more).")
        return redirect(self.get_return_url())

    def get_success_message(self, result):
        return f"Stock is now {self.object.stock}."


# Announcements ------------------------------------------------------------------------------
class AnnouncementListView(FilteredListView):
    model = Announcement

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(recipients=Count("deliveries"), sent=Count("deliveries", filter=Q(deliveries__status="sent")))
            .order_by("-published_at", "-id")
        )


class AnnouncementDetailView(ObjectDetailView):
    model = Announcement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deliveries"] = self.object.deliveries.all()
        if self.object.status == AnnouncementStatus.DRAFT:
            context["would_reach"] = len(services.announcement_recipients(announcement=self.object))
        return context


class AnnouncementEditView(ObjectEditView):
    """Only a draft can be edited (a published announcement is a 404)."""

    model = Announcement
    form_class = AnnouncementForm
    title = "New announcement (draft)"

    def get_object_queryset(self):
        return super().get_object_queryset().filter(status=AnnouncementStatus.DRAFT)

    def perform(self, data):
        return services.announcement_save(announcement=self.form.instance, by=self.request.user)


class AnnouncementPublishView(PostActionView):
    permission_required = "outreach.publish_announcement"
    model = Announcement

    def perform(self, data):
        return services.announcement_publish(announcement=self.object, by=self.request.user)

    def get_success_message(self, count):
        return f"Published; e-mail queued for {count} recipients."


class PublicAnnouncementListView(PublicMixin, ListView):
    template_name = "outreach/public_announcement_list.html"
    paginate_by = 20

    def get_queryset(self):
        return selectors.public_announcements()


class PublicAnnouncementDetailView(PublicMixin, DetailView):
    template_name = "outreach/public_announcement_detail.html"
    context_object_name = "announcement"

    def get_queryset(self):
        return selectors.public_announcements()


# Media inquiries ----------------------------------------------------------------------------
class MediaInquiryListView(FilteredListView):
    model = MediaInquiry
    filterset_class = MediaInquiryFilterSet
    select_related = ("spokesperson",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["now"] = timezone.now()
        context["soon"] = context["now"] + services.due_soon_window()
        return context


class MediaInquiryDetailView(ObjectDetailView):
    model = MediaInquiry
    select_related = ("spokesperson", "approved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reminders"] = self.object.reminders.all()
        context["now"] = timezone.now()
        context["can_approve"] = can_approve = self.request.user.has_perm("outreach.approve_mediainquiry")
        if can_approve:  # the approve button sends back the draft it was shown with (core.stale)
            context["approve_form"] = carry_shown(forms.Form(), values=services.media_inquiry_shown(self.object))
        return context


class MediaInquiryEditView(ObjectEditView):
    """An inquiry answered or declined can no longer be edited (a 404)."""

    model = MediaInquiry
    form_class = MediaInquiryForm

    def get_object_queryset(self):
        return super().get_object_queryset().exclude(status__in=[InquiryStatus.RESPONDED, InquiryStatus.DECLINED])

    def new_initial(self):
        return {"received_at": timezone.localtime().replace(second=0, microsecond=0)}

    def perform(self, data):
        return services.media_inquiry_save(inquiry=self.form.instance, by=self.request.user)


class MediaInquiryActionView(PostActionView):
    action = ""
    permission_required = "outreach.change_mediainquiry"
    model = MediaInquiry

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        return carry_shown(form) if self.action == "approve" else form  # the draft the approver read

    def perform(self, data):
        if self.action == "approve":
            services.media_inquiry_approve(inquiry=self.object, by=self.request.user, shown=shown_in(data))
            return
        service = {
            "respond": services.media_inquiry_respond,
            "decline": services.media_inquiry_decline,
        }[self.action]
        service(inquiry=self.object, by=self.request.user)

    def get_success_message(self, result):
        return f"Inquiry {self.object.get_status_display().lower()}."


# Surveys ------------------------------------------------------------------------------------
class SurveyListView(FilteredListView):
    model = Survey

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("event")
            .annotate(
                response_count=Count("responses", distinct=True), question_count=Count("questions", distinct=True)
            )
            .order_by("-created_at", "-id")
        )


class SurveyDetailView(ObjectDetailView):
    model = Survey
    select_related = ("event",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = selectors.survey_results(survey=self.object)
        context["link_emails"] = selectors.survey_link_emails(survey=self.object)
        context["question_form"] = SurveyQuestionForm()
        context["link_form"] = InvitationBatchForm()
        return context


class SurveyEditView(ObjectEditView):
    model = Survey
    form_class = SurveyForm
    title = "New feedback survey"

    def new_initial(self):
        event = self.request.GET.get("event", "")
        return {"event": int(event)} if event.isdigit() and len(event) < 12 else {}

    def perform(self, data):
        return services.survey_save(survey=self.form.instance, by=self.request.user)


class SurveyQuestionCreateView(ParentFormView):
    form_class = SurveyQuestionForm
    permission_required = "outreach.add_surveyquestion"
    success_message = "Question added."
    model = Survey
    heading_template = "Add a question to {obj}"

    def perform(self, data):
        return services.survey_question_add(survey=self.object, **data)


class SurveyLinksView(ServiceActionView):
    """Issue single-use links; the links are shown once, on the answer to the POST (not a redirect)."""

    form_class = InvitationBatchForm
    permission_required = "outreach.add_surveyinvitation"
    template_name = "outreach/survey_links.html"
    model = Survey
    context_object_name = "survey"

    def form_valid(self, form):
        try:
            issued = services.survey_invitations_issue(
                survey=self.object, count=form.cleaned_data["count"], by=self.request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        links = [
            self.request.build_absolute_uri(reverse("outreach:feedback_form", kwargs={"token": i.token}))
            for i in issued
        ]
        return self.render_to_response(self.get_context_data(form=InvitationBatchForm(), links=links))


class SurveyInviteAttendeesView(ConfirmStepMixin, PostActionView):
    """Sending the survey asks first (14.5); it goes only to attendees who have neither answered
    nor been sent a link."""

    permission_required = "outreach.add_surveyinvitation"
    model = Survey

    def get_confirmation(self, request, pk) -> Confirmation:
        survey = self.object
        pending = services.survey_attendees_to_invite(survey=survey) if survey.event_id else []
        if services.survey_late_attendees_held(survey=survey, waiting=len(pending)):
            # A batch this small would name its attendees' answers (services.LATE_BATCH_MIN).
            return Confirmation(
                title=f"E-mail the survey “{survey}”?",
                consequences=[
                    f"{len(pending)} attendee(s) added since the survey was sent are waiting for a link.",
                    f"Links after the first send go out only when {services.LATE_BATCH_MIN} attendees are "
                    "waiting, so that their answers cannot be told apart: nothing is sent now.",
                ],
                button="Check again",
                danger=False,
                cancel_url=reverse("outreach:survey_detail", kwargs={"pk": survey.pk}),
            )
        return Confirmation(
            title=f"E-mail the survey “{survey}”?",
            consequences=[
                f"{len(pending)} attendee(s) receive a single-use link by e-mail now.",
                "Attendees who already answered or were already sent a link get nothing.",
            ],
            button=f"Yes, send {len(pending)} link(s)",
            danger=False,
            cancel_url=reverse("outreach:survey_detail", kwargs={"pk": survey.pk}),
        )

    def perform(self, data):
        return services.survey_invite_attendees(survey=self.object, by=self.request.user)

    def get_success_message(self, count):
        waiting = len(services.survey_attendees_to_invite(survey=self.object)) if count == 0 else 0
        if waiting:
            return (
                f"No links e-mailed: {waiting} attendee(s) wait until {services.LATE_BATCH_MIN} are "
                "waiting, so that their answers cannot be told apart."
            )
        return f"Feedback links are being e-mailed to {count} attendees (the survey's page shows them go out)."


class FeedbackFormView(PublicMixin, View):
    """The public response form: no account, a single-use token in the link, rate-limited per address."""

    public_language = True  # follows Accept-Language and ?lang= (core.middleware.PublicLanguageMiddleware)

    template_name = "outreach/feedback_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not throttle.allow(request, "feedback"):
            reason = _("Too many requests from your connection. Please try again later.")
            return throttle.refused(request, "outreach/feedback_refused.html", {"reason": reason})
        return super().dispatch(request, *args, **kwargs)

    def refused(self, request):
        return render(
            request,
            "outreach/feedback_refused.html",
            {"reason": _("This feedback link is not valid or has already been used.")},
            status=404,
        )

    def get(self, request, token: str):
        invitation = services.survey_invitation_find(token=token)
        if invitation is None:
            return self.refused(request)
        form = FeedbackForm(questions=invitation.survey.questions.all())
        return render(request, self.template_name, {"form": form, "survey": invitation.survey})

    def post(self, request, token: str):
        # A link used a moment ago: its form sent again (a double click) is thanked again when it
        # says the same (services.survey_response_submit), else refused as used.
        invitation = services.survey_invitation_find(token=token) or services.survey_invitation_just_used(token=token)
        if invitation is None:
            return self.refused(request)
        form = FeedbackForm(request.POST, questions=invitation.survey.questions.all())
        if form.is_valid():
            try:
                services.survey_response_submit(token=token, answers=form.answers())
            except ValidationError as exc:
                if getattr(exc, "code", None) == "bad_token":
                    return self.refused(request)
                apply_service_errors(form, exc)
            else:
                return redirect("outreach:feedback_thanks")
        return render(request, self.template_name, {"form": form, "survey": invitation.survey}, status=400)


class FeedbackThanksView(PublicMixin, TemplateView):
    public_language = True  # follows Accept-Language and ?lang= (core.middleware.PublicLanguageMiddleware)
    template_name = "outreach/feedback_thanks.html"


# Dashboard ----------------------------------------------------------------------------------
def dashboard_data() -> dict:
    start, end = selectors.dashboard_period()
    return {
        "start": start,
        "end": end,
        "events": selectors.events_by_month(start=start, end=end),
        "media": selectors.media_response_by_month(start=start, end=end),
        "feedback": selectors.feedback_by_month(start=start, end=end),
    }


class DashboardView(PermissionMixin, TemplateView):
    permission_required = "outreach.view_dashboard"
    template_name = "outreach/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = dashboard_data()
        context.update(data)
        context["event_table"] = charts.events_table(data["events"])
        context["charts"] = {name: builder(data) for name, builder in charts.CHARTS.items()}
        for name, chart in context["charts"].items():
            chart.url = reverse("outreach:dashboard_chart", args=[name])
        context["audiences"] = Audience.choices
        context["due"] = selectors.media_inquiries_due()
        return context


class DashboardChartView(PermissionMixin, View):
    """One chart as a same-origin SVG image (``core.charts``), behind the dashboard's own permission."""

    permission_required = "outreach.view_dashboard"

    def get(self, request, chart: str):
        builder = charts.CHARTS.get(chart)
        if builder is None:
            raise Http404("No such chart.")
        return svg_response(builder(dashboard_data()).svg())


class DashboardExportView(PermissionMixin, View):
    permission_required = "outreach.view_dashboard"

    def get(self, request, dataset: str):
        exports = charts.EXPORTS
        if dataset not in exports:
            raise Http404("No such export.")
        header, rows = exports[dataset](dashboard_data())
        return csv_response(f"outreach-{dataset}-{timezone.localdate()}.csv", header, rows, stream=False)

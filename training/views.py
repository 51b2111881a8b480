"""Training pages: my training, catalogue, sessions and enrolment, outcomes, compliance, needs survey,
policies library, certificates and the trainer dashboard."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User
from core.charts import ChartPageMixin
from core.confirm import Confirmation, ConfirmStepMixin
from core.http import pdf_response
from core.lists import BulkActionMixin, ListViewMixin, filtered_rows
from core.models import out_of_scope
from core.stale import carry_shown, shown_in, without_shown
from core.views import (
    FilteredListView,
    LoginOnlyMixin,
    ObjectDetailView,
    ObjectEditView,
    PermissionMixin,
    ServiceActionView,
)

from . import selectors, services
from .certificates import certificate_pdf
from .charts import compliance_chart
from .choices import ComplianceStatus, EnrolmentStatus, SessionStatus
from .filtersets import ComplianceFilterSet
from .forms import (
    BulkEnrolForm,
    CompletionForm,
    CompletionRecordForm,
    CourseForm,
    EnrolOtherForm,
    EvaluationForm,
    NeedsResponseForm,
    NeedsSurveyCreateForm,
    NeedsSurveyForm,
    PolicyCreateForm,
    PolicyVersionForm,
    SessionForm,
)
from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    NeedsSurvey,
    PolicyDocument,
    PolicyVersion,
    TrainingSession,
)


class ActionView(ServiceActionView):
    """A button on a training page (GET answers 405); a refusal comes back as an error message."""

    post_only = True


# --- my training ---------------------------------------------------------------------------------

MY_TRAINING_FILTERS = {
    "overdue": (ComplianceStatus.OVERDUE, ComplianceStatus.NEVER),
    "due_soon": (ComplianceStatus.DUE_SOON,),
}


class MyTrainingView(LoginOnlyMixin, TemplateView):
    template_name = "training/my_training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        required = selectors.my_required_training(user=user)
        # ``?status=overdue`` / ``?status=due_soon``: the rows the home cards count (navigation.py).
        shown = MY_TRAINING_FILTERS.get(self.request.GET.get("status", ""))
        if shown is not None:
            required = [r for r in required if r.status in shown]
        context.update(
            required=required,
            required_filter=self.request.GET.get("status", "") if shown is not None else "",
            **selectors.my_training_lists(user=user),
            policies=selectors.policies_to_acknowledge(user=user),
            fti_current=selectors.fti_training_current(user),
            can_see_fti=user.has_perm("cases.view_fti"),
        )
        return context


class ReminderReadView(LoginOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.reminder_mark_read(user=request.user)
        return redirect("training:my_training")


# --- courses -------------------------------------------------------------------------------------


class CourseListView(FilteredListView):
    model = Course

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(session_count=Count("sessions")).order_by("title")


class CourseDetailView(ObjectDetailView):
    model = Course

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sessions"] = selectors.upcoming_sessions().filter(course=self.object)
        context["policies"] = self.object.policies.all()
        return context


class CourseEditView(ObjectEditView):
    model = Course
    form_class = CourseForm
    success_message = ""

    def perform(self, data):
        return services.course_save(course=self.form.save(commit=False), by=self.request.user)


# --- sessions ------------------------------------------------------------------------------------


class SessionListView(ListViewMixin, FilteredListView):
    """Upcoming (or past) sessions: sortable, ``?export=csv``."""

    sort_fields = {
        "course": ("course__title",),
        "starts": ("starts_at",),
        "trainer": ("trainer__last_name", "trainer__username"),
        "seats": ("enrolled_count",),
        "waitlist": ("waitlist_count",),
        "status": ("status",),
    }
    sort_tiebreak = ("starts_at",)
    csv_columns = (
        ("course", "course.title"),
        "starts_at",
        "trainer",
        ("place", lambda s: "Online" if s.is_online else s.location),
        "capacity",
        ("enrolled", "enrolled_count"),
        ("waitlisted", "waitlist_count"),
        ("status", "get_status_display"),
    )
    model = TrainingSession
    template_name = "training/session_list.html"

    def get_base_queryset(self):
        qs = (
            super()
            .get_base_queryset()
            .select_related("course", "trainer")
            .annotate(
                enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
                waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
            )
        )
        if self.request.GET.get("when") == "past":
            return qs.filter(starts_at__lt=timezone.now()).order_by("-starts_at")
        return qs.filter(starts_at__gte=timezone.now() - timezone.timedelta(days=1)).order_by("starts_at")


class SessionPageView(ObjectDetailView):
    """A page about one training session (``session`` in the template), read in scope."""

    model = TrainingSession
    context_object_name = "session"
    select_related = ("course", "trainer")


class SessionDetailView(SessionPageView):
    template_name = "training/session_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enrolled, waitlist = selectors.session_roster(session=self.object)
        mine = next((e for e in enrolled + waitlist if e.user_id == user.pk), None)
        context.update(
            enrolled=enrolled,
            waitlist=waitlist,
            mine=mine,
            seats_left=max(self.object.capacity - len(enrolled), 0),
            can_manage=user.has_perm("training.change_enrolment"),
            can_enrol_others=user.has_perm("training.add_enrolment"),
            enrol_other_form=EnrolOtherForm() if user.has_perm("training.add_enrolment") else None,
            is_open=self.object.status == SessionStatus.SCHEDULED,
        )
        return context


class SessionCreateView(ServiceActionView):
    permission_required = "training.add_trainingsession"
    form_class = SessionForm
    template_name = "core/form_page.html"
    title = "Schedule a session"
    success_message = "Session scheduled."

    def get_initial(self):
        initial = {"trainer": self.request.user.pk}
        course = self.request.GET.get("course", "")
        if course.isdigit():
            initial["course"] = int(course)
        return initial

    def perform(self, data):
        return services.session_schedule(**data, by=self.request.user)


class SessionCancelView(ConfirmStepMixin, ActionView):
    """Cancelling a session asks first (14.5); the service refuses a second cancel."""

    permission_required = "training.change_trainingsession"
    model = TrainingSession
    scope_action = "change"
    success_message = "Session cancelled."

    def get_object_queryset(self):
        return TrainingSession.objects.select_related("course")

    def get_confirmation(self, request, pk) -> Confirmation:
        session = self.object
        enrolled = session.enrolments.count()
        return Confirmation(
            title=f"Cancel the session {session}?",
            consequences=[
                f"The session is cancelled for everyone enrolled or waiting ({enrolled}).",
                "It cannot be reopened: schedule a new session instead.",
            ],
            button="Yes, cancel the session",
            cancel_url=reverse("training:session_detail", kwargs={"pk": pk}),
        )

    def perform(self, data):
        services.session_cancel(session=self.object, by=self.request.user)


class SessionEnrolView(ActionView):
    """A staff member enrols themselves (or joins the waitlist)."""

    permission_required = "training.view_trainingsession"
    model = TrainingSession

    def enrolled_user(self, data):
        return self.request.user

    def perform(self, data):
        return services.enrolment_create(session=self.object, user=self.enrolled_user(data), by=self.request.user)

    def get_success_message(self, enrolment):
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            # A warning, not a success: the person has no seat yet.
            messages.warning(self.request, "The session is full: you are on the waitlist.")
            return ""
        return "You are enrolled."


class BulkEnrolView(BulkActionMixin, ConfirmStepMixin, PermissionMixin, TemplateView):
    """Enrol the staff ticked on the compliance list in one session, each through
    ``enrolment_create`` (the single enrolment's service: seat or waitlist, no double enrolment),
    in a transaction of its own; refusals listed per person."""

    permission_required = "training.add_enrolment"
    list_url_name = "training:compliance"
    http_method_names = ["post"]  # noqa: RUF012
    title = "Enrol staff"

    def bulk_form(self):
        return BulkEnrolForm(self.request.POST, user=self.request.user)

    def confirmation_for(self, form) -> Confirmation:
        count, session = len(form.cleaned_data["ids"]), form.cleaned_data["session"]
        self.title = f"Enrol staff in {session}"
        return Confirmation(
            title=f"Enrol {count} staff member{'s' if count != 1 else ''} in {session}?",
            consequences=[
                f"Each selected person gets a seat while {session} has room, then a waitlist place; "
                "anyone already enrolled is listed and left as they are.",
                "Each is told of the enrolment as when enrolled one by one.",
            ],
            button="Yes, enrol them",
            cancel_url=reverse(self.list_url_name),
            danger=False,
        )

    def post(self, request, *args, **kwargs):
        self.title = "Enrol staff"
        return super().post(request, *args, **kwargs)

    def act_on(self, pk: int, form) -> str:
        person = get_user_model().objects.get(pk=pk, is_active=True)
        enrolment = services.enrolment_create(
            session=form.cleaned_data["session"], user=person, by=cast(User, self.request.user)
        )
        return f"{person}: {enrolment.get_status_display().lower()}"


class SessionEnrolOtherView(SessionEnrolView):
    permission_required = "training.add_enrolment"
    form_class = EnrolOtherForm

    def enrolled_user(self, data):
        return data["user"]

    def form_invalid(self, form):
        messages.error(self.request, "Choose a staff member.")
        return HttpResponseRedirect(self.get_return_url())

    def get_success_message(self, enrolment):
        return f"{enrolment.user}: {enrolment.get_status_display().lower()}."


class EnrolmentMixin:
    """An action on one enrolment: then back to its session's page."""

    model: type | None = Enrolment
    object: Any

    def session_url(self) -> str:
        return reverse("training:session_detail", kwargs={"pk": self.object.session_id})

    def get_success_url(self):
        return self.session_url()


class EnrolmentCancelView(EnrolmentMixin, ConfirmStepMixin, ActionView):
    """Own enrolment, or any enrolment for a trainer. Asks first (14.5)."""

    permission_required = "training.view_trainingsession"

    def get_object(self) -> Enrolment:
        # One's own place needs no scope; another's needs change_enrolment (``may_cancel``).
        return get_object_or_404(Enrolment.objects.select_related("session", "user"), pk=self.kwargs["pk"])

    def may_cancel(self) -> bool:
        return self.object.user_id == self.request.user.pk or self.request.user.has_perm("training.change_enrolment")

    def ask(self, request, pk):
        if not self.may_cancel():
            # Asking about someone else's place: back to the session page, nothing shown or done (the
            # POST is the refusal: a 404 logged as an access denial).
            messages.error(request, "You can cancel only your own place.")
            return redirect(self.session_url())
        return super().ask(request, pk)

    def get_confirmation(self, request, pk) -> Confirmation:
        enrolment = self.object
        whose = "your place" if enrolment.user_id == request.user.pk else f"the place of {enrolment.user}"
        return Confirmation(
            title=f"Cancel {whose} in {enrolment.session}?",
            consequences=[
                "The place goes to the first person on the waitlist, if any.",
                "Enrolling again puts the person at the end of the waitlist when the session is full.",
            ],
            button="Yes, cancel the place",
            cancel_url=self.session_url(),
        )

    def perform(self, data):
        if not self.may_cancel():
            # Someone else's place: answered as one that does not exist, through the project's
            # scope denial (``core.models.out_of_scope``), which the 404 handler logs.
            raise Http404("No enrolment matches the given query.") from out_of_scope(
                Enrolment, self.object.pk, self.request.user, "cancel"
            )
        return services.enrolment_cancel(enrolment=self.object, by=self.request.user)

    def get_success_message(self, promoted):
        return "Enrolment cancelled." + (f" {promoted.user} moved from the waitlist." if promoted else "")


class EnrolmentAttendanceView(EnrolmentMixin, ActionView):
    permission_required = "training.change_enrolment"
    scope_action = "change"

    def attended(self) -> bool:
        return self.request.POST.get("attended") == "yes"

    def perform(self, data):
        services.enrolment_attendance_record(enrolment=self.object, attended=self.attended(), by=self.request.user)

    def get_success_message(self, result):
        return f"{self.object.user}: {'present' if self.attended() else 'absent'}."


class EnrolmentCompleteView(EnrolmentMixin, ServiceActionView):
    permission_required = "training.change_enrolment"
    form_class = CompletionForm
    template_name = "training/enrolment_complete.html"
    scope_action = "change"
    context_object_name = "enrolment"

    def get_object_queryset(self):
        return Enrolment.objects.select_related("session__course", "user")

    def perform(self, data):
        return services.enrolment_complete(enrolment=self.object, by=self.request.user, **data)

    def get_success_message(self, completion):
        if completion is None:
            messages.warning(self.request, f"{self.object.user} did not reach the passing score.")
            return ""
        return f"{self.object.user} completed {completion.course}."


# --- evaluations and outcomes --------------------------------------------------------------------


class SessionEvaluateView(ServiceActionView):
    """A participant who attended rates the session (once)."""

    permission_required = "training.view_trainingsession"
    form_class = EvaluationForm
    template_name = "training/session_evaluate.html"
    model = TrainingSession
    context_object_name = "session"
    success_message = "Thank you for your feedback."
    success_url = reverse_lazy("training:my_training")

    def get_object_queryset(self):
        return TrainingSession.objects.select_related("course")

    @cached_property
    def enrolment(self):
        """The user's attended enrolment in the session, or None (only they may evaluate it)."""
        return (
            Enrolment.objects.filter(session=self.object, user=self.request.user, attended=True)
            .select_related("evaluation")
            .first()
        )

    def get_context_data(self, **kwargs):
        already = self.enrolment is not None and hasattr(self.enrolment, "evaluation")
        return super().get_context_data(enrolment=self.enrolment, already=already, **kwargs)

    def perform(self, data):
        if self.enrolment is None:
            raise ValidationError("Only participants who attended can evaluate the session.")
        services.evaluation_submit(enrolment=self.enrolment, by=self.request.user, **data)


class SessionOutcomesView(SessionPageView):
    permission_required = "training.view_sessionevaluation"
    template_name = "training/session_outcomes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcomes"] = selectors.session_outcomes(session=self.object)
        context["comments"] = selectors.session_comments(session=self.object)
        context["participants"] = self.object.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
            "user", "completion"
        )
        return context


class PersonRecordView(PermissionMixin, TemplateView):
    permission_required = "training.view_coursecompletion"
    template_name = "training/person_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        context.update(person=person, **selectors.person_record(user=person))
        return context


# --- compliance ----------------------------------------------------------------------------------


class ComplianceView(PermissionMixin, ListViewMixin, ChartPageMixin, TemplateView):
    """Who is overdue or due soon for required training, by unit and role: the rows sort by their
    column headers and export as CSV (``?export=csv``) like every staff list (``core.lists``)."""

    permission_required = "training.view_coursecompletion"
    template_name = "training/compliance.html"
    paginate_by = 50
    # The rows are computed (``selectors.compliance_rows``), so these are attribute paths (``sort_rows``).
    sort_fields = {
        "name": ("user.last_name", "user.first_name", "user.username", "course.title"),
        "unit": ("user.unit", "user.last_name", "user.first_name", "user.username", "course.title"),
        "roles": ("roles", "user.last_name", "user.first_name", "course.title"),
        "course": ("course.title", "user.last_name", "user.first_name", "user.username"),
        "status": ("status_rank", "due_on", "user.last_name", "user.first_name"),
        "last_completed": ("last_completed", "user.last_name", "user.first_name", "course.title"),
        "due": ("due_on", "user.last_name", "user.first_name", "course.title"),
    }
    csv_filename = "training-compliance.csv"
    csv_columns = (
        ("name", "user"),
        ("unit", "user.unit"),
        ("roles", lambda r: ", ".join(r.roles)),
        ("course", "course.title"),
        ("status", "status_label"),
        "last_completed",
        ("due", "due_on"),
    )

    @cached_property
    def filterset(self) -> ComplianceFilterSet:
        return ComplianceFilterSet(
            self.request.GET or None, queryset=get_user_model().objects.all(), request=self.request
        )

    @cached_property
    def all_rows(self) -> list[selectors.ComplianceRow]:
        return selectors.compliance_rows(users=filtered_rows(self.filterset), **self.filterset.row_filters())

    def get_queryset(self):
        return self.sort_queryset(self.all_rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.all_rows
        page = Paginator(self.get_queryset(), self.paginate_by).get_page(self.request.GET.get("page"))
        summary = selectors.compliance_summary(rows)
        if self.request.user.has_perm("training.add_enrolment"):
            context["bulk_enrol_form"] = BulkEnrolForm(user=self.request.user)
        context.update(
            filter=self.filterset,
            page_obj=page,
            rows=page.object_list,
            is_paginated=page.has_other_pages(),
            summary=summary,
            statuses=ComplianceStatus,
            total=len(rows),
            compliance_rows=rows,
        )
        return context

    def get_charts(self, context):
        return [compliance_chart(context["compliance_rows"])]


class CompletionRecordView(ServiceActionView):
    permission_required = "training.add_coursecompletion"
    form_class = CompletionRecordForm
    template_name = "core/form_page.html"
    title = "Record a completion (outside a session)"
    success_message = "Completion recorded."

    def perform(self, data):
        services.completion_record(**data, by=self.request.user)

    def get_success_url(self):
        return reverse("training:person_record", kwargs={"user_id": self.form.cleaned_data["user"].pk})


# --- certificates --------------------------------------------------------------------------------


class CertificateMixin(LoginOnlyMixin):
    """Anyone signed in can open (and so verify) a certificate by its unguessable number."""

    def get_completion(self) -> CourseCompletion:
        return get_object_or_404(
            CourseCompletion.objects.select_related("user", "course", "enrolment__session"),
            certificate_number=self.kwargs["number"],
        )


class CertificateView(CertificateMixin, TemplateView):
    template_name = "training/certificate.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(completion=self.get_completion(), **kwargs)


class CertificatePdfView(CertificateMixin, View):
    def get(self, request, number):
        completion = self.get_completion()
        return pdf_response(certificate_pdf(completion), f"certificate-{completion.certificate_number}.pdf")


# --- trainer dashboard ---------------------------------------------------------------------------


class DashboardView(PermissionMixin, ChartPageMixin, TemplateView):
    permission_required = "training.view_enrolment"
    template_name = "training/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.compliance_rows()
        counts = dict.fromkeys(ComplianceStatus.values, 0)
        for row in rows:
            counts[row.status] += 1
        recent = selectors.recent_sessions(limit=10)
        context.update(
            upcoming=selectors.upcoming_sessions()[:10],
            recent=recent,
            counts=counts,
            statuses=ComplianceStatus,
            compliance_rows=rows,
            last_run=selectors.reminder_run_latest(),
            attention=[r for r in rows if r.status in (ComplianceStatus.OVERDUE, ComplianceStatus.NEVER)][:20],
        )
        return context

    def get_charts(self, context):
        return [compliance_chart(context["compliance_rows"])]


# --- needs assessment ----------------------------------------------------------------------------


class NeedsSurveyListView(FilteredListView):
    model = NeedsSurvey
    template_name = "training/needs_list.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(response_count=Count("responses", distinct=True), topic_count=Count("topics", distinct=True))
            .order_by("-opens_on", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answered"] = selectors.needs_surveys_answered(user=self.request.user)
        context["today"] = selectors.today()
        return context


class NeedsSurveyRespondView(ServiceActionView):
    permission_required = "training.view_needssurvey"
    template_name = "training/needs_respond.html"
    form_class = NeedsResponseForm
    model = NeedsSurvey
    context_object_name = "survey"
    success_message = "Thank you: your answers were recorded."
    success_url = reverse_lazy("training:needs_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "survey": self.object}

    def get_context_data(self, **kwargs):
        answered = self.object.responses.filter(respondent=self.request.user).exists()
        return super().get_context_data(answered=answered, is_open=self.object.is_open_on(selectors.today()), **kwargs)

    def perform(self, data):
        services.needs_response_submit(
            survey=self.object,
            respondent=self.request.user,
            priorities=self.form.priorities(),
            comments=data["comments"],
        )


class NeedsSurveyCreateView(ServiceActionView):
    """A trainer creates a needs survey with its topics (``services.needs_survey_create``)."""

    permission_required = ("training.add_needssurvey", "training.add_needstopic")
    form_class = NeedsSurveyCreateForm
    template_name = "core/form_page.html"
    title = "New training needs survey"
    success_message = "Survey created: staff can answer it while it is open."
    result_url_name = "training:needs_respond"

    def get_initial(self):
        return {"opens_on": selectors.today(), "closes_on": selectors.today() + timezone.timedelta(days=21)}

    def perform(self, data):
        return services.needs_survey_create(**data, by=self.request.user)


class NeedsSurveyEditView(ObjectEditView):
    """Title and dates of a survey (closing it early, keeping it open longer); the topics stay."""

    model = NeedsSurvey
    form_class = NeedsSurveyForm
    success_url = reverse_lazy("training:needs_list")

    def perform(self, data):
        return services.needs_survey_save(survey=self.form.save(commit=False), by=self.request.user)


class NeedsResultsView(ObjectDetailView):
    model = NeedsSurvey
    permission_required = "training.view_needsresponse"  # the answers, not only the survey
    template_name = "training/needs_results.html"
    context_object_name = "survey"

    def get_queryset(self):
        return super().get_queryset().annotate(response_count=Count("responses"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ranking"] = selectors.needs_ranking(survey=self.object)
        context["comments"] = list(self.object.responses.exclude(comments="").values_list("comments", flat=True))
        return context


# --- policies and procedures ---------------------------------------------------------------------


class PolicyListView(FilteredListView):
    model = PolicyDocument
    template_name = "training/policy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = {v.document_id: v for v in selectors.policy_versions_current()}
        context["rows"] = [(doc, current.get(doc.pk)) for doc in context["object_list"]]
        context["pending"] = {v.pk for v in selectors.policies_to_acknowledge(user=self.request.user)}
        return context


class PolicyDetailView(ObjectDetailView):
    model = PolicyDocument
    template_name = "training/policy_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "courses", Prefetch("versions", queryset=PolicyVersion.objects.order_by("-effective_on", "-id"))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = selectors.policy_current_version(document=self.object)
        context["current"] = current
        context["today"] = selectors.today()
        context["acknowledged"] = bool(current and current.acknowledgements.filter(user=self.request.user).exists())
        context["can_see_unacknowledged"] = self.request.user.has_perm("training.view_policyacknowledgement")
        return context


class PolicyCreateView(ServiceActionView):
    """A new policy or procedure and its first version (``services.policy_create``)."""

    permission_required = ("training.add_policydocument", "training.add_policyversion")
    form_class = PolicyCreateForm
    template_name = "training/policy_form.html"
    title = "New policy or procedure"
    success_message = "Policy published."

    def get_initial(self):
        return {"effective_on": selectors.today(), "requires_acknowledgement": True}

    def perform(self, data):
        return services.policy_create(**data, by=self.request.user)

    def get_success_url(self):
        return reverse("training:policy_detail", kwargs={"pk": self.result.pk})


class PolicyPublishView(ServiceActionView):
    """A new version of a policy (``services.policy_version_publish``): the form starts from the
    latest version's text; the page carries which version was latest when it was opened, and is
    refused if another was published since (``core.stale``)."""

    permission_required = "training.add_policyversion"
    model = PolicyDocument
    form_class = PolicyVersionForm
    template_name = "training/policy_form.html"
    context_object_name = "document"

    @cached_property
    def latest(self) -> PolicyVersion | None:
        return services.policy_version_latest(document=self.object)

    def get_initial(self):
        latest, on = self.latest, selectors.today()
        if latest is None:
            return {"effective_on": on, "requires_acknowledgement": True}
        return {
            "effective_on": max(on, latest.effective_on),
            "body": latest.body,
            "citations": latest.citations,
            "requires_acknowledgement": True,
        }

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), {"latest": self.latest.pk if self.latest else None})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"Publish a new version of {self.object}",
            latest=self.latest,
            next_version=services.policy_version_next(document=self.object),
            **kwargs,
        )

    def perform(self, data):
        return services.policy_version_publish(
            document=self.object, shown=shown_in(data), by=self.request.user, **without_shown(data)
        )

    def get_success_message(self, version):
        return f"Version {version.version} published, effective {version.effective_on:%b %d, %Y}."

    def get_success_url(self):
        return reverse("training:policy_detail", kwargs={"pk": self.object.pk})


class PolicyAcknowledgeView(ActionView):
    permission_required = "training.view_policyversion"
    model = PolicyVersion

    def perform(self, data):
        services.policy_acknowledge(version=self.object, user=self.request.user)

    def get_success_message(self, result):
        return f"You acknowledged {self.object}."

    def get_success_url(self):
        return reverse("training:policy_detail", kwargs={"pk": self.object.document_id})


class PolicyUnacknowledgedView(PermissionMixin, TemplateView):
    permission_required = "training.view_policyacknowledgement"
    template_name = "training/policy_unacknowledged.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(PolicyVersion.objects.select_related("document"), pk=kwargs["pk"])
        people = selectors.policy_unacknowledged(version=version).prefetch_related("groups")
        page = Paginator(people, 100).get_page(self.request.GET.get("page"))
        context.update(
            version=version,
            page_obj=page,
            people=page.object_list,
            is_paginated=page.has_other_pages(),
            acknowledged_count=version.acknowledgements.count(),
        )
        return context

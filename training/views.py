"""Training pages: my training, catalogue, sessions and enrolment, outcomes, compliance, needs survey,
policies library, certificates and the trainer dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from core.charts import ChartPageMixin
from core.confirm import Confirmation, ConfirmStepMixin
from core.views import FilteredListView, LoginOnlyMixin, PermissionMixin

from . import selectors, services
from .certificates import certificate_pdf
from .charts import compliance_chart
from .choices import ComplianceStatus, EnrolmentStatus, SessionStatus
from .filtersets import ComplianceFilterSet
from .forms import (
    CompletionForm,
    CompletionRecordForm,
    CourseForm,
    EnrolOtherForm,
    EvaluationForm,
    NeedsResponseForm,
    SessionForm,
)
from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    NeedsSurvey,
    PolicyDocument,
    PolicyVersion,
    ReminderRun,
    TrainingReminder,
    TrainingSession,
)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ActionView(PermissionMixin, View):
    """A POST-only action (GET answers 405)."""

    http_method_names = ["post"]

    def back(self, fallback: str) -> HttpResponseRedirect:
        return HttpResponseRedirect(fallback)


# --- my training ---------------------------------------------------------------------------------

class MyTrainingView(LoginOnlyMixin, TemplateView):
    template_name = "training/my_training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            required=selectors.my_required_training(user=user),
            enrolments=list(
                Enrolment.objects.filter(user=user).exclude(status=EnrolmentStatus.CANCELLED)
                .select_related("session__course", "evaluation", "completion").order_by("-session__starts_at")[:50]
            ),
            completions=list(CourseCompletion.objects.filter(user=user).select_related("course")[:100]),
            reminders=list(TrainingReminder.objects.filter(user=user, read_at__isnull=True)
                           .select_related("course")[:20]),
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
    permission_required = "training.view_course"
    template_name = "training/course_list.html"

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(session_count=Count("sessions")).order_by("title")


class CourseDetailView(PermissionMixin, DetailView):
    permission_required = "training.view_course"
    template_name = "training/course_detail.html"
    context_object_name = "course"

    def get_queryset(self):
        return Course.objects.restrict(self.request.user, "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sessions"] = selectors.upcoming_sessions().filter(course=self.object)
        context["policies"] = self.object.policies.all()
        return context


class CourseCreateView(PermissionMixin, CreateView):
    permission_required = "training.add_course"
    form_class = CourseForm
    template_name = "training/form.html"
    extra_context = {"title": "New course"}

    def form_valid(self, form):
        try:
            self.object = services.course_save(course=form.save(commit=False), by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        return redirect("training:course_detail", pk=self.object.pk)


class CourseUpdateView(PermissionMixin, UpdateView):
    permission_required = "training.change_course"
    form_class = CourseForm
    template_name = "training/form.html"
    extra_context = {"title": "Edit course"}

    def get_queryset(self):
        return Course.objects.restrict(self.request.user, "change")

    def form_valid(self, form):
        try:
            self.object = services.course_save(course=form.save(commit=False), by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        return redirect("training:course_detail", pk=self.object.pk)


# --- sessions ------------------------------------------------------------------------------------

class SessionListView(FilteredListView):
    model = TrainingSession
    permission_required = "training.view_trainingsession"
    template_name = "training/session_list.html"

    def get_base_queryset(self):
        qs = super().get_base_queryset().select_related("course", "trainer").annotate(
            enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
        if self.request.GET.get("when") == "past":
            return qs.filter(starts_at__lt=timezone.now()).order_by("-starts_at")
        return qs.filter(starts_at__gte=timezone.now() - timezone.timedelta(days=1)).order_by("starts_at")


class SessionDetailView(PermissionMixin, DetailView):
    permission_required = "training.view_trainingsession"
    template_name = "training/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return TrainingSession.objects.restrict(self.request.user, "view").select_related("course", "trainer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enrolled, waitlist = selectors.session_roster(session=self.object)
        mine = next((e for e in enrolled + waitlist if e.user_id == user.pk), None)
        context.update(
            enrolled=enrolled, waitlist=waitlist, mine=mine,
            seats_left=max(self.object.capacity - len(enrolled), 0),
            can_manage=user.has_perm("training.change_enrolment"),
            can_enrol_others=user.has_perm("training.add_enrolment"),
            enrol_other_form=EnrolOtherForm() if user.has_perm("training.add_enrolment") else None,
            is_open=self.object.status == SessionStatus.SCHEDULED,
        )
        return context


class SessionCreateView(PermissionMixin, FormView):
    permission_required = "training.add_trainingsession"
    form_class = SessionForm
    template_name = "training/form.html"
    extra_context = {"title": "Schedule a session"}

    def get_initial(self):
        initial = {"trainer": self.request.user.pk}
        course = self.request.GET.get("course", "")
        if course.isdigit():
            initial["course"] = int(course)
        return initial

    def form_valid(self, form):
        try:
            session = services.session_schedule(**form.cleaned_data, by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Session scheduled.")
        return redirect("training:session_detail", pk=session.pk)


class SessionCancelView(ConfirmStepMixin, ActionView):
    """Cancelling a session asks first (14.5); the service refuses a second cancel."""

    permission_required = "training.change_trainingsession"

    def get_confirmation(self, request, pk) -> Confirmation:
        session = get_object_or_404(TrainingSession.objects.restrict(request.user, "change").select_related("course"),
                                    pk=pk)
        enrolled = session.enrolments.count()
        return Confirmation(
            title=f"Cancel the session {session}?",
            consequences=[f"The session is cancelled for everyone enrolled or waiting ({enrolled}).",
                          "It cannot be reopened: schedule a new session instead."],
            button="Yes, cancel the session", cancel_url=reverse("training:session_detail", kwargs={"pk": pk}))

    def post(self, request, pk):
        session = get_object_or_404(TrainingSession.objects.restrict(request.user, "change"), pk=pk)
        try:
            services.session_cancel(session=session, by=request.user)
            messages.success(request, "Session cancelled.")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("training:session_detail", pk=pk)


class SessionEnrolView(ActionView):
    """A staff member enrols themselves (or joins the waitlist)."""

    permission_required = "training.view_trainingsession"

    def post(self, request, pk):
        session = get_object_or_404(TrainingSession.objects.restrict(request.user, "view"), pk=pk)
        try:
            enrolment = services.enrolment_create(session=session, user=request.user, by=request.user)
            if enrolment.status == EnrolmentStatus.WAITLISTED:
                messages.warning(request, "The session is full: you are on the waitlist.")
            else:
                messages.success(request, "You are enrolled.")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("training:session_detail", pk=pk)


class SessionEnrolOtherView(ActionView):
    permission_required = "training.add_enrolment"

    def post(self, request, pk):
        session = get_object_or_404(TrainingSession.objects.restrict(request.user, "view"), pk=pk)
        form = EnrolOtherForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a staff member.")
            return redirect("training:session_detail", pk=pk)
        try:
            enrolment = services.enrolment_create(session=session, user=form.cleaned_data["user"], by=request.user)
            messages.success(request, f"{enrolment.user}: {enrolment.get_status_display().lower()}.")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("training:session_detail", pk=pk)


class EnrolmentCancelView(ConfirmStepMixin, ActionView):
    """Own enrolment, or any enrolment for a trainer. Asks first (14.5)."""

    permission_required = "training.view_trainingsession"

    def ask(self, request, pk):
        enrolment = get_object_or_404(Enrolment.objects.select_related("session"), pk=pk)
        if enrolment.user_id != request.user.pk and not request.user.has_perm("training.change_enrolment"):
            # Asking about someone else's place: back to the session page (the POST answers 404).
            messages.error(request, "You can cancel only your own place.")
            return redirect("training:session_detail", pk=enrolment.session_id)
        return super().ask(request, pk)

    def get_confirmation(self, request, pk) -> Confirmation:
        enrolment = get_object_or_404(Enrolment.objects.select_related("session", "user"), pk=pk)
        whose = "your place" if enrolment.user_id == request.user.pk else f"the place of {enrolment.user}"
        return Confirmation(
            title=f"Cancel {whose} in {enrolment.session}?",
            consequences=["The place goes to the first person on the waitlist, if any.",
                          "Enrolling again puts the person at the end of the waitlist when the session is full."],
            button="Yes, cancel the place",
            cancel_url=reverse("training:session_detail", kwargs={"pk": enrolment.session_id}))

    def post(self, request, pk):
        enrolment = get_object_or_404(Enrolment.objects.select_related("session"), pk=pk)
        if enrolment.user_id != request.user.pk and not request.user.has_perm("training.change_enrolment"):
            raise Http404
        try:
            promoted = services.enrolment_cancel(enrolment=enrolment, by=request.user)
            messages.success(request, "Enrolment cancelled." + (f" {promoted.user} moved from the waitlist."
                                                                 if promoted else ""))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("training:session_detail", pk=enrolment.session_id)


class EnrolmentAttendanceView(ActionView):
    permission_required = "training.change_enrolment"

    def post(self, request, pk):
        enrolment = get_object_or_404(Enrolment.objects.restrict(request.user, "change"), pk=pk)
        attended = request.POST.get("attended") == "yes"
        try:
            services.enrolment_attendance_record(enrolment=enrolment, attended=attended, by=request.user)
            messages.success(request, f"{enrolment.user}: {'present' if attended else 'absent'}.")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("training:session_detail", pk=enrolment.session_id)


class EnrolmentCompleteView(PermissionMixin, FormView):
    permission_required = "training.change_enrolment"
    form_class = CompletionForm
    template_name = "training/enrolment_complete.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.enrolment = get_object_or_404(
                Enrolment.objects.restrict(request.user, "change").select_related("session__course", "user"),
                pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrolment=self.enrolment, **kwargs)

    def form_valid(self, form):
        try:
            completion = services.enrolment_complete(enrolment=self.enrolment, by=self.request.user,
                                                     **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        if completion is None:
            messages.warning(self.request, f"{self.enrolment.user} did not reach the passing score.")
        else:
            messages.success(self.request, f"{self.enrolment.user} completed {completion.course}.")
        return redirect("training:session_detail", pk=self.enrolment.session_id)


# --- evaluations and outcomes --------------------------------------------------------------------

class SessionEvaluateView(PermissionMixin, FormView):
    """A participant who attended rates the session (once)."""

    permission_required = "training.view_trainingsession"
    form_class = EvaluationForm
    template_name = "training/session_evaluate.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.session = get_object_or_404(
                TrainingSession.objects.restrict(request.user, "view").select_related("course"), pk=kwargs["pk"])
            self.enrolment = (
                Enrolment.objects.filter(session=self.session, user=request.user, attended=True)
                .select_related("evaluation").first()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        already = self.enrolment is not None and hasattr(self.enrolment, "evaluation")
        return super().get_context_data(session=self.session, enrolment=self.enrolment, already=already, **kwargs)

    def form_valid(self, form):
        if self.enrolment is None:
            form.add_error(None, "Only participants who attended can evaluate the session.")
            return self.form_invalid(form)
        try:
            services.evaluation_submit(enrolment=self.enrolment, by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you for your feedback.")
        return redirect("training:my_training")


class SessionOutcomesView(PermissionMixin, DetailView):
    permission_required = "training.view_sessionevaluation"
    template_name = "training/session_outcomes.html"
    context_object_name = "session"

    def get_queryset(self):
        return TrainingSession.objects.restrict(self.request.user, "view").select_related("course", "trainer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outcomes"] = selectors.session_outcomes(session=self.object)
        context["comments"] = selectors.session_comments(session=self.object)
        context["participants"] = (
            self.object.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("user", "completion")
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

class ComplianceView(PermissionMixin, ChartPageMixin, TemplateView):
    """Who is overdue or due soon for required training, by unit and role."""

    permission_required = "training.view_coursecompletion"
    template_name = "training/compliance.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ComplianceFilterSet(self.request.GET or None, queryset=get_user_model().objects.all(),
                                        request=self.request)
        users = filterset.qs if filterset.is_bound and filterset.is_valid() else (
            get_user_model().objects.none() if filterset.is_bound else get_user_model().objects.all())
        rows = selectors.compliance_rows(users=users, **filterset.row_filters())
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        summary = selectors.compliance_summary(rows)
        context.update(filter=filterset, page_obj=page, rows=page.object_list, is_paginated=page.has_other_pages(),
                       summary=summary, statuses=ComplianceStatus, total=len(rows),
                       compliance_rows=rows)
        return context

    def get_charts(self, context):
        return [compliance_chart(context["compliance_rows"])]


class CompletionRecordView(PermissionMixin, FormView):
    permission_required = "training.add_coursecompletion"
    form_class = CompletionRecordForm
    template_name = "training/form.html"
    extra_context = {"title": "Record a completion (outside a session)"}

    def form_valid(self, form):
        try:
            services.completion_record(**form.cleaned_data, by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Completion recorded.")
        return redirect("training:person_record", user_id=form.cleaned_data["user"].pk)


# --- certificates --------------------------------------------------------------------------------

class CertificateMixin(LoginOnlyMixin):
    """Anyone signed in can open (and so verify) a certificate by its unguessable number."""

    def get_completion(self) -> CourseCompletion:
        return get_object_or_404(CourseCompletion.objects.select_related("user", "course", "enrolment__session"),
                                 certificate_number=self.kwargs["number"])


class CertificateView(CertificateMixin, TemplateView):
    template_name = "training/certificate.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(completion=self.get_completion(), **kwargs)


class CertificatePdfView(CertificateMixin, View):
    def get(self, request, number):
        completion = self.get_completion()
        response = HttpResponse(certificate_pdf(completion), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="certificate-{completion.certificate_number}.pdf"'
        return response


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
        recent = (
            TrainingSession.objects.filter(starts_at__lt=timezone.now()).select_related("course", "trainer")
            .order_by("-starts_at")[:10]
        )
        context.update(
            upcoming=selectors.upcoming_sessions()[:10], recent=recent, counts=counts,
            statuses=ComplianceStatus, compliance_rows=rows,
            last_run=ReminderRun.objects.first(),
            attention=[r for r in rows if r.status in (ComplianceStatus.OVERDUE, ComplianceStatus.NEVER)][:20],
        )
        return context

    def get_charts(self, context):
        return [compliance_chart(context["compliance_rows"])]


# --- needs assessment ----------------------------------------------------------------------------

class NeedsSurveyListView(FilteredListView):
    model = NeedsSurvey
    permission_required = "training.view_needssurvey"
    template_name = "training/needs_list.html"

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(
            response_count=Count("responses", distinct=True), topic_count=Count("topics", distinct=True)
        ).order_by("-opens_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answered"] = set(
            NeedsSurvey.objects.filter(responses__respondent=self.request.user).values_list("pk", flat=True)
        )
        context["today"] = selectors.today()
        return context


class NeedsSurveyRespondView(PermissionMixin, FormView):
    permission_required = "training.view_needssurvey"
    template_name = "training/needs_respond.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.survey = get_object_or_404(NeedsSurvey.objects.restrict(request.user, "view"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return NeedsResponseForm(**self.get_form_kwargs(), survey=self.survey)

    def get_context_data(self, **kwargs):
        answered = self.survey.responses.filter(respondent=self.request.user).exists()
        return super().get_context_data(survey=self.survey, answered=answered,
                                        is_open=self.survey.is_open_on(selectors.today()), **kwargs)

    def form_valid(self, form):
        try:
            services.needs_response_submit(survey=self.survey, respondent=self.request.user,
                                           priorities=form.priorities(), comments=form.cleaned_data["comments"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you: your answers were recorded.")
        return redirect("training:needs_list")


class NeedsResultsView(PermissionMixin, DetailView):
    permission_required = "training.view_needsresponse"
    template_name = "training/needs_results.html"
    context_object_name = "survey"

    def get_queryset(self):
        return NeedsSurvey.objects.restrict(self.request.user, "view").annotate(response_count=Count("responses"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ranking"] = selectors.needs_ranking(survey=self.object)
        context["comments"] = list(self.object.responses.exclude(comments="").values_list("comments", flat=True))
        return context


# --- policies and procedures ---------------------------------------------------------------------

class PolicyListView(FilteredListView):
    model = PolicyDocument
    permission_required = "training.view_policydocument"
    template_name = "training/policy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = {v.document_id: v for v in selectors.policy_versions_current()}
        context["rows"] = [(doc, current.get(doc.pk)) for doc in context["object_list"]]
        context["pending"] = {v.pk for v in selectors.policies_to_acknowledge(user=self.request.user)}
        return context


class PolicyDetailView(PermissionMixin, DetailView):
    permission_required = "training.view_policydocument"
    template_name = "training/policy_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return PolicyDocument.objects.restrict(self.request.user, "view").prefetch_related(
            "courses", Prefetch("versions", queryset=PolicyVersion.objects.order_by("-effective_on", "-id")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = selectors.policy_current_version(document=self.object)
        context["current"] = current
        context["acknowledged"] = bool(current and current.acknowledgements.filter(user=self.request.user).exists())
        context["can_see_unacknowledged"] = self.request.user.has_perm("training.view_policyacknowledgement")
        return context


class PolicyAcknowledgeView(ActionView):
    permission_required = "training.view_policyversion"

    def post(self, request, pk):
        version = get_object_or_404(PolicyVersion.objects.restrict(request.user, "view"), pk=pk)
        services.policy_acknowledge(version=version, user=request.user)
        messages.success(request, f"You acknowledged {version}.")
        return redirect("training:policy_detail", pk=version.document_id)


class PolicyUnacknowledgedView(PermissionMixin, TemplateView):
    permission_required = "training.view_policyacknowledgement"
    template_name = "training/policy_unacknowledged.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(PolicyVersion.objects.select_related("document"), pk=kwargs["pk"])
        people = selectors.policy_unacknowledged(version=version).prefetch_related("groups")
        page = Paginator(people, 100).get_page(self.request.GET.get("page"))
        context.update(version=version, page_obj=page, people=page.object_list, is_paginated=page.has_other_pages(),
                       acknowledged_count=version.acknowledgements.count())
        return context


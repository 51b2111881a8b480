"""Complaint screens: public web form and status page, the ombudsperson queue and complaint page,
the resolution notice (printable and PDF) and the periodic report (CSV and charts)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cases.access import contact_shown
from cases.redaction import WITHHELD
from cases.selectors import case_by_number
from core import throttle
from core.charts import svg_response
from core.csv import csv_response
from core.forms import apply_service_errors
from core.lists import ListViewMixin
from core.views import (
    FilteredListView,
    LetterPageView,
    LoginOnlyMixin,
    NumberedActionView,
    NumberedChildMixin,
    NumberedObjectMixin,
    PermissionMixin,
    PublicMixin,
    ServiceActionView,
)

from . import deadlines, selectors, services
from .choices import ReferralStatus
from .documents import (
    acknowledgement_letter,
    extension_letter,
    report_chart,
    resolution_letter,
)
from .filtersets import ComplaintFilterSet
from .forms import (
    AnswerForm,
    AssignForm,
    CaseLinkForm,
    CommunicationForm,
    ExtendForm,
    ForwardForm,
    PublicComplaintForm,
    PublicStatusForm,
    ReferralForm,
    ReportForm,
    ResolveForm,
    StaffComplaintForm,
)
from .law import citation
from .models import Complaint, Notice, Referral
from .secrets import form_token_again

# Public ---------------------------------------------------------------------------------------


class ThrottledPostMixin:
    """A public form whose submissions count against the client's public rate (``core.throttle``,
    one bucket per form): over it, the throttled page (429) instead of the form."""

    throttle_bucket = ""

    def post(self, request, *args, **kwargs):
        if not throttle.allow(request, self.throttle_bucket):
            return throttle.refused(request, "complaints/public_throttled.html")
        return super().post(request, *args, **kwargs)


class PublicComplaintView(PublicMixin, ThrottledPostMixin, FormView):
    """The public complaint form: no account, rate-limited per client address."""

    public_language = True  # follows Accept-Language and ?lang= (core.middleware.PublicLanguageMiddleware)

    template_name = "complaints/public_form.html"
    form_class = PublicComplaintForm
    throttle_bucket = "complaint"

    def get_context_data(self, **kwargs):
        # The form's one-time token (complaints.secrets): a new one when the form is shown, the one
        # sent when it is shown again with errors (a new one if that one may no longer be sent).
        # A used token refused for a different complaint (services.FORM_USED) is never given again.
        sent = "" if getattr(self, "form_token_used", False) else self.request.POST.get("form_token", "")
        token = form_token_again(sent)
        return {**super().get_context_data(**kwargs), "form_token": token}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            # The form's fields are the service's arguments, less the date received and the case:
            # any county's (the office links the complaint to it; the anonymous complainant is shown
            # nothing of the case). The same form sent again answers with the complaint it filed.
            complaint = services.complaint_file_public(
                form_token=self.request.POST.get("form_token", ""),
                received_on=timezone.localdate(),
                case=case_by_number(data["case_number"]),
                **data,
            )
        except ValidationError as exc:
            self.form_token_used = getattr(exc, "code", None) == "form_used"
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return render(
            self.request,
            "complaints/public_confirmation.html",
            {"complaint": complaint, "secret": complaint.raw_secret, "due": deadlines.public_due_on(complaint)},
        )


class PublicStatusView(PublicMixin, ThrottledPostMixin, FormView):
    """Status of a web complaint: its number plus the secret code (never in the URL)."""

    public_language = True  # follows Accept-Language and ?lang= (core.middleware.PublicLanguageMiddleware)

    template_name = "complaints/public_status.html"
    form_class = PublicStatusForm
    throttle_bucket = "status"

    def form_valid(self, form):
        complaint = selectors.complaint_for_status_page(
            number=form.cleaned_data["number"], secret=form.cleaned_data["secret"]
        )
        if complaint is None:
            form.add_error(None, gettext("No complaint matches this confirmation number and secret code."))
            return self.form_invalid(form)
        return render(
            self.request,
            self.template_name,
            {"form": None, "complaint": complaint, "due": deadlines.public_due_on(complaint)},
        )


# Staff ----------------------------------------------------------------------------------------


class ComplaintListView(ListViewMixin, FilteredListView):
    """The ombudsperson queue, earliest due first; sortable, filterable, ``?export=csv``."""

    sort_fields = {
        "number": ("number",),
        "due": ("due_on",),
        "status": ("status", "due_on"),
        "complainant": ("complainant_name",),
        "category": ("category", "due_on"),
        "case": ("case__case_number",),
        "investigator": ("investigator__username", "due_on"),
    }
    default_sort = "due"
    csv_columns = (
        "number",
        "due_on",
        ("status", "get_status_display"),
        ("complainant", "complainant_name"),
        ("category", "get_category_display"),
        ("case_number", lambda c: c.case.case_number if c.case_id else c.case_number_received),
        "investigator",
        "received_on",
    )
    model = Complaint
    filterset_class = ComplaintFilterSet

    def get_base_queryset(self):
        return selectors.complaint_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}


class ComplaintCreateView(ServiceActionView):
    permission_required = "complaints.add_complaint"
    template_name = "complaints/complaint_form.html"
    form_class = StaffComplaintForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    @transaction.atomic
    def perform(self, data):
        # One transaction: a refused assignment leaves no complaint behind.
        complaint = services.complaint_file(
            channel=data["channel"],
            complainant_name=data["complainant_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            case_number=data["case_number"],
            case=data["case"],
            complainant_person=data["complainant_person"],
            category=data["category"],
            description=data["description"],
            received_on=data["received_on"],
            known_on=data["known_on"],
            preferred_language=data["preferred_language"],
            interpreter_needed=data["interpreter_needed"],
            accommodation_needs=data["accommodation_needs"],
            by=self.request.user,
        )
        if data.get("investigator"):
            services.complaint_assign(complaint=complaint, investigator=data["investigator"], by=self.request.user)
        return complaint

    def get_success_message(self, complaint):
        notes = []
        if complaint.unknown_case:
            notes.append("the case number is not known: recorded without a case")
        if complaint.past_known_limit:
            notes.append("made more than 90 days after the person knew (flagged, accepted)")
        return f"Complaint {complaint.number} recorded, due {complaint.due_on:%b %d, %Y}" + (
            f" — {'; '.join(notes)}." if notes else "."
        )

    def get_success_url(self):
        if self.request.user.has_perm("complaints.view_complaint"):
            return reverse("complaints:complaint_detail", kwargs={"number": self.result.number})
        return reverse("core:home")


class ComplaintMixin(NumberedObjectMixin):
    number_selector = staticmethod(selectors.complaint_get)

    def get_complaint(self) -> Complaint:
        return self.numbered_object


class ComplaintDetailView(PermissionMixin, ComplaintMixin, TemplateView):
    permission_required = "complaints.view_complaint"
    template_name = "complaints/complaint_detail.html"

    def get_context_data(self, **kwargs):
        complaint = self.get_complaint()
        user = self.request.user
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        # The contact they gave, withheld as their person page withholds it (cases.redaction); a case
        # person's shown is a sensitive read, logged as their person page logs one.
        contact = contact_shown(
            request=self.request,
            obj=complaint,
            person=complaint.complainant_person,
            email=complaint.contact_email,
            phone=complaint.contact_phone,
        )
        context.update(
            complaint=complaint,
            contact=contact,
            withheld=WITHHELD,
            today=today,
            communications=complaint.communications.select_related("recorded_by"),
            referrals=complaint.referrals.all(),
            hearing_requests=complaint.hearing_requests.all() if user.has_perm("hearings.view_hearingrequest") else [],
            assign_form=AssignForm(complaint=complaint) if user.has_perm("complaints.assign_complaint") else None,
            communication_form=CommunicationForm(initial={"occurred_on": today})
            if user.has_perm("complaints.add_communication")
            else None,
            referral_form=ReferralForm() if user.has_perm("complaints.add_referral") else None,
            forward_form=ForwardForm(initial={"forwarded_on": today}),
            answer_form=AnswerForm(initial={"answered_on": today}),
            can_change_referral=user.has_perm("complaints.change_referral"),
            ReferralStatus=ReferralStatus,
            complaint_law=citation("complaint", complaint.jurisdiction),
        )
        return context


class ComplaintActionView(ComplaintMixin, NumberedActionView):
    """A form acting on one complaint through a service; service errors land on the form."""

    template_name = "complaints/complaint_action.html"
    context_object_name = "complaint"
    success_url_name = "complaints:complaint_detail"


class ComplaintPostView(ComplaintActionView):
    """POST-only action from the complaint page (GET answers 405): errors come back as a message."""

    post_only = True
    error_prefix = "Not saved — "


class ComplaintAssignView(ComplaintPostView):
    permission_required = "complaints.assign_complaint"
    form_class = AssignForm
    success_message = "Investigator assigned."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "complaint": self.get_complaint()}

    def perform(self, data):
        services.complaint_assign(
            complaint=self.get_complaint(), investigator=data["investigator"], by=self.request.user
        )


class ComplaintExtendView(ComplaintActionView):
    permission_required = "complaints.extend_complaint"
    form_class = ExtendForm
    title = "Extend the due date (once, up to 30 days)"
    success_message = "Due date extended."
    success_url_name = "complaints:extension_letter"

    def perform(self, data):
        services.complaint_extend(
            complaint=self.get_complaint(), days=data["days"], reason=data["reason"], by=self.request.user
        )


class ComplaintCaseLinkView(ComplaintActionView):
    """Link a complaint recorded with an unknown case number to its case (or, with a reason, one
    linked to the wrong case): a hearing request made from it then carries the case."""

    permission_required = "complaints.change_complaint"
    form_class = CaseLinkForm
    title = "Link the complaint to its case"
    success_message = "Complaint linked to the case."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        complaint = self.get_complaint()
        return {"case_number": "" if complaint.case_id else complaint.case_number_received}

    def perform(self, data):
        services.complaint_case_link(
            complaint=self.get_complaint(), case=data["case"], reason=data["reason"], by=self.request.user
        )


class ComplaintLetterView(ComplaintMixin, LetterPageView):
    """A letter to the complainant (page; the ``...PdfView`` subclass is the PDF with the same
    lines, ``<prefix>-<number>.pdf``)."""

    permission_required = "complaints.view_complaint"
    back_label = "Back to the complaint"
    pdf_url_name = ""
    pdf_prefix = ""

    def get_back_url(self) -> str:
        return reverse("complaints:complaint_detail", kwargs={"number": self.get_complaint().number})

    def get_pdf_url(self) -> str:
        return reverse(self.pdf_url_name, kwargs={"number": self.get_complaint().number})

    def get_pdf_filename(self) -> str:
        return f"{self.pdf_prefix}-{self.get_complaint().number}.pdf"

    def not_yet(self, message: str) -> HttpResponse:
        """The letter does not exist yet: back to the complaint page, saying when it will."""
        messages.info(self.request, message)
        return redirect("complaints:complaint_detail", number=self.get_complaint().number)


class ExtensionLetterView(ComplaintLetterView):
    """The extension letter to the complainant."""

    pdf_url_name = "complaints:extension_letter_pdf"
    pdf_prefix = "extension"

    def letter_unavailable(self):
        if not self.get_complaint().was_extended:
            return self.not_yet("The extension letter exists once the complaint is extended.")
        return None

    def get_letter(self):
        return extension_letter(self.get_complaint())


class ExtensionLetterPdfView(ExtensionLetterView):
    as_pdf = True


class AcknowledgementLetterView(ComplaintLetterView):
    """The acknowledgement letter to the complainant."""

    pdf_url_name = "complaints:acknowledgement_letter_pdf"
    pdf_prefix = "acknowledgement"

    def get_letter(self):
        return acknowledgement_letter(self.get_complaint())


class AcknowledgementLetterPdfView(AcknowledgementLetterView):
    as_pdf = True


class CommunicationAddView(ComplaintPostView):
    permission_required = "complaints.add_communication"
    form_class = CommunicationForm
    success_message = "Communication logged."

    def perform(self, data):
        services.communication_add(complaint=self.get_complaint(), by=self.request.user, **data)


class ReferralAddView(ComplaintPostView):
    permission_required = "complaints.add_referral"
    form_class = ReferralForm
    success_message = "Referral recorded: forward it within 5 business days of receipt."

    def perform(self, data):
        services.referral_create(complaint=self.get_complaint(), by=self.request.user, **data)


class ReferralActionView(NumberedChildMixin, ComplaintPostView):
    permission_required = "complaints.change_referral"
    child_model = Referral  # the URL names the referral
    parent_field = "complaint"

    def get_referral(self) -> Referral:
        return self.object


class ReferralForwardView(ReferralActionView):
    form_class = ForwardForm
    success_message = "Forwarding recorded."

    def perform(self, data):
        services.referral_forward(referral=self.get_referral(), forwarded_on=data["forwarded_on"], by=self.request.user)


class ReferralAnswerView(ReferralActionView):
    form_class = AnswerForm
    success_message = "Answer recorded."

    def perform(self, data):
        services.referral_answer(referral=self.get_referral(), by=self.request.user, **data)


class ComplaintResolveView(ComplaintActionView):
    permission_required = "complaints.resolve_complaint"
    form_class = ResolveForm
    title = "Resolve: written resolution"
    success_message = "Complaint resolved: print or send the resolution notice."
    success_url_name = "complaints:resolution_notice"

    def get_initial(self):
        return {"resolved_on": timezone.localdate()}

    def perform(self, data):
        return services.complaint_resolve(
            complaint=self.get_complaint(),
            outcome=data["outcome"],
            explanation=data["explanation"],
            resolved_on=data["resolved_on"],
            by=self.request.user,
        )

    def get_success_message(self, result) -> str:
        return {
            "email": "Complaint resolved: the resolution notice was e-mailed to the complainant.",
            "mail": "Complaint resolved: print and mail the resolution notice.",
        }.get(
            getattr(result, "letter_channel", "mail"),
            "Complaint resolved. The notice could not be sent: no postal or e-mail address is on file "
            "(a work item is open).",
        )


class ResolutionNoticeView(ComplaintLetterView):
    """The printable resolution letter (states the state hearing right and its deadline)."""

    pdf_url_name = "complaints:resolution_notice_pdf"
    pdf_prefix = "resolution"

    def letter_unavailable(self):
        if self.get_complaint().resolved_on is None:
            return self.not_yet("The notice exists once the complaint is resolved.")
        return None

    def get_letter(self):
        return resolution_letter(self.get_complaint())


class ResolutionNoticePdfView(ResolutionNoticeView):
    as_pdf = True


# Report ---------------------------------------------------------------------------------------


def report_period(params) -> tuple[ReportForm, date, date]:
    today = timezone.localdate()
    form = ReportForm(params or {"period": "month", "year": today.year, "number": today.month})
    if not form.is_valid():
        form = ReportForm({"period": "month", "year": today.year, "number": today.month})
        form.is_valid()
    data = form.cleaned_data
    if data["period"] == "quarter":
        first_month = 3 * (data["number"] - 1) + 1
        start, months = date(data["year"], first_month, 1), 3
    else:
        start, months = date(data["year"], data["number"], 1), 1
    next_month = start.month - 1 + months
    end = date(start.year + next_month // 12, next_month % 12 + 1, 1) - timedelta(days=1)
    return form, start, end


class ComplaintReportView(PermissionMixin, TemplateView):
    permission_required = "complaints.view_complaint_report"
    template_name = "complaints/report.html"

    def get_context_data(self, **kwargs):
        form, start, end = report_period(self.request.GET)
        query = self.request.GET.urlencode()
        report = selectors.complaint_report(start=start, end=end)
        charts = {kind: report_chart(report, kind) for kind in ("category", "outcome")}
        for kind, chart in charts.items():
            chart.url = f"{reverse(f'complaints:report_chart_{kind}')}?{query}"
        return {**super().get_context_data(**kwargs), "form": form, "report": report, "query": query, "charts": charts}


class ComplaintReportCsvView(PermissionMixin, View):
    permission_required = "complaints.view_complaint_report"

    def get(self, request):
        _, start, end = report_period(request.GET)
        report = selectors.complaint_report(start=start, end=end)
        return csv_response(f"complaints-{start}-{end}.csv", None, report.rows, stream=False)


class ComplaintReportChartView(PermissionMixin, View):
    """A same-origin SVG chart (``core.charts``) behind the report's own permission; the page carries the
    same figures as a table."""

    permission_required = "complaints.view_complaint_report"
    kind = "category"

    def get(self, request):
        _, start, end = report_period(request.GET)
        report = selectors.complaint_report(start=start, end=end)
        return svg_response(report_chart(report, self.kind).svg())


# In-app notices -------------------------------------------------------------------------------


class NoticeListView(LoginOnlyMixin, ListView):
    template_name = "complaints/notice_list.html"
    paginate_by = 50

    def get_queryset(self):
        if self.request.GET.get("unread") == "on":  # the home card "Unread notices"
            return selectors.unread_notices(user=self.request.user).select_related("complaint")
        return Notice.objects.filter(user=self.request.user).select_related("complaint")


class NoticeReadView(LoginOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        services.notice_mark_read(user=request.user, notice_id=pk)
        return redirect("complaints:notice_list")

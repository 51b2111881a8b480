"""Hearing screens: requests (list, new, page), good cause, scheduling, decision, compliance
actions and the hearing officer's docket."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.access import contact_shown
from cases.redaction import WITHHELD
from complaints.models import Complaint
from core.dates import display_date
from core.lists import ListViewMixin
from core.stale import carry_shown, shown_in, without_shown
from core.views import (
    FilteredListView,
    LetterPageView,
    NumberedActionView,
    NumberedChildMixin,
    NumberedObjectMixin,
    PermissionMixin,
    ServiceActionView,
    child_in_scope_or_404,
)

from . import selectors, services
from .choices import ISSUE_OF_CATEGORY, ActionStatus, HearingStatus, RequestStatus
from .deadlines import presumed_received_on, reopen_last_day
from .filtersets import HearingRequestFilterSet
from .forms import (
    ActionDoneForm,
    ComplianceActionFormSet,
    DecideForm,
    DismissForm,
    GoodCauseForm,
    HearingRequestForm,
    HeldForm,
    NoShowForm,
    ReopenForm,
    ScheduleForm,
    officers,
)
from .letters import hearing_letter
from .models import ComplianceAction, HearingLetter, HearingRequest


class RequestListView(ListViewMixin, FilteredListView):
    """Hearing requests, earliest hearing target first; sortable, filterable, ``?export=csv``."""

    sort_fields = {
        "number": ("number",),
        "requested": ("requested_on",),
        "requester": ("requester_name",),
        "issue": ("issue", "hold_by"),
        "status": ("status", "hold_by"),
        "hold_by": ("hold_by",),
        "decide_by": ("decide_by",),
    }
    default_sort = "hold_by"
    csv_columns = (
        "number",
        "requested_on",
        ("requester", "requester_name"),
        ("issue", "get_issue_display"),
        ("status", "get_status_display"),
        "hold_by",
        "decide_by",
        ("case_number", "case.case_number"),
    )
    model = HearingRequest
    filterset_class = HearingRequestFilterSet
    template_name = "hearings/request_list.html"

    def get_base_queryset(self):
        return selectors.request_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}


class RequestCreateView(ServiceActionView):
    permission_required = "hearings.add_hearingrequest"
    template_name = "hearings/request_form.html"
    form_class = HearingRequestForm

    def get_complaint(self) -> Complaint | None:
        number = (self.request.POST.get("complaint_number") or self.request.GET.get("complaint") or "").strip()[:20]
        if not number:
            return None
        return (
            Complaint.objects.restrict(self.request.user, "view")
            .select_related("case")
            .filter(number__iexact=number)
            .first()
        )

    def get_initial(self):
        complaint = self.get_complaint()
        if complaint is None:
            return {}
        return {
            "complaint_number": complaint.number,
            "requester_name": complaint.complainant_name,
            "case_number": complaint.case.case_number if complaint.case_id else "",
            # No contact: the complainant's phone and e-mail are not copied onto the page (an FVI
            # complainant's are withheld, cases.redaction.contact_copy); left blank, the request
            # takes them from the complaint (``services.hearing_request_create``).
            "issue": ISSUE_OF_CATEGORY.get(complaint.category, ""),
            # Presumed received after the day the notice went out, as ``hearing_request_create`` counts.
            "resolution_received_on": (
                presumed_received_on(complaint.resolution_sent_on or complaint.resolved_on)
                if complaint.resolved_on
                else None
            ),
            "interpreter_language": complaint.preferred_language if complaint.interpreter_needed else "",
            "accommodation_needs": complaint.accommodation_needs,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "complaint": self.get_complaint()}

    def perform(self, data):
        complaint = self.get_complaint()
        if data["complaint_number"] and complaint is None:
            raise ValidationError({"complaint_number": "No complaint you can see has this number."})
        return services.hearing_request_create(
            complaint=complaint,
            case=None if complaint else data["case"],
            requester_name=data["requester_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            issue=data["issue"],
            statement=data["statement"],
            requested_on=data["requested_on"],
            complaint_made_on=data["complaint_made_on"],
            resolution_received_on=data["resolution_received_on"],
            alternate_route=data["alternate_route"],
            interpreter_language=data["interpreter_language"],
            accommodation_needs=data["accommodation_needs"],
            by=self.request.user,
        )

    def get_success_message(self, request):
        note = f"Hearing request {request.number} recorded."
        if request.is_late:
            note += f" It is after the filing deadline ({request.filing_deadline:%b %d, %Y}): accepted, flagged, good cause to decide."
        if request.status == RequestStatus.DISMISSAL_NOTICED:  # California (22 CCR 120211(a)(2), (b))
            note += (
                " The matter belongs to the court: the notice of intended dismissal (on "
                f"{request.dismissal_on:%b %d, %Y}) went to each party, with the alternate route."
            )
        elif not request.in_jurisdiction:
            note += " The matter belongs to the court: recorded with the alternate route offered."
        return note

    def get_success_url(self):
        return reverse("hearings:request_detail", kwargs={"number": self.result.number})


class RequestMixin(NumberedObjectMixin):
    number_selector = staticmethod(selectors.request_get)

    def get_hearing_request(self) -> HearingRequest:
        return self.numbered_object


class RequestDetailView(PermissionMixin, RequestMixin, TemplateView):
    permission_required = "hearings.view_hearingrequest"
    template_name = "hearings/request_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        request = self.get_hearing_request()
        today = timezone.localdate()
        complaint = request.complaint
        # The contact the appellant gave, withheld as the complainant's person page withholds it; a
        # case person's shown is a sensitive read, logged as their person page logs one.
        contact = contact_shown(
            request=self.request,
            obj=request,
            person=complaint.complainant_person if complaint is not None else None,
            email=request.contact_email,
            phone=request.contact_phone,
        )
        return {
            **super().get_context_data(**kwargs),
            "req": request,
            "contact": contact,
            "withheld": WITHHELD,
            "today": today,
            "good_cause_form": GoodCauseForm(noticed=request.status == RequestStatus.DISMISSAL_NOTICED)
            if user.has_perm("hearings.decide_hearing")
            else None,
            "done_form": ActionDoneForm(initial={"done_on": today}),
            "can_complete": selectors.actions_completable(user=user, request=request),
            "ActionStatus": ActionStatus,
            "can_record_held": user.has_perm("hearings.decide_hearing")
            and request.status == RequestStatus.SCHEDULED
            and any(
                h.status == HearingStatus.SCHEDULED and h.starts_at <= timezone.now() for h in request.hearings.all()
            ),
            **_reopening(request, user),
            # California: a missed hearing is noticed for dismissal first (22 CCR 120213(b)).
            "can_record_no_show": user.has_perm("hearings.decide_hearing")
            and request.jurisdiction == "CA"
            and request.status == RequestStatus.SCHEDULED
            and any(
                h.status == HearingStatus.SCHEDULED and h.ends_at <= timezone.now() for h in request.hearings.all()
            ),
        }


def _reopening(request: HearingRequest, user) -> dict:
    """New York: the sitting no one came to of a request dismissed as abandoned, the last day it may be
    asked to be reopened (18 NYCRR 358-5.5(c)) and what it was reopened as; ``can_reopen`` for the
    hearing officer while it is not reopened yet."""
    sitting = selectors.abandoned_sitting(request=request)
    if sitting is None:
        return {"abandoned_on": None, "reopened_as": None, "can_reopen": False}
    missed_on = timezone.localdate(sitting.starts_at)
    reopened = selectors.reopened_as(request=request)
    return {
        "abandoned_on": missed_on,
        "reopen_last_day": reopen_last_day(missed_on),
        "reopened_as": reopened,
        "can_reopen": reopened is None and user.has_perm("hearings.decide_hearing"),
    }


class RequestActionView(RequestMixin, NumberedActionView):
    template_name = "hearings/request_action.html"
    context_object_name = "req"
    success_url_name = "hearings:request_detail"


class GoodCauseView(RequestActionView):
    permission_required = "hearings.decide_hearing"
    form_class = GoodCauseForm
    title = "Good cause for a late request"
    success_message = "Good-cause decision recorded."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "noticed": self.get_hearing_request().status == RequestStatus.DISMISSAL_NOTICED,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.get_hearing_request()
        if request.status == RequestStatus.DISMISSAL_NOTICED:  # what the complainant showed (120211(b), 120213(b))
            context["title"] = (
                f"Dismissal noticed ({request.get_dismissal_ground_display()}): what the complainant showed"
            )
        return context

    def perform(self, data):
        services.hearing_good_cause_decide(
            request=self.get_hearing_request(), found=data["found"], reason=data["reason"], by=self.request.user
        )


class ScheduleView(RequestActionView):
    permission_required = "hearings.schedule_hearing"
    form_class = ScheduleForm
    title = "Schedule the hearing"
    success_message = "Hearing scheduled."

    def get_initial(self):
        request = self.get_hearing_request()
        initial = {
            "interpreter_language": request.interpreter_language,
            "accommodation_needs": request.accommodation_needs,
        }
        if self.request.user in officers():
            initial["officer"] = self.request.user
        return initial

    def get_form(self, form_class=None):
        # the sitting the page knows of (none the first time): a stale "Schedule" is refused (core.stale)
        return carry_shown(
            super().get_form(form_class), values=services.schedule_page_shown(self.get_hearing_request())
        )

    def get_context_data(self, **kwargs):
        # A request already scheduled says so: a new time is a reschedule, done knowingly.
        current = selectors.scheduled_sitting(request=self.get_hearing_request())
        if current is None:
            return super().get_context_data(**kwargs)
        note = (
            f"The hearing is scheduled for {display_date(current.starts_at, with_time=True)}. A new time "
            "postpones that sitting and sends each party a new notice."
        )
        return super().get_context_data(title="Reschedule the hearing", note=note, **kwargs)

    def perform(self, data):
        services.hearing_schedule(
            request=self.get_hearing_request(), by=self.request.user, shown=shown_in(data), **without_shown(data)
        )


class DecideView(RequestActionView):
    """The decision, with each compliance action it orders as its own fields (a formset)."""

    permission_required = "hearings.decide_hearing"
    form_class = DecideForm
    title = "Record the decision"
    success_message = "Decision recorded: the decision letters are ready to print."

    def get_initial(self):
        return {"decided_on": timezone.localdate()}

    def get_formset(self):
        if not hasattr(self, "_formset"):
            data = self.request.POST if self.request.method == "POST" else None
            self._formset = ComplianceActionFormSet(
                data, prefix="actions", form_kwargs={"hearing_request": self.get_hearing_request()}
            )
        return self._formset

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "formset": self.get_formset()}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if form.is_valid() and formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, data):
        actions = [
            (f["description"], f["due_on"], f.get("assigned_to"))
            for f in self.get_formset().cleaned_data
            if f.get("description")
        ]
        services.hearing_decide(
            request=self.get_hearing_request(),
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            summary=data["summary"],
            actions=actions,
            by=self.request.user,
        )


class HeldView(RequestActionView):
    """Record that the scheduled hearing took place (a step of its own, asked for before saving)."""

    permission_required = "hearings.decide_hearing"
    form_class = HeldForm
    title = "Record the hearing as held"
    success_message = "Hearing recorded as held: the decision can now be recorded."

    def perform(self, data):
        services.hearing_held_record(request=self.get_hearing_request(), by=self.request.user)


class DismissView(RequestActionView):
    """Dismiss a California request whose dismissal was noticed, once the notice's date has come
    (22 CCR 120211(b)); refused before it."""

    permission_required = "hearings.decide_hearing"
    form_class = DismissForm
    title = "Dismiss the request (noticed dismissal)"
    submit_label, submit_class = "Dismiss the request", "btn-danger"
    success_message = "Request dismissed: the decision letters were issued."

    def perform(self, data):
        services.hearing_request_dismiss(request=self.get_hearing_request(), by=self.request.user)


class NoShowView(RequestActionView):
    """California: no one came to the hearing. The complainant is told the request will be dismissed
    15 days later unless they ask for it to be reinstated and show good cause (22 CCR 120213(b))."""

    permission_required = "hearings.decide_hearing"
    form_class = NoShowForm
    title = "No one came to the hearing"
    submit_label, submit_class = "Send the notice of intended dismissal", "btn-danger"
    success_message = "Recorded: the notice of intended dismissal was issued to each party."

    def perform(self, data):
        services.hearing_no_show_record(request=self.get_hearing_request(), by=self.request.user)


class ReopenView(RequestActionView):
    """New York: reopen a request dismissed as abandoned when the appellant asked within one calendar
    year of the hearing and gave a good cause reason (18 NYCRR 358-5.5(c)): a new request linked to it,
    to be scheduled; refused after the year with its last day."""

    permission_required = "hearings.decide_hearing"
    form_class = ReopenForm
    title = "Reopen the abandoned request"
    submit_label = "Reopen the request"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reopening = _reopening(self.get_hearing_request(), self.request.user)
        if reopening["abandoned_on"] is not None:
            context["title"] = (
                f"Reopen the abandoned request (hearing of {reopening['abandoned_on']:%b %d, %Y}; "
                f"ask by {reopening['reopen_last_day']:%b %d, %Y})"
            )
        return context

    def get_initial(self):
        return {"asked_on": timezone.localdate()}

    def perform(self, data):
        return services.hearing_request_reopen(
            request=self.get_hearing_request(), asked_on=data["asked_on"], reason=data["reason"], by=self.request.user
        )

    def get_success_message(self, result):
        return (
            f"{self.get_hearing_request().number} reopened as {result.number}: the notice of reopening went to "
            "each party. Schedule the hearing."
        )

    def get_success_url(self):
        result = getattr(self, "result", None)
        if result is None:
            return super().get_success_url()
        return reverse("hearings:request_detail", kwargs={"number": result.number})


class LetterView(LetterPageView):
    """A notice of hearing or a decision letter (page; ``LetterPdfView``: the PDF with the same lines)."""

    permission_required = "hearings.view_hearingrequest"

    def get_hearing_letter(self) -> HearingLetter:
        # A letter is seen by whoever may see its request.
        if not hasattr(self, "_hearing_letter"):
            self._hearing_letter = child_in_scope_or_404(
                HearingLetter.objects.select_related("request", "request__case", "hearing", "hearing__officer"),
                parent="request",
                user=self.request.user,
                pk=self.kwargs["pk"],
            )
        return self._hearing_letter

    def get_letter(self):
        return hearing_letter(self.get_hearing_letter())

    def get_back_url(self) -> str:
        return reverse("hearings:request_detail", kwargs={"number": self.get_hearing_letter().request.number})

    def get_pdf_url(self) -> str:
        return reverse("hearings:letter_pdf", kwargs={"pk": self.get_hearing_letter().pk})

    def get_pdf_filename(self) -> str:
        letter = self.get_hearing_letter()
        return f"{letter.request.number}-{letter.kind}-{letter.party}.pdf"


class LetterPdfView(LetterView):
    as_pdf = True


class ActionDoneView(NumberedChildMixin, RequestActionView):
    permission_required = "hearings.change_complianceaction"
    child_model = ComplianceAction  # the URL names the compliance action
    parent_field = "request"
    form_class = ActionDoneForm
    post_only = True
    error_prefix = "Not saved — "
    success_message = "Compliance action done."

    def get_object(self) -> ComplianceAction:
        # Seen with its request (404 otherwise); marking it done is a write, bounded to the user's
        # county (``ComplianceAction.scope_filter``): another county's action → 403, logged.
        return ComplianceAction.objects.select_related("request").get_for(
            self.request.user, "change", pk=self.kwargs["pk"]
        )

    def get_action(self) -> ComplianceAction:
        return self.object

    def perform(self, data):
        services.compliance_action_complete(
            action=self.get_action(), done_on=data["done_on"], note=data["note"], by=self.request.user
        )


class DocketView(PermissionMixin, TemplateView):
    """A hearing officer's calendar: two weeks of hearings by day, plus open compliance actions."""

    permission_required = "hearings.view_hearing"
    template_name = "hearings/docket.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        try:
            start = date.fromisoformat(self.request.GET.get("start", ""))
        except ValueError:
            start = timezone.localdate()
        officer_list = list(officers())
        officer_id = self.request.GET.get("officer", "")
        officer = next((o for o in officer_list if str(o.pk) == officer_id), None)
        if officer is None and not officer_id and user in officer_list:
            officer = user
        # ``?days=7``: the home card "My hearings, next 7 days" opens the same week it counts.
        span = 7 if self.request.GET.get("days") == "7" else 14
        hearings = list(selectors.docket(user=user, officer=officer, start=start, days=span))
        days = []
        for offset in range(span):
            day = start + timedelta(days=offset)
            days.append((day, [h for h in hearings if timezone.localdate(h.starts_at) == day]))
        return {
            **super().get_context_data(**kwargs),
            "days": days,
            "start": start,
            "officer": officer,
            "hearings": hearings,
            "span": span,
            "officers": officer_list,
            "previous": start - timedelta(days=14),
            "next": start + timedelta(days=14),
            "actions": list(selectors.open_actions(user=user)[:50]),
            "today": timezone.localdate(),
        }

"""Court petitions, hearings, the office court calendar and criminal non-support referrals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.models import Case
from core.dates import display_date
from core.forms import apply_service_errors
from core.stale import carry_shown, shown_in, without_shown
from core.views import FilteredListView, ObjectDetailView, PermissionMixin, ServiceActionView

from ..choices import ReferralStatus
from ..filtersets import PetitionFilterSet
from ..forms import (
    HearingForm,
    HearingResultForm,
    PetitionForm,
    PetitionOutcomeForm,
    PetitionUpdateForm,
    ReferralForm,
    ReferralUpdateForm,
)
from ..models import CourtHearing, CriminalReferral, Petition
from ..services.courts import (
    hearing_record,
    hearing_result_shown,
    hearing_schedule,
    petition_create,
    petition_decide,
    petition_update,
    referral_create,
    referral_update,
)


class PetitionListView(FilteredListView):
    model = Petition
    filterset_class = PetitionFilterSet
    select_related = ("case", "resulting_order")


class CaseNumberFormView(ServiceActionView):
    """A form that starts something on a case named by its number (a petition, a referral): the case
    must be one the user can see, else the number field says so and nothing is written; and one they
    may work (their county: cases.models.scope), else 403, logged."""

    template_name = "enforcement/form_page.html"

    def get_initial(self):
        return {"case_number": self.request.GET.get("case", "")[:20]}

    def case_for(self, data) -> Case:
        case = (
            Case.objects.restrict(self.request.user, "view")
            .filter(case_number__iexact=data["case_number"].strip())
            .first()
        )
        if case is None:
            raise ValidationError({"case_number": "No such case in your scope."})
        # Starting court work is a write: a case the user reads but may not change (another county
        # for a state-wide reader) is refused with a 403, logged (RestrictedQuerySet.get_for).
        Case.objects.get_for(self.request.user, "change", pk=case.pk)
        return case


class PetitionCreateView(CaseNumberFormView):
    permission_required = "enforcement.add_petition"
    result_url_name = "enforcement:petition_detail"
    form_class = PetitionForm
    title = "New court petition"

    def perform(self, data):
        return petition_create(
            case=self.case_for(data),
            kind=data["kind"],
            by=self.request.user,
            court_name=data["court_name"],
            docket_number=data["docket_number"] or "",
            filed_on=data["filed_on"],
            reason=data["reason"],
            service_needed=data["service_needed"],
        )


class PetitionDetailView(ObjectDetailView):
    model = Petition
    context_object_name = "petition"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("case", "resulting_order").prefetch_related("hearings__appearances")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        p = self.object
        # Each hearing's result form carries what the page showed of it (core.stale).
        hearings = [(h, carry_shown(HearingResultForm(), values=hearing_result_shown(h))) for h in p.hearings.all()]
        context.update(
            update_form=carry_shown(PetitionUpdateForm(instance=p)),
            outcome_form=PetitionOutcomeForm(),
            hearing_form=HearingForm(),
            hearings=hearings,
            can_change=self.request.user.has_perm("enforcement.change_petition") and p.outcome == "",
        )
        return context


class _PetitionPost(ServiceActionView):
    """A form on the petition page (GET answers 405); errors come back as a message there."""

    permission_required = "enforcement.change_petition"
    model = Petition
    scope_action = "change"  # a write: the petition's case in the user's write scope (their county), else 403
    post_only = True
    success_message = "Saved."

    def get_success_url(self):
        return reverse("enforcement:petition_detail", args=[self.object.pk])


class PetitionUpdateView(_PetitionPost):
    form_class = PetitionUpdateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Petition(case=self.object.case)}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))

    def perform(self, data):
        petition_update(
            petition=self.object,
            by=self.request.user,
            docket_number=data.get("docket_number") or "",
            filed_on=data.get("filed_on"),
            served_on=data.get("served_on"),
            shown=shown_in(data),  # only what the user changed on the page (core.stale)
        )


class PetitionOutcomeView(_PetitionPost):
    form_class = PetitionOutcomeForm

    def perform(self, data):
        return petition_decide(petition=self.object, by=self.request.user, **data)

    def get_success_message(self, petition):
        order = petition.resulting_order
        if order is None:
            return self.success_message
        return f"Saved. Order {order} is in effect from {display_date(order.effective_on)}."


class HearingCreateView(_PetitionPost):
    permission_required = "enforcement.add_courthearing"
    form_class = HearingForm

    def perform(self, data):
        hearing_schedule(petition=self.object, by=self.request.user, **data)


class HearingResultView(ServiceActionView):
    permission_required = "enforcement.change_courthearing"
    model = CourtHearing
    scope_action = "change"  # a write: the hearing's case in the user's write scope (their county), else 403
    form_class = HearingResultForm
    post_only = True
    success_message = "Hearing recorded."

    def get_object_queryset(self):
        return CourtHearing.objects.select_related("petition")

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))  # what the page showed of the hearing (core.stale)

    def perform(self, data):
        hearing_record(
            hearing=self.object,
            result=data["result"],
            by=self.request.user,
            notes=data["notes"],
            appearances={party: data[name] for party, name in HearingResultForm.PARTIES},
            agency_attorney=data["agency_attorney"],
            shown=shown_in(data),
        )

    def get_success_url(self):
        return reverse("enforcement:petition_detail", args=[self.object.petition_id])


class CourtCalendarView(PermissionMixin, TemplateView):
    """The office's hearings by day (default: from today, four weeks)."""

    permission_required = "enforcement.view_courthearing"
    template_name = "enforcement/court_calendar.html"
    days = 28

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            start = date.fromisoformat(self.request.GET.get("start", "")[:10])
        except ValueError:
            start = timezone.localdate()
        tz = timezone.get_current_timezone()
        low = datetime.combine(start, time.min, tzinfo=tz)
        high = low + timedelta(days=self.days)
        hearings = (
            CourtHearing.objects.restrict(self.request.user)
            .filter(scheduled_for__gte=low, scheduled_for__lt=high)
            .select_related("petition__case")
            .order_by("scheduled_for")
        )
        by_day: dict[date, list] = {}
        for hearing in hearings:
            by_day.setdefault(timezone.localtime(hearing.scheduled_for).date(), []).append(hearing)
        context.update(
            start=start,
            end=start + timedelta(days=self.days - 1),
            by_day=sorted(by_day.items()),
            previous=start - timedelta(days=self.days),
            next=start + timedelta(days=self.days),
        )
        return context


class ReferralListView(FilteredListView):
    model = CriminalReferral
    template_name = "enforcement/referral_list.html"
    select_related = ("case",)


class ReferralCreateView(CaseNumberFormView):
    permission_required = "enforcement.add_criminalreferral"
    result_url_name = "enforcement:referral_detail"
    form_class = ReferralForm
    title = "Refer for criminal non-support"

    def get_initial(self):
        return {}

    def perform(self, data):
        return referral_create(
            case=self.case_for(data),
            agency=data["agency"],
            agency_name=data["agency_name"],
            referred_on=data["referred_on"],
            by=self.request.user,
            reference_number=data["reference_number"],
            notes=data["notes"],
        )


class ReferralDetailView(ObjectDetailView):
    model = CriminalReferral
    template_name = "enforcement/referral_detail.html"
    context_object_name = "referral"
    http_method_names = ["get", "post"]
    select_related = ("case",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.object
        context.setdefault(
            "form",
            carry_shown(  # what the page showed (core.stale)
                ReferralUpdateForm(
                    initial={
                        "status": r.status,
                        "outcome": r.outcome,
                        "outcome_on": r.outcome_on,
                        "reference_number": r.reference_number,
                        "notes": r.notes,
                    },
                    closed=r.status == ReferralStatus.CLOSED,
                )
            ),
        )
        context["can_change"] = self.request.user.has_perm("enforcement.change_criminalreferral")
        return context

    def post(self, request, pk: int):
        if not request.user.has_perm("enforcement.change_criminalreferral"):
            raise Http404
        # An update is a write: the referral's case in the user's write scope (their county:
        # cases.models.scope); one they only read is a 403, logged.
        self.object = CriminalReferral.objects.select_related("case").get_for(request.user, "change", pk=pk)
        form = ReferralUpdateForm(request.POST, closed=self.object.status == ReferralStatus.CLOSED)
        carry_shown(form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral_update(referral=self.object, by=request.user, shown=shown_in(data), **without_shown(data))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Referral updated.")
                return HttpResponseRedirect(reverse("enforcement:referral_detail", args=[self.object.pk]))
        return self.render_to_response(self.get_context_data(form=form))

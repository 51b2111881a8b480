"""A participant's job recorded or ended on the person page (``cases.services.employment``).

The case is loaded for a change (``CaseFormView``: another county's case 404, another caseload's
403); the person must be a participant of it (404). A closed case refuses each (``closed_case_refusal``):
the job is the person's, but the page acts on the case, and what a job sets off (the new-hire rule,
the withholding orders at that employer ended) is work on the person's open cases, done from one of them. FVI (42 USC 654(26)): an FVI person's employer
locates them, so these pages, their messages and the FEIN look-up never name the employer there
(``cases.redaction.whereabouts_shown``).
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from core.models import AccessLog
from core.services import access_log_record

from . import forms
from .models import Employment
from .person_views import ParticipantFormView
from .redaction import whereabouts_shown
from .selectors import employer_by_fein
from .services.employment import (
    AWAITING_CONFIRMATION,
    employment_confirm,
    employment_end,
    employment_record,
    fein_clean,
)


class PersonFormView(ParticipantFormView):
    """A write about one participant of the case; back to the person page."""

    @cached_property
    def employer_shown(self) -> bool:
        return whereabouts_shown(self.person, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "employer_shown": self.employer_shown}


class EmploymentCreateView(PersonFormView):
    """Record a job the office learned of (the parent, a pay stub, the other parent). ``?fein=``
    looks the employer up first: its name is shown, except on an FVI person's page, which says only
    whether one is on file."""

    permission_required = "cases.add_employment"
    template_name = "cases/employment_form.html"
    form_class = forms.EmploymentForm
    closed_case_refusal = "The case is closed: jobs are recorded from an open case of the person."

    def get_initial(self):
        fein = self.request.GET.get("fein", "").strip()
        return {"fein": fein[:12]} if fein else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        typed = self.request.GET.get("fein", "").strip()[:12]
        if typed and self.request.method == "GET":
            try:
                employer = employer_by_fein(fein_clean(typed))
            except ValidationError:
                context["lookup"] = {"error": "A FEIN is 9 digits (for example 12-3456789)."}
            else:
                context["lookup"] = {
                    "found": employer is not None,
                    "employer": employer if employer is not None and self.employer_shown else None,
                }
        return context

    def perform(self, data):
        result = employment_record(person=self.person, data=data, by=self.request.user)
        if not self.employer_shown:
            # An FVI person's employer locates them (42 USC 654(26)): a job recorded on their page is
            # logged with the FEIN typed, so that guessing at where they work leaves a trace.
            access_log_record(
                kind=AccessLog.Kind.SENSITIVE_READ,
                request=self.request,
                obj=self.person,
                fields=["employment"],
                detail={"fein_typed": data.get("fein", ""), "recorded": result.created},
            )
        return result

    def get_success_message(self, result):
        if not self.employer_shown:
            # The same words whether the job was new or already on file, with or without withholding:
            # a different answer would tell whether the FEIN typed is where the person works.
            return f"Job recorded. The employer stays withheld (family violence indicator). {AWAITING_CONFIRMATION}"
        if not result.created:
            return "That job was already on file: nothing was recorded twice."
        at = f" at {result.employment.employer.name}" if self.employer_shown else ""
        text = f"Job recorded{at}."
        if result.withholding:
            text += f" {result.withholding[0].upper()}{result.withholding[1:]}."
        return text


class EmploymentEndView(PersonFormView):
    """End a job on the last day worked; the income withholding orders at that employer end with it."""

    permission_required = "cases.change_employment"
    template_name = "cases/employment_end_form.html"
    form_class = forms.EmploymentEndForm
    closed_case_refusal = "The case is closed: jobs are ended from an open case of the person."

    @cached_property
    def employment(self) -> Employment:
        return get_object_or_404(
            Employment.objects.select_related("employer"), pk=self.kwargs["pk"], person=self.person
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "employment": self.employment}

    def perform(self, data):
        return employment_end(
            employment=self.employment,
            ended_on=data["ended_on"],
            reason=data["reason"],
            source=data["source"],
            by=self.request.user,
        )

    def get_success_message(self, result):
        text = "Job ended."
        if result:
            text += f" {result[0].upper()}{result[1:]}; the support order stands."
        return text


class EmploymentConfirmView(PersonFormView):
    """A coordinator confirms a job awaiting confirmation on the employer's written word (a button
    on the person page's job row). The one act at the office whose outcome may depend on the
    employer on file (42 USC 654(26)): held by ``cases.confirm_employment`` alone (a caseworker's
    attempt is a logged 403), recorded on the case and in the access log; the messages name no
    employer. Income withholding then follows as for a new job, on the cases the coordinator may
    change (``employment_confirm``); a closed case refuses, as recording and ending a job do."""

    permission_required = "cases.confirm_employment"
    form_class = forms.EmploymentConfirmForm
    post_only = True
    # As recording and ending a job: the withholding that follows is work on open cases.
    closed_case_refusal = "The case is closed: jobs are confirmed from an open case of the person."

    @cached_property
    def employment(self) -> Employment:
        return get_object_or_404(Employment, pk=self.kwargs["pk"], person=self.person)

    def perform(self, data):
        said = employment_confirm(employment=self.employment, evidence=data["evidence"], by=self.request.user)
        access_log_record(
            kind=AccessLog.Kind.SENSITIVE_READ,
            request=self.request,
            obj=self.person,
            fields=["employment"],
            detail={"confirmed": self.employment.pk},
        )
        return said

    def get_success_message(self, result):
        text = "Job confirmed on the employer's written word."
        if result:
            text += f" {result[0].upper()}{result[1:]}."
        return text

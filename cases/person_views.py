"""Keeping a person's record current from their case: their details, and their SSN corrected or
removed (``cases.services.people``). The case is loaded for a write (``CaseFormView``: another
county's case is a 404, another caseload's a 403); the person must be on that case (404)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import User
from core.services import sensitive_read_record
from core.stale import carry_shown, shown_in

from .access import SSN_ON_FILE_OTHER_PERSON, SSN_ON_FILE_SAME, ssn_answers_record
from .models import Person
from .person_forms import PersonEditForm, PersonSsnForm
from .redaction import PERSON_WHEREABOUTS_FIELDS, whereabouts_shown
from .services.people import (
    MERGED_REFUSAL,
    PersonUpdate,
    SsnOnFileForAnother,
    SsnSameAsOnFile,
    person_ssn_correct,
    person_update,
)
from .views import CaseFormView

POSSIBLE_DUPLICATE = (
    "Another record on file may be the same person (same date of birth, similar name): "
    "a coordinator can check the duplicates report and merge them."
)


class ParticipantFormView(CaseFormView):
    """A form about one participant of the case (anyone else: 404, after the case's own scope
    check); back to their page on the case. The base of the person, whereabouts and employment pages."""

    @cached_property
    def person(self) -> Person:
        case = self.case  # the case's scope first: 404 / 403 before anything about the person
        person = Person.objects.filter(pk=self.kwargs["person_id"], participations__case=case).distinct().first()
        if person is None:
            raise Http404("No such person on this case.")
        return person

    def person_url(self, person: Person | None = None) -> str:
        person = person or self.person
        return reverse("cases:person_detail", kwargs={"case_number": self.case.case_number, "person_id": person.pk})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person}

    def get_success_url(self):
        return self.person_url()


class PersonFormView(ParticipantFormView):
    """A form about one participant of the case. A record merged into another is refused: the page
    sends the user to the record that stayed (on this case)."""

    @cached_property
    def person(self) -> Person:
        return get_object_or_404(
            Person.objects.filter(
                Q(participations__case=self.case) | Q(merged_into__participations__case=self.case)
            ).distinct(),
            pk=self.kwargs["person_id"],
        )

    def get(self, request, *args, **kwargs):
        return self._merged_refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._merged_refusal() or super().post(request, *args, **kwargs)

    def _merged_refusal(self):
        self.object  # noqa: B018 - the case first: out of scope is a 404 / 403 before anything else
        if self.person.merged_into_id is None:
            return None
        messages.error(self.request, MERGED_REFUSAL)
        return HttpResponseRedirect(self.person_url(self.person.merged_into))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person_url=self.person_url(), **kwargs)


class PersonEditView(PersonFormView):
    """A person's name, birth and death dates, sex, contact and language. An FVI person's phone and
    e-mail are never on the page: empty "replace" boxes instead."""

    permission_required = "cases.change_person"
    template_name = "cases/person_edit.html"
    form_class = PersonEditForm

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # What the form shows is a sensitive read, as on the person page (``access.person_shown``):
        # the date of birth, and the phone and e-mail unless withheld (an FVI person's never are).
        person = self.person
        contact_shown = whereabouts_shown(person)
        shown = [
            *(["date_of_birth"] if person.date_of_birth else []),
            *(n for n in PERSON_WHEREABOUTS_FIELDS if contact_shown and getattr(person, n)),
        ]
        if shown:
            sensitive_read_record(request=self.request, obj=person, fields=shown)
        return context

    def perform(self, data: dict[str, Any]) -> PersonUpdate:
        assert isinstance(self.form, PersonEditForm)
        return person_update(
            person=self.person, data=self.form.service_data(), by=cast(User, self.request.user), shown=shown_in(data)
        )

    def get_success_message(self, result: PersonUpdate) -> str:
        if not result.changed:
            return "Nothing changed."
        message = "Details saved."
        return f"{message} {POSSIBLE_DUPLICATE}" if result.possible_duplicate else message


class PersonSsnView(PersonFormView):
    """Correct a person's SSN, or remove a wrong one. The SSN is never shown here in full: the page
    shows the last four on file, and a refusal names no one. An answer about the SSN typed (another
    person's; the one on file already) is logged as case opening logs them."""

    permission_required = ("cases.change_person", "cases.view_ssn")
    template_name = "cases/person_ssn.html"
    form_class = PersonSsnForm
    ssn_answer: tuple[Person, str] | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("person")
        return kwargs

    def get_form(self, form_class=None):
        # What the page acted on: the SSN on file, as a fingerprint of its keyed blind index.
        return carry_shown(super().get_form(form_class), values={"ssn_index": self.person.ssn_index})

    def perform(self, data: dict[str, Any]) -> Person:
        assert isinstance(self.form, PersonSsnForm)
        try:
            return person_ssn_correct(
                person=self.person,
                ssn=self.form.new_ssn,
                reason=data["reason"],
                by=cast(User, self.request.user),
                shown=shown_in(data),
            )
        except SsnOnFileForAnother as exc:
            self.ssn_answer = (exc.holder, SSN_ON_FILE_OTHER_PERSON) if exc.holder is not None else None
            raise
        except SsnSameAsOnFile as exc:
            self.ssn_answer = (exc.person, SSN_ON_FILE_SAME)
            raise

    def form_invalid(self, form):
        if self.ssn_answer is not None:  # after the service's transaction: the answer was given
            person, answer = self.ssn_answer
            ssn_answers_record(
                request=self.request, answers=[(f"person:{self.person.pk}", person, answer)], via="ssn_correction"
            )
            self.ssn_answer = None
        return super().form_invalid(form)

    def get_success_message(self, person: Person) -> str:
        if person.ssn_last4:
            return f"SSN corrected: the SSN on file now ends in {person.ssn_last4}."
        return "SSN removed: this person has no SSN on file."

"""Pages for a person's whereabouts on a case: record a new address, set and remove the family
violence indicator (``cases.services.whereabouts``). Each loads its case for a change
(``cases.views.CaseFormView``: another county's case 404, a case of another caseload 403) and a
participant of it (anyone else 404). What of the whereabouts is shown back is asked of
``cases.redaction``: an FVI person's address is recorded, never shown, not even in the message."""

from __future__ import annotations

from functools import cached_property
from typing import cast

from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.services import sensitive_read_record

from .choices import ParticipantRole
from .models import Person
from .person_views import ParticipantFormView
from .redaction import person_card, whereabouts_shown
from .services.whereabouts import address_record, fvi_set_event, person_fvi_clear, person_fvi_set
from .whereabouts_forms import AddressForm, FviClearForm, FviSetForm

PARENT_ROLES = (ParticipantRole.CP, ParticipantRole.NCP)


class PersonFormView(ParticipantFormView):
    """A form about one participant of the case; back to their page on the case."""

    @property
    def by(self) -> User:
        return cast(User, self.request.user)


class AddressCreateView(PersonFormView):
    """Record where a person lives now (a move reported, an address found, a forwarding address):
    the current address closes the day before and letters go to the new one."""

    permission_required = "cases.add_address"
    template_name = "cases/address_form.html"
    form_class = AddressForm
    # An address is for the letters and locate work of an open case; the indicator (below) is not
    # refused on a closed case: it protects the person in every channel, whichever case they are on.
    closed_case_refusal = "The case is closed: addresses are recorded from an open case of the person."

    @cached_property
    def person(self) -> Person:
        # A parent's address only, as at case opening: a child lives with a parent, and a child's
        # address would show where a parent with the family violence indicator lives
        # (``cases.redaction`` reads the child's own indicator only). A child of the case: 404.
        person = super().person
        if not person.participations.filter(case=self.case, role__in=PARENT_ROLES).exists():
            raise Http404("Addresses are recorded for the parents of a case.")
        return person

    def get_initial(self):
        return {"valid_from": timezone.localdate()}

    def get_form_kwargs(self):
        # An FVI person's new address is not written back into the page after an error.
        return {**super().get_form_kwargs(), "withheld": not whereabouts_shown(self.person, user=self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = person_card(person=self.person, user=self.request.user)
        current = [a for a in card.addresses if a.valid_to is None]
        if current:
            sensitive_read_record(request=self.request, obj=self.person, fields=["addresses"])
        context.update(card=card, current_addresses=current)
        return context

    def perform(self, data):
        return address_record(person=self.person, data=data, by=self.by, case=self.case)

    def get_success_message(self, result):
        # Never the address itself: an FVI person's is not shown back (42 USC 654(26)), and a
        # message is no place for anyone's.
        if not whereabouts_shown(self.person, user=self.request.user):
            return (
                f"New address recorded for {self.person.display_name}; it stays withheld (family violence indicator)."
            )
        return f"New address recorded for {self.person.display_name}; letters use it from now on."


class FviFormView(PersonFormView):
    """Setting or removing the indicator: each page says when it was set (``fvi_event``)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "fvi_event": fvi_set_event(self.person)}


class FviSetView(FviFormView):
    """Set the family violence indicator after the case opened (42 USC 654(26); 45 CFR 303.21)."""

    permission_required = "cases.change_person"
    template_name = "cases/fvi_set_form.html"
    form_class = FviSetForm

    def get_initial(self):
        return {"reported_on": timezone.localdate()}

    def perform(self, data):
        return person_fvi_set(
            person=self.person, reason=data["reason"], reported_on=data["reported_on"], by=self.by, case=self.case
        )

    def get_success_message(self, result):
        return (
            f"Family violence indicator set for {self.person.display_name}: their addresses, phone and employer "
            "are withheld from every page, letter, export and partner from now on."
        )


class FviClearView(FviFormView):
    """Remove the indicator: a coordinator's decision (``cases.clear_fvi``), with a reason and an
    explicit confirmation; the release is logged."""

    permission_required = "cases.clear_fvi"
    template_name = "cases/fvi_clear_form.html"
    form_class = FviClearForm

    def perform(self, data):
        return person_fvi_clear(
            person=self.person, reason=data["reason"], by=self.by, case=self.case, request=self.request
        )

    def get_success_message(self, result):
        return f"Family violence indicator removed for {self.person.display_name}."

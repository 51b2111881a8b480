"""Caseworker and coordinator screens of the cases app."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.views.generic import FormView, ListView, TemplateView

from accounts.models import User
from core.confirm import Confirmation, ConfirmStepMixin
from core.dates import display_date
from core.forms import apply_service_errors
from core.lists import BulkActionMixin, ListViewMixin
from core.stale import carry_shown, shown_in, without_shown
from core.views import FilteredListView, PermissionMixin, ServiceActionView

from . import forms, selectors, services
from .access import (
    SSN_DIFFERS_LABEL,
    SSN_ON_FILE_DIFFERS,
    SSN_ON_FILE_LINKED,
    SSN_ON_FILE_ROUTED,
    fti_reads_record,
    people_listed_read_record,
    person_shown,
    possible_matches_read_record,
    ssn_answers_record,
)
from .choices import CLOSURE_NOTICE_REASONS, CaseStatus, ClosureReason, ParticipantRole, WorkItemKind, WorkItemStatus
from .deadlines import deadline_state
from .exceptions import CollectionConflict
from .filtersets import CaseFilterSet, WorkItemFilterSet
from .models import Case, CaseParticipant, FviOverride, Person, WorkItem
from .models.scope import user_county
from .redaction import WITHHELD, letter_address_text, whereabouts_shown
from .services.case_details import DETAIL_FIELDS, TRANSFER_PERMISSION
from .services.whereabouts import fvi_set_event


class CaseMixin:
    """Loads ``self.case`` from the URL's case number through the restricted queryset (404)."""

    request: HttpRequest  # the view's, which this mixes into
    kwargs: dict[str, Any]
    case_action = "view"

    @cached_property
    def case(self) -> Case:
        return selectors.case_get(
            user=self.request.user, case_number=self.kwargs["case_number"], action=self.case_action
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case"] = self.case
        return context

    @cached_property
    def can_change(self) -> bool:
        """Whether the user may change the case they read (a coordinator reads every county's cases
        but changes their own county's; a caseworker reads the county's, changes their caseload's):
        a page shows a write button only when this and the button's permission hold."""
        return selectors.case_changeable(user=self.request.user, case=self.case)

    def case_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"case_number": self.case.case_number})


class CaseListView(ListViewMixin, FilteredListView):
    """My caseload (or every case in scope with ``?scope=all``): filter, sort by any column, paginated,
    ``?export=csv`` of the filtered rows; coordinators reassign the ticked cases."""

    model = Case
    filterset_class = CaseFilterSet
    sort_fields = {
        "case": ("case_number",),
        "county": ("county",),
        "stage": ("stage",),
        "assistance": ("assistance_status",),
        "arrears": ("balance__total_arrears",),
        "deadline": ("next_deadline_on",),
        "caseworker": ("caseworker__last_name", "caseworker__username"),
    }
    sort_tiebreak = ("case_number",)
    csv_filename = "caseload.csv"
    csv_columns = (
        "case_number",
        ("custodial_parent", "cp.display_name"),
        ("noncustodial_parent", "ncp.display_name"),
        "county",
        ("stage", "get_stage_display"),
        ("assistance", "assistance_status"),
        ("arrears", "balance.total_arrears"),
        ("next_deadline", "next_deadline_on"),
        ("deadline_kind", "get_next_deadline_kind_display"),
        "caseworker",
        "status",
    )

    def get_base_queryset(self):
        queryset = selectors.case_list(user=self.request.user)
        if self.request.GET.get("scope") != "all":
            queryset = queryset.filter(caseworker=self.request.user)
        return queryset.order_by("case_number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # One reverse() for the page instead of one per row (17.3): the detail URL's parts around
        # the case number; a case number is letters, digits and dashes (no escaping needed).
        prefix, _, suffix = reverse("cases:case_detail", args=["0"]).rpartition("0")
        for case in context["object_list"]:
            case.deadline_state = deadline_state(case.next_deadline_on, today)
            case.detail_url = f"{prefix}{iri_to_uri(case.case_number)}{suffix}"
        context["scope_all"] = self.request.GET.get("scope") == "all"
        if self.request.user.has_perm("cases.reassign_case"):
            context["bulk_form"] = forms.BulkReassignForm()
        return context


class CaseDetailView(PermissionMixin, CaseMixin, TemplateView):
    permission_required = "cases.view_case"
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.case_detail(case=self.case, user=self.request.user))
        try:
            from .ledger.selectors import case_statement
        except ImportError:  # the ledger pages are not installed: a plain statement from the same rows
            context["statement"] = None
            context["fallback_statement"] = selectors.case_statement_basic(case=self.case, user=self.request.user)
        else:
            context["statement"] = case_statement(case=self.case, user=self.request.user)
        shown = (context["statement"] or context.get("fallback_statement") or {}).get("entries", [])
        # the tax offsets on the statement: a read where shown, a refusal logged where withheld
        fti_reads_record(request=self.request, collections={e.collection for e in shown if e.collection_id})
        context["note_form"] = forms.NoteForm()
        context["can_change"] = self.can_change
        return context


class PartyMatchViewMixin:
    """A page that enters people found among those on file as case opening finds them
    (``services.cases._parties_resolve``): the possible matches offered (a sensitive read), the
    answers about an SSN on file logged, and what was routed to a coordinator said. The form is a
    ``forms.PartyMatchForm``."""

    request: HttpRequest

    def matches_offer_again(self, form) -> None:
        """A form sent back with a match decision shows the matches again (a reason was missing...)."""
        from .people import person_matches

        if getattr(form, "matches_offered", False):
            return
        matches = {}
        for key in form.PARTIES:
            if not form.data.get(f"{key}_existing_person"):
                continue
            found = person_matches(
                first_name=form.data.get(f"{key}_first_name", ""),
                last_name=form.data.get(f"{key}_last_name", ""),
                date_of_birth=(getattr(form, "cleaned_data", None) or {}).get(f"{key}_date_of_birth"),
            )
            if found.probable:
                matches[key] = found.probable
        if matches:
            self.matches_offer(form, matches)

    def matches_offer(self, form, matches) -> None:
        """Offer each party's possible matches. Matching is office-wide (one person, one record);
        what is shown is the user's scope: a match the user may see with its birth date, SSN's last
        four and cases, any other as one line naming no one. Every offer is a sensitive read."""
        from .people import visible_match_ids

        user = self.request.user
        matches = {key: people for key, people in matches.items() if key in form.PARTIES}
        if not matches:
            return
        visible = visible_match_ids(user=user, people=[p for people in matches.values() for p in people])
        form.offer_matches(
            matches,
            case_counts=selectors.person_case_counts(person_ids=visible, user=user),
            visible_ids=visible,
        )
        form.matches_offered = True
        possible_matches_read_record(request=self.request, matches=matches, shown_ids=visible)
        ssn_answers_record(
            request=self.request,
            answers=[(key, person, SSN_DIFFERS_LABEL) for key, person in form.ssn_differs_shown],
        )

    def matching_refused(self, form, exc: ValidationError) -> None:
        """The service asked the caseworker (possible matches, an SSN on file under another name):
        the question goes on the form (its errors are put there by the caller)."""
        if isinstance(exc, services.ProbableMatches):
            self.matches_offer(form, exc.matches)
        elif isinstance(exc, services.SsnOnFileDiffers):
            ssn_answers_record(
                request=self.request,
                answers=[(key, person, SSN_ON_FILE_DIFFERS) for key, person in exc.on_file.items()],
            )
            form.offer_ssn_confirmation(exc.parties)

    def matching_found_say(self, form, found) -> None:
        """Log what the service answered about SSNs on file and say what was routed to a coordinator
        (``found``: the row ``services.cases.matching_found_attach`` described)."""
        routed = found.ssn_links_routed
        ssn_answers_record(
            request=self.request,
            seen_before={  # as the service found them, before the write put them in the user's scope
                note["ssn_on_file_person_id"] for note in found.people_matched if note.get("visible_to_caseworker")
            },
            answers=[
                *((key, person, SSN_ON_FILE_LINKED) for key, person in found.ssn_links_unseen.items()),
                *((key, person, SSN_ON_FILE_ROUTED) for key, person in routed.items()),
            ],
        )
        for template, keys in ((SSN_LINK_ROUTED_MESSAGE, routed), (PICK_ROUTED_MESSAGE, found.picks_routed)):
            for key in keys:
                label = form.PARTIES[key]
                messages.warning(self.request, template.format(party=label, party_lower=label.lower()))


class CaseCreateView(PartyMatchViewMixin, PermissionMixin, FormView):
    permission_required = "cases.add_case"
    template_name = "cases/case_form.html"
    form_class = forms.CaseCreateForm

    def get_initial(self):
        return {"county": user_county(self.request.user)}

    def form_invalid(self, form):
        self.matches_offer_again(form)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        county = user_county(self.request.user)
        if not self.request.user.is_superuser and data["county"].strip() != county:
            # Opening a case is a write: in the user's county only, whatever they may read (a case
            # opened elsewhere would leave their write scope the moment it is written;
            # cases.models.scope).
            form.add_error(
                "county",
                f"You open cases in your county ({county})."
                if county
                else "Your account has no county: ask an administrator to set it.",
            )
            return self.form_invalid(form)
        try:
            case = services.case_create(
                county=data["county"],
                jurisdiction=data["jurisdiction"],
                assistance_status=data["assistance_status"],
                application_received_on=data["application_received_on"],
                cp=services.PartyData(
                    data["cp_first_name"],
                    data["cp_last_name"],
                    data["cp_date_of_birth"],
                    data["cp_ssn"],
                    data["cp_family_violence"],
                    **form.party_decision("cp"),
                ),
                ncp=services.PartyData(
                    data["ncp_first_name"],
                    data["ncp_last_name"],
                    data["ncp_date_of_birth"],
                    data["ncp_ssn"],
                    **form.party_decision("ncp"),
                ),
                children=[
                    services.PartyData(
                        data["child_first_name"],
                        data["child_last_name"],
                        data["child_date_of_birth"],
                        extra=form.child_extra(),
                        **form.party_decision("child"),
                    )
                ],
                by=self.request.user,
                caseworker=self.request.user,
                ncp_location_known=data["ncp_location_known"],
                interstate_role=data["interstate_role"],
                other_state=data["other_state"],
                other_state_case_id=data["other_state_case_id"],
            )
        except services.CaseAlreadyOpened as exc:  # a double click: the case the first click opened
            messages.warning(self.request, exc.message)
            case = exc.case
        except ValidationError as exc:
            self.matching_refused(form, exc)
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        else:
            messages.success(self.request, f"Case {case.case_number} opened.")
            self.matching_found_say(form, case)
        return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"case_number": case.case_number}))


# Said after a confirmed "the record on file is this person" for a record the caseworker may not link
# (``services.cases._ssn_link_confirmable``): nothing of it, and not which reason applied.
SSN_LINK_ROUTED_MESSAGE = (
    "{party}: the SSN entered is on file for a record you cannot link to this case. The {party_lower} was "
    "entered as a new record without the SSN, and a coordinator will check the two records (a work item on the "
    "case) and merge them if they are one person."
)


# Said after picking a possible match under the family violence indicator (``services.cases._parties_resolve``).
PICK_ROUTED_MESSAGE = (
    "{party}: the record you picked has the family violence indicator and is not linked on opening a case. "
    "The {party_lower} was entered as a new record, and a coordinator will check the two records (a work item on "
    "the case) and merge them if they are one person."
)


class CaseFormView(CaseMixin, ServiceActionView):
    """A form that writes to one case; ``perform(data)`` calls the service. The case is loaded for
    a write (cases.models.scope): a case the user may not read is a 404; one they read but may not
    change is a 403, logged (another caseload; another county for a state-wide reader)."""

    case_action = "change"
    # Said when the case is closed and the page does work on it (an order, a child, a person's job):
    # the page refuses, GET or POST, back to ``get_success_url()`` with this message. Empty: the
    # page writes on a closed case too (a person's SSN, the family violence indicator).
    closed_case_refusal = ""

    def dispatch(self, request, *args, **kwargs):
        # After the permission (a user without it gets the 403 alone) and the case's write scope
        # (``self.case``: 404 / logged 403), before the form; a method the page does not answer (a
        # button's GET) is its 405 first, without reading the case.
        if (
            self.closed_case_refusal
            and (request.method or "").lower() in self.http_method_names
            and self.has_permission()
            and not self.case.is_open
        ):
            messages.error(request, self.closed_case_refusal)
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> Case:
        return self.case

    def get_success_url(self):
        return self.case_url()


class OrderEndView(CaseFormView):
    """End an order (``services.order_end``): the case loaded for a change (not readable 404,
    readable but not the user's to change 403), the order one of that case's (else 404)."""

    permission_required = "cases.change_supportorder"
    template_name = "cases/order_end.html"
    form_class = forms.OrderEndForm

    @cached_property
    def order(self):
        return get_object_or_404(self.case.orders.prefetch_related("obligations"), pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        from .services.order_end import order_end_shown

        return carry_shown(super().get_form(form_class), values=order_end_shown(self.order))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["order"] = self.order
        context["balance"] = getattr(self.case, "balance", None)
        return context

    def perform(self, data):
        from .services.order_end import order_end

        return order_end(
            order=self.order,
            ends_on=data["ends_on"],
            reason=data["reason"],
            reason_text=data["reason_text"],
            court_reference=data["court_reference"],
            arrears_end=data["arrears_end"],
            by=self.request.user,
            shown=shown_in(data),
        )

    def get_success_message(self, order):
        return (
            f"Order {order} ended: support is due through {display_date(self.form.cleaned_data['ends_on'])}. "
            "Arrears already owed remain owed."
        )


class ChildAddView(PartyMatchViewMixin, CaseFormView):
    """Add a child to an open case (a second child, a newborn), found among the people on file as
    case opening finds its parties (``services.case_child_add``)."""

    permission_required = "cases.add_caseparticipant"
    template_name = "cases/child_form.html"
    form_class = forms.ChildAddForm
    closed_case_refusal = "The case is closed: children cannot be added to it."

    def perform(self, data):
        form = cast(forms.ChildAddForm, self.form)
        child = services.PartyData(
            data["child_first_name"],
            data["child_last_name"],
            data["child_date_of_birth"],
            data["child_ssn"],
            extra=form.child_extra(),
            **form.party_decision("child"),
        )
        try:
            return services.case_child_add(case=self.case, data=child, by=self.request.user)
        except ValidationError as exc:
            self.refusal = exc  # asked of the caseworker on the form, once the transaction is over
            raise

    def form_invalid(self, form):
        refusal = self.__dict__.pop("refusal", None)
        if refusal is not None:
            self.matching_refused(form, refusal)
        self.matches_offer_again(form)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        if "result" in self.__dict__:
            self.matching_found_say(form, self.result)
        return response

    def get_success_message(self, participant):
        return f"{participant.person.display_name} added to the case as a child."


class ChildEndView(CaseFormView):
    """End a child's participation in an open case (``services.case_child_end``): the case loaded
    for a change (not readable 404, readable but not the user's to change 403), the participant a
    child of that case (else 404)."""

    permission_required = "cases.add_caseparticipant"
    template_name = "cases/child_end.html"
    form_class = forms.ChildEndForm

    @cached_property
    def participant(self) -> CaseParticipant:
        return get_object_or_404(
            self.case.participants.select_related("person"),
            pk=self.kwargs["participant_id"],
            role=ParticipantRole.CHILD,
        )

    def get_form(self, form_class=None):
        from .services.participants import child_end_shown

        return carry_shown(super().get_form(form_class), values=child_end_shown(self.participant))

    def get_context_data(self, **kwargs):
        current = [p for p in self.case.participants.all() if p.role == ParticipantRole.CHILD and not p.is_ended]
        return {
            **super().get_context_data(**kwargs),
            "participant": self.participant,
            "person": self.participant.person,
            "last_child": [p.pk for p in current] == [self.participant.pk],
        }

    def perform(self, data):
        return services.case_child_end(
            participant=self.participant,
            ended_on=data["ended_on"],
            reason=data["reason"],
            reason_text=data["reason_text"],
            by=self.request.user,
            shown=shown_in(data),
        )

    def get_success_message(self, participant):
        message = (
            f"{participant.person.display_name}'s participation ended on {display_date(participant.ended_on)} "
            f"({participant.ended_reason_shown})."
        )
        if not participant.case.children:
            message += (
                " No child remains on the case: end its order if one is still in force, and consider closing"
                " the case (45 CFR 303.11(b))."
            )
        return message


class PaternityRecordView(CaseFormView):
    """Record a child's paternity (45 CFR 303.5) through ``services.paternity_record``."""

    permission_required = "cases.change_person"
    template_name = "cases/paternity_form.html"
    form_class = forms.PaternityForm
    success_message = "Paternity recorded."
    # Establishing paternity is work on the case (45 CFR 303.5), as an order is.
    closed_case_refusal = "The case is closed: paternity is recorded from an open case of the child."

    @cached_property
    def child(self) -> Person:
        return get_object_or_404(
            Person,
            pk=self.kwargs["person_id"],
            participations__case=self.case,
            participations__role=ParticipantRole.CHILD,
        )

    def get_initial(self):
        return services.paternity_shown(self.child)

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))  # what the page showed (core.stale)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.child}

    def perform(self, data):
        return services.paternity_record(
            child=self.child,
            data=services.PaternityData(**without_shown(data)),
            by=self.request.user,
            case=self.case,
            shown=shown_in(data),
        )


class OrderCreateView(CaseFormView):
    permission_required = "cases.add_supportorder"
    template_name = "cases/order_form.html"
    form_class = forms.OrderForm
    success_message = "Order recorded."
    closed_case_refusal = "Orders cannot be added to a closed case."

    def perform(self, data):
        return services.order_create(
            case=self.case,
            order_number=data["order_number"],
            kind=data["kind"],
            court_name=data["court_name"],
            issued_on=data["issued_on"],
            effective_on=data["effective_on"],
            obligations=self.form.obligation_lines(),
            by=self.request.user,
        )

    def get_success_message(self, order):
        text = f"Order recorded. {order} is in effect from {display_date(order.effective_on)}"
        if order.supersedes_id and order.effective_on != self.form.cleaned_data["effective_on"]:
            text += f" (the first due date of {order.supersedes} on or after the date entered)"
        return text + "."


class PaymentCreateView(CaseFormView):
    """Record a payment received at the office (posted like any collection, 42 USC 657)."""

    permission_required = "cases.add_collection"
    template_name = "cases/payment_form.html"
    form_class = forms.PaymentForm

    def perform(self, data):
        if not self.case.is_open:
            raise ValidationError("The case is closed: payments cannot be recorded on it.")
        try:
            result = services.collection_post(
                case_number=self.case.case_number,
                amount=data["amount"],
                received_on=data["received_on"],
                source=data["source"],
                source_reference=data["source_reference"],
                received_via="form",
                by=self.request.user,
                collected_on=data.get("collected_on"),
            )
        except CollectionConflict as exc:
            raise ValidationError({"source_reference": str(exc)}) from exc
        if not result.created:
            raise ValidationError(
                {"source_reference": "This reference was already recorded: nothing was posted again."}
            )
        return result.collection

    def get_success_message(self, collection):
        text = f"Payment of {collection.amount} recorded."
        if collection.collected_on != collection.received_on:
            text += f" Collected {display_date(collection.collected_on)} (it pays that month's support)."
        if collection.overpayment_policy:  # the receipt says which overpayment policy applied
            text += f" More than was owed: {collection.get_overpayment_policy_display().lower()} (office policy)."
        return text


class CaseCloseView(CaseFormView):
    """Close the case, or, for a reason that needs it, send the notice of intent to close and record
    the intent (45 CFR 303.11(d)(1), ``services.case_close_request``); a noticed reason closes from its
    due date. The form carries what the page showed of the notice (``core.stale``)."""

    permission_required = "cases.close_case"
    template_name = "cases/case_close.html"
    form_class = forms.CaseCloseForm

    def get_initial(self):
        case = self.case
        return {"reason": case.closure_notice_reason} if case.closure_notice_pending else {}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), values=services.closure_shown(self.case))

    def get_context_data(self, **kwargs):
        case = self.case
        return {
            **super().get_context_data(**kwargs),
            "notice_reasons": [label for value, label in ClosureReason.choices if value in CLOSURE_NOTICE_REASONS],
            "no_notice_reasons": [
                label for value, label in ClosureReason.choices if value not in CLOSURE_NOTICE_REASONS
            ],
            "notice_due": case.closure_notice_pending and case.closure_due_on <= timezone.localdate(),
        }

    def perform(self, data):
        outcome, case = services.case_close_request(
            case=self.case, reason=data["reason"], note=data["note"], by=self.request.user, shown=shown_in(data)
        )
        self.outcome = outcome
        return case

    def get_success_message(self, case):
        if self.outcome == "noticed":
            return (
                f"Notice of intent to close sent to the recipient: the case stays open and may be closed for this "
                f"reason from {display_date(case.closure_due_on)} (45 CFR 303.11(d)(1))."
            )
        return "Case closed."


class ClosureAnswerView(CaseFormView):
    """The recipient answered the notice of intent to close: the case stays open (45 CFR 303.11(d)(3))."""

    permission_required = "cases.close_case"
    template_name = "cases/closure_answer.html"
    form_class = forms.ClosureAnswerForm
    success_message = "Answer recorded: the notice of intent to close is cancelled and the case stays open."

    def dispatch(self, request, *args, **kwargs):
        allowed = request.user.is_authenticated and request.user.has_perm(self.permission_required)
        if allowed and not self.case.closure_notice_pending:
            messages.error(request, "No notice of intent to close is pending on this case.")
            return HttpResponseRedirect(self.case_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"answered_on": timezone.localdate()}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), values=services.closure_shown(self.case))

    def perform(self, data):
        return services.closure_notice_answer(
            case=self.case,
            answered_on=data["answered_on"],
            answered_by=data["answered_by"],
            note=data["note"],
            by=self.request.user,
            shown=shown_in(data),
        )


class NoteCreateView(CaseFormView):
    http_method_names = ["post"]
    permission_required = "cases.add_casenote"
    form_class = forms.NoteForm
    template_name = "cases/note_form.html"
    success_message = "Note added."

    def perform(self, data):
        services.case_note_add(case=self.case, body=data["body"], by=self.request.user)


class LocateAttemptCreateView(CaseFormView):
    permission_required = "cases.add_locateattempt"
    template_name = "cases/locate_form.html"
    form_class = forms.LocateAttemptForm
    success_message = "Locate attempt recorded."

    def get_form_kwargs(self):
        # The address found for an FVI NCP is not written back into the page (42 USC 654(26)).
        ncp = self.case.ncp
        return {**super().get_form_kwargs(), "withheld": ncp is not None and not whereabouts_shown(ncp)}

    def perform(self, data):
        services.locate_attempt_record(case=self.case, by=self.request.user, **data)


class LetterReturnedView(CaseFormView):
    """Returned mail (issue 15.7): the letter is marked returned, the address it went to is marked
    undeliverable and a locate work item opens (``cases.services.letter_mark_returned``). The form
    page says so before anything happens; a second marking is refused."""

    permission_required = "cases.add_locateattempt"
    template_name = "cases/letter_returned_form.html"
    form_class = forms.LetterReturnedForm
    success_message = "Letter marked returned: the address is marked undeliverable and a locate work item is open."

    @cached_property
    def sent(self):
        from .models import SentLetter

        return get_object_or_404(SentLetter.objects.select_related("person"), pk=self.kwargs["pk"], case=self.case)

    def get_initial(self):
        return {"returned_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        # The block printed is a copy: withheld once the person has the FVI (42 USC 654(26)).
        shown = letter_address_text(self.sent)
        return {
            **super().get_context_data(**kwargs),
            "sent": self.sent,
            "address_shown": shown,
            "address_withheld": shown == WITHHELD,
        }

    def perform(self, data):
        services.letter_mark_returned(sent=self.sent, by=cast(User, self.request.user), **data)


class WorkItemCreateView(CaseFormView):
    permission_required = "cases.add_workitem"
    template_name = "cases/workitem_form.html"
    form_class = forms.WorkItemForm
    success_message = "Work item added."

    def perform(self, data):
        services.work_item_create(
            case=self.case,
            title=data["title"],
            kind=WorkItemKind.MANUAL,
            due_on=data["due_on"],
            notes=data["notes"],
            priority=data.get("priority"),
            by=self.request.user,
        )


class CaseReassignView(CaseFormView):
    permission_required = "cases.reassign_case"
    template_name = "cases/reassign_form.html"
    form_class = forms.ReassignForm
    success_message = "Case reassigned."

    def perform(self, data):
        services.case_reassign(case=self.case, to_user=data["assigned_to"], by=self.request.user)


class AssistanceChangeView(CaseFormView):
    """Change the family's assistance status from a date (42 USC 608(a)(3)): the open spell
    closes the day before and the next opens; months of assistance stay assigned."""

    permission_required = "cases.change_case"
    case_action = "change"
    template_name = "cases/assistance_form.html"
    form_class = forms.AssistanceChangeForm
    success_message = "Assistance status changed."

    def get_initial(self):
        return {"effective_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["spells"] = self.case.assistance_spells.order_by("-start_on")
        return context

    def perform(self, data):
        services.case_assistance_change(
            case=self.case, status=data["status"], effective_on=data["effective_on"], by=self.request.user
        )


class CaseDetailsView(CaseFormView):
    """Correct how the case was entered: interstate role, other state and its case id (the federal
    timeframes follow), and, for a coordinator (``cases.transfer_case``), the county: moving the
    case hands it to that county's office (``services.case_details_correct``)."""

    permission_required = "cases.change_case"
    template_name = "cases/case_details_form.html"
    form_class = forms.CaseDetailsForm
    success_message = "Case details corrected."

    def can_transfer(self) -> bool:
        return self.request.user.has_perm(TRANSFER_PERMISSION)

    def get_initial(self):
        return {name: getattr(self.case, name) for name in DETAIL_FIELDS}

    def get_form_kwargs(self):
        counties = None
        if self.can_transfer():
            counties = sorted({*services.counties_staffed(), self.case.county})
        return {**super().get_form_kwargs(), "counties": counties}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))

    def perform(self, data):
        posted = {name: data[name] for name in DETAIL_FIELDS if name in data}
        return services.case_details_correct(case=self.case, by=self.request.user, shown=shown_in(data), **posted)

    def get_success_url(self):
        # A case moved to a county the user does not read (no ``cases.view_all_cases``): their caseload.
        if Case.objects.restrict(self.request.user, "view").filter(pk=self.case.pk).exists():
            return self.case_url()
        return reverse("cases:case_list")

    def get_success_message(self, case):
        if case.county != self.get_initial()["county"]:
            return f"Case moved to {case.county}: its coordinators are asked to assign a caseworker."
        return self.success_message


class InterstateReferralView(CaseFormView):
    """Record the day an initiating state sent its interstate referral (45 CFR 303.7: within 20 days)."""

    permission_required = "cases.change_case"
    template_name = "cases/interstate_referral_form.html"
    form_class = forms.InterstateReferralForm
    success_message = "Interstate referral recorded."

    def get_initial(self):
        return {"interstate_referred_on": self.case.interstate_referred_on or timezone.localdate()}

    def perform(self, data):
        services.case_interstate_referred(case=self.case, on=data["interstate_referred_on"], by=self.request.user)


class PersonDetailView(PermissionMixin, CaseMixin, TemplateView):
    """A participant's identifying data. SSN in full only with ``cases.view_ssn``; every reveal of
    SSN, date of birth or whereabouts is logged. What of the whereabouts may be shown is decided by
    ``cases.redaction`` (an FVI person's: nothing, 42 USC 654(26))."""

    permission_required = "cases.view_person"
    template_name = "cases/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = get_object_or_404(
            self.case.participants.select_related("person"), person_id=self.kwargs["person_id"]
        )
        person: Person = participant.person
        show_ssn, card = person_shown(request=self.request, person=person)
        context.update(
            {
                "participant": participant,
                "person": person,
                "show_ssn": show_ssn,
                "card": card,
                "overrides": list(person.fvi_overrides.filter(used_at__isnull=True)) if card.protected else [],
                # An FVI person's current jobs, to end them: their dates, never their employer.
                "open_jobs": list(
                    person.employments.filter(ended_on__isnull=True).only(
                        "pk", "person", "started_on", "awaits_confirmation"
                    )
                )
                if card.protected
                else [],
                "is_child": participant.role == ParticipantRole.CHILD,
                "can_change": self.can_change,
                "fvi_event": fvi_set_event(person),  # None (no query) without the indicator
            }
        )
        return context


class FviOverrideCreateView(CaseFormView):
    permission_required = "cases.override_fvi"
    case_action = "view"  # recording a court's order is not work on the case: the permission decides
    template_name = "cases/fvi_override_form.html"
    form_class = forms.FviOverrideForm
    success_message = "Court override recorded; it can be used once."

    @cached_property
    def person(self) -> Person:
        return get_object_or_404(Person, pk=self.kwargs["person_id"], participations__case=self.case)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person}

    def perform(self, data):
        services.fvi_override_grant(
            person=self.person, case=self.case, by=self.request.user, request=self.request, **data
        )

    def get_success_url(self):
        return reverse(
            "cases:person_detail", kwargs={"case_number": self.case.case_number, "person_id": self.person.pk}
        )


class FviOverrideUseView(PermissionMixin, TemplateView):
    """Use a court override once: the addresses are shown on this response only (logged)."""

    http_method_names = ["post"]
    permission_required = "cases.override_fvi"
    template_name = "cases/fvi_override_used.html"

    def post(self, request, *args, **kwargs):
        override = get_object_or_404(FviOverride.objects.select_related("person", "case"), pk=kwargs["pk"])
        if override.case_id and not Case.objects.restrict(request.user).filter(pk=override.case_id).exists():
            raise Http404
        try:
            addresses = services.fvi_override_use(override=override, via="page", user=request.user, request=request)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("cases:case_list"))
        return self.render_to_response({"override": override, "addresses": addresses})


class WorkItemListView(ListViewMixin, FilteredListView):
    """My open work items (``selectors.work_items_mine``: a coordinator's include the coordinator
    unit's unassigned ones; ``?scope=all``: every open item in scope): filter, sort, export, and
    reassign the ticked items."""

    model = WorkItem
    filterset_class = WorkItemFilterSet
    sort_fields = {
        "due": ("due_on",),
        "priority": ("priority", "due_on"),
        "title": ("title",),
        "kind": ("kind", "due_on"),
        "case": ("case__case_number",),
        "assigned": ("assigned_to__last_name", "assigned_to__username", "unit", "due_on"),
    }
    default_sort = "due"
    csv_columns = (
        "due_on",
        ("priority", "get_priority_display"),
        "title",
        "kind",
        ("case_number", "case.case_number"),
        ("assigned_to", lambda i: str(i.assigned_to) if i.assigned_to_id else i.unit),
        "status",
    )

    def get_base_queryset(self):
        if self.request.GET.get("scope") == "all":
            queryset = selectors.work_items_for(user=self.request.user).filter(status=WorkItemStatus.OPEN)
        else:
            queryset = selectors.work_items_mine(user=self.request.user)
        return queryset.order_by("due_on", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for item in context["object_list"]:
            item.deadline_state = deadline_state(item.due_on, today)
        context["scope_all"] = self.request.GET.get("scope") == "all"
        if self.request.user.has_perm("cases.reassign_case"):
            context["bulk_form"] = forms.BulkReassignForm()
        return context


class WorkItemMixin:
    """The work item for a write: out of view → 404; on another caseload and not assigned to the
    user → 403 (logged)."""

    request: HttpRequest  # the view's, which this mixes into
    kwargs: dict[str, Any]
    case_action = "change"  # read by the scope walker: these pages write to the case's work

    @cached_property
    def item(self) -> WorkItem:
        return WorkItem.objects.select_related("case", "assigned_to").get_for(
            self.request.user, "change", pk=self.kwargs["pk"]
        )


def _settle_refusal_raise(request, item: WorkItem) -> None:
    """A work item the user may not mark done or edit (``services.work_item_settle_refusal``: a
    coordinator's person check): 403, the reason said on the page."""
    refusal = services.work_item_settle_refusal(item=item, user=request.user)
    if refusal:
        messages.error(request, f"{refusal} Nothing was changed.")
        raise PermissionDenied(refusal)


class WorkItemCompleteView(ConfirmStepMixin, PermissionMixin, WorkItemMixin, TemplateView):
    """Marking a work item done asks first (14.5); a second POST changes nothing."""

    permission_required = "cases.change_workitem"

    def get_confirmation(self, request, *args, **kwargs) -> Confirmation:
        item = self.item
        _settle_refusal_raise(request, item)
        on_case = f" on case {item.case.case_number}" if item.case is not None else ""  # unit work has no case
        return Confirmation(
            title=f"Mark “{item.title}” done?",
            consequences=[
                f"The work item{on_case} leaves every queue as done today.",
                "It cannot be reopened: a new work item is needed if more work comes up.",
            ],
            button="Yes, mark it done",
            cancel_url=reverse("cases:workitem_list"),
            danger=False,
        )

    def post(self, request, *args, **kwargs):
        try:
            services.work_item_complete(item=self.item, by=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))  # said on the 403 page
            raise
        messages.success(request, "Work item done.")
        return HttpResponseRedirect(
            request.POST.get("next")
            if str(request.POST.get("next", "")).startswith("/cases/")
            else reverse("cases:workitem_list")
        )


class WorkItemReassignView(ServiceActionView):
    permission_required = "cases.reassign_case"
    model = WorkItem
    scope_action = case_action = "change"  # as WorkItemMixin: another caseload's item is a 403 (logged)
    context_object_name = "item"
    template_name = "cases/reassign_form.html"
    form_class = forms.ReassignForm
    success_message = "Work item reassigned."

    def get_object_queryset(self):
        return WorkItem.objects.select_related("case", "assigned_to")

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.object.case, **kwargs)  # the page links back to it

    def perform(self, data):
        return services.work_item_reassign(item=self.object, to_user=data["assigned_to"], by=self.request.user)

    def get_success_url(self) -> str:
        return reverse("cases:caseloads")


class CaseloadOverviewView(PermissionMixin, ListView):
    """The coordinator's view of each caseworker's caseload and open work items."""

    permission_required = "cases.reassign_case"
    template_name = "cases/caseloads.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.caseloads(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unassigned"] = (
            Case.objects.restrict(self.request.user).filter(status=CaseStatus.OPEN, caseworker__isnull=True).count()
        )
        return context


# One person, one record: the duplicates report, merging and undoing a merge ---------------------


class PersonDuplicatesView(PermissionMixin, TemplateView):
    """Probable duplicate people in the office, each pair with a merge action, and today's merges."""

    permission_required = "cases.merge_person"
    template_name = "cases/person_duplicates.html"

    def get_context_data(self, **kwargs):
        from .people import duplicate_pairs
        from .services.people import merge_undo_refusals

        pairs = duplicate_pairs(limit=200)
        counts = selectors.person_case_counts(person_ids={p.pk for pair in pairs for p in (pair.first, pair.second)})
        for pair in pairs:
            for person in (pair.first, pair.second):
                person.case_count = counts.get(person.pk, 0)
        merges = list(selectors.person_merges_today())
        refusals = merge_undo_refusals(merges)  # two queries, whatever the number of merges
        today_merges = [e for e in merges if not refusals[e.pk]]
        people_listed_read_record(
            request=self.request,
            people=[p for pair in pairs for p in (pair.first, pair.second)],
            page="person_duplicates",
        )
        return super().get_context_data(pairs=pairs, merges=today_merges, **kwargs)


class PersonMergeView(PermissionMixin, FormView):
    """Merge two people: the coordinator picks the record that stays and says why (confirmation page)."""

    permission_required = "cases.merge_person"
    template_name = "cases/person_merge.html"
    form_class = forms.PersonMergeForm

    @cached_property
    def people(self) -> list[Person]:
        ids = [self.kwargs["first"], self.kwargs["second"]]
        found = Person.objects.restrict(self.request.user, "change").filter(pk__in=ids, merged_into__isnull=True)
        people = {p.pk: p for p in found}
        if len(people) != 2 or ids[0] == ids[1]:
            raise Http404("No such pair of people.")
        return [people[i] for i in ids]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.people}

    def get_context_data(self, **kwargs):
        counts = selectors.person_case_counts(person_ids=[p.pk for p in self.people])
        for person in self.people:
            person.case_count = counts.get(person.pk, 0)
        people_listed_read_record(request=self.request, people=self.people, page="person_merge")
        from .services.people import merge_write_refusal

        refusal = merge_write_refusal(self.request.user)
        return super().get_context_data(people=self.people, refusal=refusal, **kwargs)

    def form_valid(self, form):
        survivor = next(p for p in self.people if str(p.pk) == form.cleaned_data["survivor"])
        duplicate = next(p for p in self.people if p is not survivor)
        try:  # a user with no county: ScopeDenied, a 403 logged as a denial (core.views.permission_denied)
            services.person_merge(
                survivor=survivor, duplicate=duplicate, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{duplicate.display_name} (person {duplicate.pk}) merged into "
            f"{survivor.display_name} (person {survivor.pk}). You can undo it today "
            "from the duplicates report.",
        )
        return HttpResponseRedirect(reverse("cases:person_duplicates"))


class PersonMergeUndoView(PermissionMixin, TemplateView):
    """Undo a merge the day it was made (GET asks first, POST undoes)."""

    permission_required = "cases.merge_person"
    template_name = "cases/person_merge_undo.html"

    @cached_property
    def event(self):
        from core.models import DomainEvent

        from .services.people import MERGE_VERB

        return get_object_or_404(DomainEvent, pk=self.kwargs["event_id"], verb=MERGE_VERB)

    def get_context_data(self, **kwargs):
        from .services.people import merge_undo_refusal, merge_write_refusal

        refusal = merge_write_refusal(self.request.user) or merge_undo_refusal(self.event)
        return super().get_context_data(event=self.event, refusal=refusal, **kwargs)

    def post(self, request, *args, **kwargs):
        try:  # a user with no county: ScopeDenied, a 403 logged as a denial (core.views.permission_denied)
            duplicate = services.person_merge_undo(event=self.event, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("cases:person_duplicates"))
        messages.success(request, f"Merge undone: {duplicate.display_name} (person {duplicate.pk}) is a record again.")
        return HttpResponseRedirect(reverse("cases:person_duplicates"))


class WorkItemDetailView(PermissionMixin, FormView):
    """A work item: open it, edit title, due date, priority and notes (``cases.change_workitem``,
    on a case the user may work), mark it done or reassign it. Out of view: 404."""

    permission_required = "cases.view_workitem"
    template_name = "cases/workitem_detail.html"
    form_class = forms.WorkItemForm
    # GET is a read (anyone who may see the case); the POST is checked for a write (get_for "change").

    @cached_property
    def item(self) -> WorkItem:
        return WorkItem.objects.select_related("case", "assigned_to", "created_by").get_for(
            self.request.user, "view", pk=self.kwargs["pk"]
        )

    def get_initial(self):
        item = self.item
        return {"title": item.title, "due_on": item.due_on, "priority": item.priority, "notes": item.notes}

    def can_edit(self) -> bool:
        user = self.request.user
        return (
            user.has_perm("cases.change_workitem")
            and self.item.status == WorkItemStatus.OPEN
            and not services.work_item_settle_refusal(item=self.item, user=user)
            and WorkItem.objects.restrict(user, "change").filter(pk=self.item.pk).exists()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "item": self.item,
                "can_edit": self.can_edit(),
                "settle_refusal": self.item.is_open
                and services.work_item_settle_refusal(item=self.item, user=self.request.user),
                "events": list(selectors.work_item_events(item=self.item)),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.change_workitem"):
            raise PermissionDenied("You may not edit work items.")
        WorkItem.objects.get_for(request.user, "change", pk=self.kwargs["pk"])  # 403/404 (logged) off the caseload
        _settle_refusal_raise(request, self.item)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))  # what the page showed (core.stale)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.work_item_update(item=self.item, by=self.request.user, shown=shown_in(data), **without_shown(data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Work item saved.")
        return HttpResponseRedirect(reverse("cases:workitem_detail", args=[self.item.pk]))


class BulkReassignMixin(BulkActionMixin, ConfirmStepMixin, PermissionMixin, TemplateView):
    """Reassign the ticked rows of a list through the single reassignment's scope and service
    (``core.lists.BulkActionMixin``: asks first, one transaction per row, refusals per row)."""

    permission_required = "cases.reassign_case"
    form_class = forms.BulkReassignForm
    http_method_names = ["post"]  # noqa: RUF012
    noun = "rows"
    case_action = "change"

    def confirmation_for(self, form) -> Confirmation:
        count, to = len(form.cleaned_data["ids"]), form.cleaned_data["assigned_to"]
        self.title = f"Reassign {self.noun} to {to}"
        return Confirmation(
            title=f"Reassign {count} {self.noun} to {to}?",
            consequences=[
                f"Each of the {count} selected {self.noun} moves to {to}; each is checked on its own, "
                "and any you may not reassign is listed and left as it is."
            ],
            button="Yes, reassign them",
            cancel_url=reverse(self.list_url_name),
            danger=False,
        )

    def post(self, request, *args, **kwargs):
        self.title = f"Reassign {self.noun}"
        return super().post(request, *args, **kwargs)


class CaseBulkReassignView(BulkReassignMixin):
    noun = "cases"
    list_url_name = "cases:case_list"

    def act_on(self, pk: int, form) -> str:
        case = Case.objects.get_for(self.request.user, "change", pk=pk)
        services.case_reassign(case=case, to_user=form.cleaned_data["assigned_to"], by=cast(User, self.request.user))
        return case.case_number


class WorkItemBulkReassignView(BulkReassignMixin):
    noun = "work items"
    list_url_name = "cases:workitem_list"

    def act_on(self, pk: int, form) -> str:
        item = WorkItem.objects.select_related("case").get_for(self.request.user, "change", pk=pk)
        services.work_item_reassign(
            item=item, to_user=form.cleaned_data["assigned_to"], by=cast(User, self.request.user)
        )
        return f"{item.title} ({item.case.case_number})" if item.case_id else item.title

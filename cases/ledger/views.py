"""Caseworker pages of the ledger: held collections (release to a case), late disbursements."""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy

from core.confirm import Confirmation, ConfirmStepMixin
from core.lists import ListViewMixin
from core.money import display as money_display
from core.stale import carry_shown, shown_in
from core.views import FilteredListView, ServiceActionView

from ..access import fti_reads_record
from ..choices import CollectionStatus, DisbursementStatus
from ..models import Case, Collection
from ..services import collection_release, collection_reverse
from ..views import CaseFormView
from .filtersets import CollectionFilterSet, DisbursementFilterSet
from .forms import CollectionReverseForm, ReleaseForm, ReverseForm
from .fti import can_view_fti, shown_hold_reason, shown_source
from .selectors import collections_held, disbursements_late


def _source_without_fti(collection) -> str:
    # An export never carries federal tax information (IRS Publication 1075): a tax offset is "Payment".
    return collection.get_source_display() if shown_source(collection.source, fti=False) else "Payment"


def _reason_without_fti(collection) -> str:
    # Nor a tax offset's hold reason, which would say what it is.
    return shown_hold_reason(collection, fti=False) or ""


class HeldCollectionListView(ListViewMixin, FilteredListView):
    """Held collections: sortable, filterable, ``?export=csv`` (without FTI sources)."""

    sort_fields = {
        "received": ("received_on",),
        "reference": ("source_reference",),
        "case_given": ("case_number_received", "received_on"),
        "amount": ("amount", "received_on"),
    }
    default_sort = "received"
    csv_filename = "held-collections.csv"
    csv_columns = (
        "received_on",
        ("reference", "source_reference"),
        ("case_number_given", "case_number_received"),
        ("source", _source_without_fti),
        "amount",
        ("reason", _reason_without_fti),
    )
    permission_required = "cases.view_collection"
    template_name = "cases/ledger/held_list.html"
    filterset_class = CollectionFilterSet

    def get_base_queryset(self):
        return collections_held(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fti"] = can_view_fti(self.request.user)
        fti_reads_record(request=self.request, collections=context["object_list"])
        context["release_form"] = ReleaseForm()
        context["reverse_form"] = ReverseForm()
        return context


class HeldCollectionReleaseView(ServiceActionView):
    permission_required = "cases.change_collection"
    form_class = ReleaseForm
    post_only = True
    success_url = reverse_lazy("ledger:held_list")

    def get_object(self):
        return get_object_or_404(collections_held(user=self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data):
        case = self.form.case
        # Releasing posts the payment to the case: a write, so the case must be on the user's
        # caseload (or their role works any case): else 403, logged.
        Case.objects.get_for(self.request.user, "change", pk=case.pk)
        return collection_release(collection=self.object, case=case, by=self.request.user, note=data["note"])

    def get_success_message(self, result):
        return f"Payment {self.object.source_reference} released to {self.form.case.case_number}."


class HeldCollectionReverseView(ConfirmStepMixin, ServiceActionView):
    """Reverse a held payment that never came in (the payer's cheque bounced), after a
    confirmation: it leaves the held queue, never distributed (``collection_reverse``)."""

    permission_required = "cases.change_collection"
    form_class = ReverseForm
    post_only = True
    # The queue's button POSTs and is asked to confirm; GET answers 405 as the release does (the
    # queue shows unidentified payments to everyone: no page of one is reached by its address).
    http_method_names = ["post"]
    success_url = reverse_lazy("ledger:held_list")
    error_prefix = "Say why it is reversed. "

    def get_object(self):
        return get_object_or_404(collections_held(user=self.request.user), pk=self.kwargs["pk"])

    def get_confirmation(self, request, pk) -> Confirmation:
        held = self.object
        return Confirmation(
            title=f"Reverse the held payment {held.source_reference}?",
            consequences=[
                f"The payment of {money_display(held.amount)} is recorded as not received: it leaves the held "
                "queue and is never distributed or released.",
                f"Why: {request.POST.get('reason', '').strip() or '(not given)'}",
            ],
            button="Yes, reverse the payment",
            cancel_url=reverse("ledger:held_list"),
        )

    def perform(self, data):
        if self.object.case_id is not None:
            # A payment held on a case is that case's: a write, so the case must be on the user's
            # caseload (or their role works any case): else 403, logged.
            Case.objects.get_for(self.request.user, "change", pk=self.object.case_id)
        return collection_reverse(collection=self.object, reason=data["reason"], by=self.request.user)

    def get_success_message(self, result):
        return f"Payment {self.object.source_reference} reversed."


class LateDisbursementListView(FilteredListView):
    """Family disbursements past 2 business days after receipt (42 USC 654b(c))."""

    permission_required = "cases.view_disbursement"
    template_name = "cases/ledger/late_disbursements.html"
    filterset_class = DisbursementFilterSet

    def get_base_queryset(self):
        return disbursements_late(user=self.request.user)


class CollectionReverseView(CaseFormView):
    """Reverse a posted payment from the case page (a cheque returned unpaid after posting, a wrong
    amount, the wrong case): the page is the confirmation, showing what the payment paid and what
    was disbursed; ``collection_reverse`` reverses its entries, cancels pending disbursements,
    flags sent ones for recovery and distributes the later collections again. The case is loaded
    for a change (another county 404, another caseload 403); the payment is one of that case's."""

    permission_required = "cases.change_collection"
    template_name = "cases/ledger/collection_reverse.html"
    form_class = CollectionReverseForm

    @cached_property
    def collection(self) -> Collection:
        return get_object_or_404(
            Collection.objects.restrict(self.request.user, "view").filter(case=self.case), pk=self.kwargs["pk"]
        )

    def get_form(self, form_class=None):
        from ..services.ledger import collection_reverse_shown

        return carry_shown(super().get_form(form_class), values=collection_reverse_shown(self.collection))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collection = self.collection
        fti = can_view_fti(self.request.user)
        # A tax offset's source shown is a display of FTI: logged (IRS Publication 1075), as on the
        # statement, the case page and the held queue.
        fti_reads_record(request=self.request, collections=[collection])
        disbursements = list(collection.disbursements.order_by("pk"))
        context.update(
            collection=collection,
            source=collection.get_source_display() if shown_source(collection.source, fti=fti) else "Payment",
            allocations=list(collection.allocations.filter(reversed_on__isnull=True).order_by("pk")),
            disbursements=disbursements,
            sent=[d for d in disbursements if d.status == DisbursementStatus.SENT],
            reversible=collection.status == CollectionStatus.POSTED,
        )
        return context

    def perform(self, data):
        if self.collection.status == CollectionStatus.HELD:
            raise ValidationError("A held payment is reversed from the held queue.")
        return collection_reverse(
            collection=self.collection, reason=self.form.reason_line(), by=self.request.user, shown=shown_in(data)
        )

    def get_success_message(self, result):
        return f"Payment {self.collection.source_reference} reversed: what it paid is owed again."

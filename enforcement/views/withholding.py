"""Income withholding orders on the action page: each order's page, its PDF (the federal IWO form,
with the NMSN where coverage is ordered), "issue what is due now" and a lump sum request.

FVI (42 USC 654(26)): the employer is the NCP's whereabouts during the working day, so pages show it
only where ``cases.redaction.whereabouts_shown`` allows. The PDF is the document addressed to that
employer (the partner the law requires it to reach); its download is logged as a sensitive read.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.views import View

from cases.redaction import WITHHELD, whereabouts_shown
from core.http import content_disposition
from core.services import sensitive_read_record
from core.views import ObjectDetailView, PermissionMixin

from ..iwo import iwo_pdf
from ..models import EnforcementAction, IncomeWithholdingOrder
from ..services.withholding import iwo_lump_sum_request, iwo_reconcile_action

VIEW = "enforcement.view_incomewithholdingorder"
WORK = "enforcement.work_enforcementaction"


class LumpSumForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to withhold from the lump sum", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )


def employer_shown(iwo: IncomeWithholdingOrder) -> bool:
    ncp = iwo.case.ncp
    return ncp is None or whereabouts_shown(ncp)


class IwoDetailView(ObjectDetailView):
    model = IncomeWithholdingOrder
    permission_required = VIEW
    template_name = "enforcement/iwo_detail.html"
    context_object_name = "iwo"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("action", "case", "supersedes", "issued_by")
            .prefetch_related("case__participants__person")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        iwo = self.object
        context.update(
            employer_shown=employer_shown(iwo),
            withheld=WITHHELD,
            successors=IncomeWithholdingOrder.objects.filter(supersedes=iwo).order_by("id"),
            per_cycle=[
                ("Weekly", iwo.per_weekly),
                ("Every two weeks", iwo.per_biweekly),
                ("Twice a month", iwo.per_semimonthly),
                ("Monthly", iwo.per_monthly),
            ],
        )
        return context


class IwoPdfView(IwoDetailView):
    def render_to_response(self, context, **response_kwargs):
        iwo = self.object
        sensitive_read_record(
            request=self.request,
            obj=iwo,
            fields=["obligor_ssn", "obligor_birth_date", "employer"],
            person=iwo.case.ncp,
            detail={"document": "NMSN PDF" if iwo.is_nmsn_only else "IWO PDF", "control_number": iwo.control_number},
        )
        response = HttpResponse(iwo_pdf(iwo), content_type="application/pdf")
        name = f"{'nmsn' if iwo.is_nmsn_only else 'iwo'}-{iwo.control_number}.pdf"
        response["Content-Disposition"] = content_disposition(name, inline=True)
        response["Cache-Control"] = "no-store"
        return response


class _ActionWriteView(PermissionMixin, View):
    http_method_names = ["post"]
    permission_required = WORK

    def post(self, request, pk: int):
        action = EnforcementAction.objects.get_for(request.user, "change", pk=pk)
        try:
            self.step(action)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(action.get_absolute_url() + "#withholding-heading")

    def step(self, action):  # pragma: no cover - overridden
        raise NotImplementedError


class ActionIwoIssueView(_ActionWriteView):
    """Issue now what the action needs (the nightly task would do the same)."""

    def step(self, action):
        issued = iwo_reconcile_action(action=action, by=self.request.user)
        if issued:
            messages.success(
                self.request, "Issued: " + ", ".join(f"{i.get_kind_display()} {i.control_number}" for i in issued)
            )
        else:
            messages.info(self.request, "Nothing to issue: the orders in force match the support order.")


class ActionIwoLumpSumView(_ActionWriteView):
    def step(self, action):
        form = LumpSumForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("; ".join(" ".join(errors) for errors in form.errors.values()))
        iwo = iwo_lump_sum_request(action=action, amount=form.cleaned_data["amount"], by=self.request.user)
        messages.success(self.request, f"Lump sum order {iwo.control_number} issued.")

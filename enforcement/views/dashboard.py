"""The enforcement coordinator's dashboard: every figure links to the cases or items behind it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from cases.services.accrual_jobs import accrual_runs_stuck
from core.charts import Chart, ChartPageMixin
from core.views import PermissionMixin

from .. import action_selectors as sel
from ..models import EnforcementAction
from ..services.sweep_jobs import sweep_runs_stuck


def _url(name: str, **query) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode(query)}" if query else base


class CoordinatorDashboardView(PermissionMixin, ChartPageMixin, TemplateView):
    permission_required = ("enforcement.view_sweeprun", "enforcement.view_enforcementaction")
    template_name = "enforcement/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        actions = EnforcementAction.objects.restrict(user)
        delinquent = sel.delinquent_balances(user=user)
        delinquent_totals = delinquent.aggregate(n=Count("case_id"), arrears=Sum("total_arrears"))
        grid = sel.actions_by_remedy_and_stage(actions=actions)
        queue = "enforcement:action_list"
        rows = []
        for remedy in grid["remedies"]:
            cells = []
            for stage in grid["stages"]:
                n, arrears = grid["cells"].get((remedy.value, stage.value), (0, sel.ZERO))
                cells.append({"n": n, "arrears": arrears, "url": _url(queue, remedy=remedy.value, status=stage.value)})
            rows.append(
                {
                    "remedy": remedy,
                    "url": _url(queue, remedy=remedy.value, open="on"),
                    "cells": cells,
                    "n": sum(c["n"] for c in cells),
                    "arrears": sum(c["arrears"] for c in cells),
                }
            )
        compliance = sel.timeframe_compliance(actions=actions, today=today)
        collections = sel.collections_month(user=user, today=today)
        recon = sel.reconciliation_exceptions(user)
        context.update(
            today=today,
            delinquent=delinquent_totals,
            delinquent_url=reverse("enforcement:delinquent_cases"),
            stages=grid["stages"],
            rows=rows,
            due=sel.actions_due(actions=actions, today=today),
            due_url=_url(queue, due_within="7"),
            compliance=compliance,
            overdue_url=_url(queue, overdue="on"),
            runs=sel.last_sweep_runs(),
            runs_url=reverse("enforcement:sweeprun_list"),
            collections=collections,
            collections_url=_url("cases:collection_list", received_from=collections["since"].isoformat()),
            recon=recon,
            # A figure links only to a list the user may open (the quality analyst may not).
            recon_url=(
                _url("enforcement:reconciliationexception_list", status="open")
                if user.has_perm("enforcement.view_reconciliationexception")
                else ""
            ),
            stuck_sweeps=sweep_runs_stuck(),
            stuck_accruals=accrual_runs_stuck() if user.has_perm("cases.view_ledgerrun") else {},
        )
        return context

    def get_charts(self, context):
        rows, collections = context["rows"], context["collections"]
        return [
            Chart(
                name="remedy",
                kind="stacked_hbar",
                title="Open actions by remedy and stage",
                labels=[str(r["remedy"].label) for r in rows],
                series=[
                    (str(stage.label), [r["cells"][i]["n"] for r in rows]) for i, stage in enumerate(context["stages"])
                ],
                alt="Stacked bar chart of open enforcement actions for each remedy, split by stage; "
                "the table above gives every figure.",
            ),
            Chart(
                name="collections",
                kind="bar",
                title="This month: current support (dollars)",
                labels=["Due", "Paid", "All collections"],
                series=[
                    ("Dollars", [collections["current_due"], collections["current_paid"], collections["collected"]])
                ],
                alt=f"Bar chart: current support due this month {collections['current_due']:,.2f} dollars, "
                f"paid {collections['current_paid']:,.2f} dollars, all collections "
                f"{collections['collected']:,.2f} dollars.",
            ),
        ]


class DelinquentCaseListView(PermissionMixin, ListView):
    """The delinquent cases behind the dashboard figure (largest arrears first)."""

    permission_required = "enforcement.view_enforcementaction"
    template_name = "enforcement/delinquent_cases.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            sel.delinquent_balances(user=self.request.user).select_related("case").order_by("-total_arrears", "case_id")
        )

"""The read-only rules page and the sweep runs (with a button to start one)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from core.legal import LegalParameterMissing
from core.views import PermissionMixin

from ..legal_floors import floor_values
from ..models import RemedyRule, SweepRun
from ..services.sweep_jobs import sweep_enqueue, sweep_run_resume, sweep_runs_stuck


class RuleListView(PermissionMixin, ListView):
    """Every remedy rule with the version in effect today and the older/newer versions kept."""

    permission_required = "enforcement.view_remedyrule"
    template_name = "enforcement/rule_list.html"

    def get_queryset(self):
        return RemedyRule.objects.restrict(self.request.user).select_related("changed_by").order_by(
            "jurisdiction", "remedy", "-effective_from", "-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        in_effect = set(RemedyRule.objects.in_effect(today).values_list("pk", flat=True))
        rules = list(context["object_list"])
        for rule in rules:
            # The law's floor under each threshold, in force on the rule's own date and today.
            try:
                rule.law_floors = floor_values(rule, on=max(today, rule.effective_from))
            except LegalParameterMissing as exc:
                rule.law_floors, rule.law_missing = [], str(exc)
        context.update(today=today, in_effect=in_effect, object_list=rules, rule_list=rules)
        return context


class SweepRunListView(PermissionMixin, ListView):
    permission_required = "enforcement.view_sweeprun"
    template_name = "enforcement/sweeprun_list.html"
    paginate_by = 25

    def get_queryset(self):
        return SweepRun.objects.restrict(self.request.user).select_related("started_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(context["object_list"])
        stuck = sweep_runs_stuck(run_ids=[run.pk for run in runs])
        for run in runs:
            run.stuck_chunks = stuck.get(run.pk, 0)
        context["object_list"] = runs
        return context


class SweepStartView(PermissionMixin, View):
    """Start a sweep now: the same fanned-out task as the nightly beat entry."""

    http_method_names = ["post"]
    permission_required = "enforcement.run_sweep"

    def post(self, request):
        run = sweep_enqueue(as_of=timezone.localdate(), triggered_by=f"user {request.user.username}",
                            by=request.user)
        messages.success(request, f"Sweep {run.pk} started: its chunks run in the background.")
        return HttpResponseRedirect(reverse("enforcement:sweeprun_list"))


class SweepRunResumeView(PermissionMixin, View):
    """Send a stuck run's unfinished chunks to the workers again (each chunk still runs once)."""

    http_method_names = ["post"]
    permission_required = "enforcement.run_sweep"

    def post(self, request, pk: int):
        run = get_object_or_404(SweepRun.objects.restrict(request.user), pk=pk, finished_at__isnull=True)
        sent = sweep_run_resume(run=run, by=request.user)
        messages.success(request, f"Sweep {run.pk} resumed: {sent} chunk(s) sent to the workers.")
        return HttpResponseRedirect(reverse("enforcement:sweeprun_list"))

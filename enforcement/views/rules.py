"""The read-only rules page and the sweep runs (with a button to start one)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import ListView

from core.legal import LegalParameterMissing
from core.views import PermissionMixin, RunListView, ServiceActionView

from ..legal_floors import floor_values
from ..models import RemedyRule, SweepRun
from ..services.sweep_jobs import sweep_enqueue, sweep_run_resume, sweep_runs_stuck


class RuleListView(PermissionMixin, ListView):
    """Every remedy rule with the version in effect today and the older/newer versions kept."""

    permission_required = "enforcement.view_remedyrule"
    template_name = "enforcement/rule_list.html"

    def get_queryset(self):
        return (
            RemedyRule.objects.restrict(self.request.user)
            .select_related("changed_by")
            .order_by("jurisdiction", "remedy", "-effective_from", "-version")
        )

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


class SweepRunListView(RunListView):
    permission_required = "enforcement.view_sweeprun"
    template_name = "enforcement/sweeprun_list.html"
    stuck_attr = "stuck_chunks"

    def get_queryset(self):
        return SweepRun.objects.restrict(self.request.user).select_related("started_by")

    def stuck_counts(self, run_ids):
        return sweep_runs_stuck(run_ids=run_ids)


class SweepStartView(ServiceActionView):
    """Start a sweep now: the same fanned-out task as the nightly beat entry."""

    permission_required = "enforcement.run_sweep"
    post_only = True
    success_url = reverse_lazy("enforcement:sweeprun_list")

    def perform(self, data):
        return sweep_enqueue(
            as_of=timezone.localdate(), triggered_by=f"user {self.request.user.get_username()}", by=self.request.user
        )

    def get_success_message(self, run):
        return f"Sweep {run.pk} started: its chunks run in the background."


class SweepRunResumeView(SweepStartView):
    """Send a stuck run's unfinished chunks to the workers again (each chunk still runs once)."""

    def get_object(self):
        return get_object_or_404(
            SweepRun.objects.restrict(self.request.user), pk=self.kwargs["pk"], finished_at__isnull=True
        )

    def perform(self, data):
        return sweep_run_resume(run=self.object, by=self.request.user)

    def get_success_message(self, sent):
        return f"Sweep {self.object.pk} resumed: {sent} chunk(s) sent to the workers."

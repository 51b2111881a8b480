"""Accrual runs: the list (with stuck runs flagged), starting one by hand and resuming a stuck one."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import timezone

from core.views import RunListView, ServiceActionView

from .choices import LedgerRunKind
from .models import LedgerRun
from .services.accrual_jobs import accrual_enqueue, accrual_run_resume, accrual_runs_stuck


class LedgerRunListView(RunListView):
    permission_required = "cases.view_ledgerrun"
    template_name = "cases/ledgerrun_list.html"
    stuck_attr = "stuck_ranges"

    def get_queryset(self):
        return LedgerRun.objects.filter(kind=LedgerRunKind.ACCRUAL).order_by("-started_at", "-id")

    def stuck_counts(self, run_ids):
        return accrual_runs_stuck(run_ids=run_ids)


class AccrualStartView(ServiceActionView):
    """Accrue charges through today now: the run and its jobs commit together (``core.jobs``), so the
    answer is the same while the broker is down; the ranges run when it is back."""

    permission_required = "cases.add_ledgerrun"
    post_only = True
    success_url = reverse_lazy("cases:ledgerrun_list")

    def perform(self, data):
        return accrual_enqueue(through=timezone.localdate(), by=self.request.user)

    def get_success_message(self, run):
        return f"Accrual run {run.pk} started: its ranges run in the background."


class AccrualRunResumeView(AccrualStartView):
    """Send a stuck accrual run's unfinished ranges to the workers again (each range accrues once)."""

    def get_object(self):
        return get_object_or_404(LedgerRun, pk=self.kwargs["pk"], kind=LedgerRunKind.ACCRUAL, finished_at__isnull=True)

    def perform(self, data):
        return accrual_run_resume(run=self.object, by=self.request.user)

    def get_success_message(self, sent):
        return f"Accrual run {self.object.pk} resumed: {sent} range(s) sent to the workers."

"""Accrual runs: the list (with stuck runs flagged), starting one by hand and resuming a stuck one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from core.views import PermissionMixin

from .choices import LedgerRunKind
from .models import LedgerRun
from .services.accrual_jobs import accrual_enqueue, accrual_run_resume, accrual_runs_stuck


class LedgerRunListView(PermissionMixin, ListView):
    permission_required = "cases.view_ledgerrun"
    template_name = "cases/ledgerrun_list.html"
    paginate_by = 25

    def get_queryset(self):
        return LedgerRun.objects.filter(kind=LedgerRunKind.ACCRUAL).order_by("-started_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(context["object_list"])
        stuck = accrual_runs_stuck(run_ids=[run.pk for run in runs])
        for run in runs:
            run.stuck_ranges = stuck.get(run.pk, 0)
        context["object_list"] = runs
        return context


class AccrualStartView(PermissionMixin, View):
    """Accrue charges through today now: the run and its jobs commit together (``core.jobs``), so the
    answer is the same while the broker is down; the ranges run when it is back."""

    http_method_names = ["post"]
    permission_required = "cases.add_ledgerrun"

    def post(self, request):
        run = accrual_enqueue(through=timezone.localdate(), by=request.user)
        messages.success(request, f"Accrual run {run.pk} started: its ranges run in the background.")
        return HttpResponseRedirect(reverse("cases:ledgerrun_list"))


class AccrualRunResumeView(PermissionMixin, View):
    """Send a stuck accrual run's unfinished ranges to the workers again (each range accrues once)."""

    http_method_names = ["post"]
    permission_required = "cases.add_ledgerrun"

    def post(self, request, pk: int):
        run = get_object_or_404(LedgerRun, pk=pk, kind=LedgerRunKind.ACCRUAL, finished_at__isnull=True)
        sent = accrual_run_resume(run=run, by=request.user)
        messages.success(request, f"Accrual run {run.pk} resumed: {sent} range(s) sent to the workers.")
        return HttpResponseRedirect(reverse("cases:ledgerrun_list"))

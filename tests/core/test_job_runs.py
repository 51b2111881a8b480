"""Stuck runs made of jobs: shown on the run pages and the coordinator dashboard, resumed by the staff
who may start them (and by nobody else), each chunk still done once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import LedgerEntry, LedgerRun
from cases.services.accrual_jobs import accrual_enqueue, accrual_runs_stuck
from core.models import DomainEvent, Job, JobStatus
from enforcement.models import EnforcementAction, SweepRun
from enforcement.services.sweep_jobs import sweep_enqueue, sweep_runs_stuck
from tests.cases.factories import case_with_order
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def kill(jobs) -> None:
    """What a worker killed mid-chunk leaves: running, lease expired long ago."""
    past = timezone.now() - timedelta(hours=1)
    jobs.update(
        status=JobStatus.RUNNING, claimed_by="dead:1", attempts=1, expires_at=past, sent_at=past, created_at=past
    )


@pytest.fixture
def stuck_sweep():
    delinquent_case(unassigned="3000.00")
    run = sweep_enqueue(as_of=AS_OF, chunk_size=10**6, triggered_by="test")  # no commit: not dispatched
    kill(Job.objects.filter(group=f"sweep_run:{run.pk}"))
    return run


@pytest.fixture
def stuck_accrual():
    case = case_with_order(monthly=Decimal("250.00"))
    run = accrual_enqueue(through=timezone.localdate(), chunk_size=case.pk + 1)
    kill(Job.objects.filter(group=f"ledger_run:{run.pk}"))
    return run


def test_a_started_run_commits_one_job_per_chunk(django_capture_on_commit_callbacks):
    for _ in range(3):
        delinquent_case(unassigned="3000.00")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = sweep_enqueue(as_of=AS_OF, chunk_size=1, triggered_by="test")
    jobs = Job.objects.filter(group=f"sweep_run:{run.pk}")
    assert jobs.count() == run.chunk_count == len(callbacks) == 3
    assert set(jobs.values_list("task", flat=True)) == {"enforcement.tasks.sweep_chunk_task"}
    assert sorted(j.args[0] for j in jobs) == sorted(run.chunks.values_list("pk", flat=True))


def test_stuck_runs_are_found_and_finished_runs_are_not(stuck_sweep, stuck_accrual):
    assert sweep_runs_stuck() == {stuck_sweep.pk: 1}
    assert accrual_runs_stuck() == {stuck_accrual.pk: 1}
    SweepRun.objects.filter(pk=stuck_sweep.pk).update(finished_at=timezone.now())
    assert sweep_runs_stuck() == {}


def test_the_coordinator_sees_stuck_runs_and_resumes_a_sweep(client_as, role_user, stuck_sweep, stuck_accrual):
    client = client_as("coordinator")
    dashboard = client.get(reverse("enforcement:dashboard"))
    assert b'data-testid="stuck-runs"' in dashboard.content
    assert f"Sweep {stuck_sweep.pk}</a>: 1 chunk late".encode() in dashboard.content
    assert f"Accrual run {stuck_accrual.pk}</a>: 1 range late".encode() in dashboard.content
    page = client.get(reverse("enforcement:sweeprun_list"))
    assert f'data-testid="stuck-run-{stuck_sweep.pk}"'.encode() in page.content
    assert reverse("enforcement:sweeprun_resume", args=[stuck_sweep.pk]).encode() in page.content

    response = client.post(reverse("enforcement:sweeprun_resume", args=[stuck_sweep.pk]))
    assert response.status_code == 302
    run = SweepRun.objects.get(pk=stuck_sweep.pk)
    assert run.finished_at is not None and run.chunks_done == run.chunk_count == 1
    assert run.proposed == EnforcementAction.objects.filter(sweep_run=run).count() > 0
    job = Job.objects.get(group=f"sweep_run:{run.pk}")
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert DomainEvent.objects.filter(verb="sweep.run_resumed", actor=role_user("coordinator")).count() == 1
    assert b"stuck-run-" not in client.get(reverse("enforcement:sweeprun_list")).content
    # resuming a finished run: not found
    assert client.post(reverse("enforcement:sweeprun_resume", args=[run.pk])).status_code == 404


def test_the_coordinator_resumes_a_stuck_accrual_and_it_accrues_once(client_as, stuck_accrual):
    client = client_as("coordinator")
    page = client.get(reverse("cases:ledgerrun_list"))
    assert f'data-testid="stuck-run-{stuck_accrual.pk}"'.encode() in page.content
    assert client.post(reverse("cases:ledgerrun_resume", args=[stuck_accrual.pk])).status_code == 302
    run = LedgerRun.objects.get(pk=stuck_accrual.pk)
    charges = LedgerEntry.objects.filter(entry_type="charge").count()
    assert run.finished_at is not None and run.counts["charges"] == charges > 0
    assert client.post(reverse("cases:ledgerrun_resume", args=[run.pk])).status_code == 404
    assert LedgerEntry.objects.filter(entry_type="charge").count() == charges


@pytest.mark.parametrize("role", ["caseworker", "enforcement_specialist", "ombudsperson", "quality_analyst"])
def test_staff_who_may_not_run_them_cannot_resume(client_as, role, stuck_sweep, stuck_accrual):
    client = client_as(role)
    assert client.post(reverse("enforcement:sweeprun_resume", args=[stuck_sweep.pk])).status_code == 403
    assert client.post(reverse("cases:ledgerrun_resume", args=[stuck_accrual.pk])).status_code == 403
    assert client.post(reverse("cases:accrual_start")).status_code == 403
    assert Job.objects.filter(status=JobStatus.DONE).count() == 0
    assert LedgerRun.objects.count() == 1


def test_the_coordinator_starts_an_accrual_by_hand(client_as, role_user, django_capture_on_commit_callbacks):
    case_with_order(monthly=Decimal("250.00"))
    client = client_as("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:accrual_start"))
    assert response.status_code == 302
    run = LedgerRun.objects.get()
    assert run.finished_at is not None and run.run_on == timezone.localdate()
    assert DomainEvent.objects.filter(verb="accrual.started", actor=role_user("coordinator")).exists()
    assert set(Job.objects.filter(group=f"ledger_run:{run.pk}").values_list("status", flat=True)) == {JobStatus.DONE}


def test_a_resume_leaves_a_live_chunk_to_its_worker(client_as, stuck_sweep):
    Job.objects.filter(group=f"sweep_run:{stuck_sweep.pk}").update(
        expires_at=timezone.now() + timedelta(seconds=30), claimed_by="alive:1"
    )
    client_as("coordinator").post(reverse("enforcement:sweeprun_resume", args=[stuck_sweep.pk]))
    job = Job.objects.get(group=f"sweep_run:{stuck_sweep.pk}")
    assert job.status == JobStatus.RUNNING and job.claimed_by == "alive:1"
    assert SweepRun.objects.get(pk=stuck_sweep.pk).finished_at is None


def test_roles_reading_the_dashboard_see_no_stuck_banner_when_all_is_well(client_as):
    run = sweep_enqueue(as_of=date(2026, 12, 1), triggered_by="test")
    assert run.finished_at is not None  # no cases: no chunks, finished at once
    assert b"stuck-runs" not in client_as("coordinator").get(reverse("enforcement:dashboard")).content

"""Fanned-out accruals as background jobs (``core.jobs``): started through the transactional outbox,
resumed when a run is stuck."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import User
from core.jobs import job_enqueue, job_group_resume, jobs_stuck
from core.services import event_about

from ..choices import LedgerRunKind
from ..models import LedgerRun
from .ledger_accrual import ACCRUAL_CHUNK, ledger_accrual_start

CHUNK_TASK = "cases.accrue_chunk"


def accrual_group(run_id: int) -> str:
    return f"ledger_run:{run_id}"


def _range_jobs(run: LedgerRun, ranges: list[tuple[int, int]]) -> None:
    for low, high in ranges:
        job_enqueue(
            task=CHUNK_TASK, args=[run.pk, low, high], key=f"accrual:{run.pk}:{low}", group=accrual_group(run.pk)
        )


@transaction.atomic
def accrual_enqueue(*, through: date, chunk_size: int = ACCRUAL_CHUNK, by: User | None = None) -> LedgerRun:
    """Start an accrual: the run and a job per range of case ids commit together; the ranges go to the
    workers after the commit, or when the broker is back (the watchdog sends what is left)."""
    run, ranges = ledger_accrual_start(through=through, chunk_size=chunk_size)
    _range_jobs(run, ranges)
    if by is not None:
        event_about(
            run,
            verb="accrual.started",
            by=by,
            summary=f"Accrual through {through} started by hand ({len(ranges)} ranges)",
        )
    return run


def accrual_runs_stuck(*, run_ids=None) -> dict[int, int]:
    """Unfinished accrual runs with a range late past CASEWORKS_JOB_STUCK_SECONDS: run id → late ranges."""
    groups = None if run_ids is None else [accrual_group(pk) for pk in run_ids]
    stuck = {int(g.split(":")[1]): n for g, n in jobs_stuck(groups=groups, prefix="ledger_run:").items()}
    unfinished = set(
        LedgerRun.objects.filter(pk__in=list(stuck), kind=LedgerRunKind.ACCRUAL, finished_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return {pk: n for pk, n in stuck.items() if pk in unfinished}


def accrual_run_resume(*, run: LedgerRun, by: User) -> int:
    """Send the run's unfinished ranges again (a range running under a live lease is left to its
    worker; a range already accrued is recorded once). Returns the ranges sent."""
    event_about(run, verb="accrual.run_resumed", by=by, summary=f"Accrual run {run.pk} resumed")
    return job_group_resume(group=accrual_group(run.pk))

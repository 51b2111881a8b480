"""Sweeps and disbursement exports as background jobs (``core.jobs``): started through the
transactional outbox, resumed when a run is stuck."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import User
from core.jobs import job_enqueue, job_group_resume, jobs_stuck
from core.services import event_about

from ..choices import ChunkStatus
from ..models import SweepRun
from .sweep import DEFAULT_CHUNK_SIZE, sweep_start

CHUNK_TASK = "enforcement.tasks.sweep_chunk_task"


def sweep_group(run_id: int) -> str:
    return f"sweep_run:{run_id}"


def _chunk_jobs(run: SweepRun) -> int:
    pending = list(run.chunks.filter(status=ChunkStatus.PENDING).order_by("low").values_list("id", flat=True))
    for chunk_id in pending:
        job_enqueue(task=CHUNK_TASK, args=[chunk_id], key=f"sweep_chunk:{chunk_id}", group=sweep_group(run.pk))
    return len(pending)


@transaction.atomic
def sweep_enqueue(
    *, as_of: date, chunk_size: int = DEFAULT_CHUNK_SIZE, triggered_by: str = "", by: User | None = None
) -> SweepRun:
    """Start a sweep: the run, its chunks and a job per chunk commit together; the chunks go to the
    workers after the commit, or when the broker is back (the watchdog sends what is left)."""
    run = sweep_start(as_of=as_of, chunk_size=chunk_size, triggered_by=triggered_by, by=by)
    _chunk_jobs(run)
    return run


def sweep_runs_stuck(*, run_ids=None) -> dict[int, int]:
    """Unfinished runs with a chunk late past CASEWORKS_JOB_STUCK_SECONDS: run id → late chunks."""
    groups = None if run_ids is None else [sweep_group(pk) for pk in run_ids]
    stuck = jobs_stuck(groups=groups, prefix="sweep_run:")
    unfinished = set(
        SweepRun.objects.filter(pk__in=[int(g.split(":")[1]) for g in stuck], finished_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return {int(g.split(":")[1]): n for g, n in stuck.items() if int(g.split(":")[1]) in unfinished}


def sweep_run_resume(*, run: SweepRun, by: User) -> int:
    """Send the run's unfinished chunks again (a chunk still running under a live lease is left to its
    worker; a done chunk is skipped by its worker). Returns the chunks sent."""
    with transaction.atomic():
        _chunk_jobs(run)  # chunks of a run started before jobs existed get theirs
        event_about(run, verb="sweep.run_resumed", by=by, summary=f"Sweep {run.pk} resumed")
    return job_group_resume(group=sweep_group(run.pk))


def disbursement_export_enqueue(*, on: date, by: User | None = None) -> None:
    """Export the family disbursements of ``on`` in the background (through the outbox)."""
    job_enqueue(
        task="enforcement.export_disbursements",
        args=[on.isoformat()],
        kwargs={"by_id": by.pk} if by is not None and by.pk else {},
        group=f"disbursement_export:{on}",
    )

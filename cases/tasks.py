"""Cases Celery tasks: thin — load by id, call a service, idempotent."""

from celery import shared_task
from django.utils import timezone

from core.jobs import LIMITS_CHUNK, LIMITS_RUN, run_leased


@shared_task(name="cases.accrue_charges", **LIMITS_CHUNK)
def accrue_charges_task(through: str | None = None, chunk_size: int | None = None) -> int:
    """Daily: charge every due date up to today, fanned out to the workers in ranges of case ids
    (idempotent: a rerun, a late run or a redelivered chunk creates exactly the missing charges;
    see cases/services/ledger_accrual.py). The run and one job per range commit together
    (``core.jobs``). Returns the run's id."""
    from datetime import date

    from cases.services.accrual_jobs import accrual_enqueue
    from cases.services.ledger_accrual import ACCRUAL_CHUNK

    day = date.fromisoformat(through) if through else timezone.localdate()
    return accrual_enqueue(through=day, chunk_size=chunk_size or ACCRUAL_CHUNK).pk


@shared_task(name="cases.accrue_chunk", bind=True, **LIMITS_CHUNK)
def accrue_chunk_task(self, run_id: int, low: int, high: int, job_id: int | None = None) -> dict | None:
    """One range of case ids of an accrual run (under a job lease: a killed worker's range is taken over)."""
    from cases.services.ledger_accrual import ledger_accrual_chunk

    def accrue(lease):
        run = ledger_accrual_chunk(run_id=run_id, low=low, high=high)
        return {"run": run.pk, "chunks_done": run.chunks_done, "finished": run.finished_at is not None}

    return run_leased(task=self, job_id=job_id, fn=accrue)


@shared_task(name="cases.sweep_disbursements", **LIMITS_RUN)
def sweep_disbursements_task() -> dict:
    """Daily: flag late family disbursements (and send them where the office disburses directly)."""
    from cases.services.ledger_accrual import ledger_run_disbursements

    return ledger_run_disbursements(on=timezone.localdate()).counts


@shared_task(name="cases.locate_due_sweep", **LIMITS_RUN)
def locate_due_sweep_task() -> int:
    """Daily: a work item for each unlocated case whose quarterly locate attempt is due
    (45 CFR 303.3(b)(3)); idempotent through the work item's dedupe key."""
    from .services import locate_due_sweep

    return locate_due_sweep()


@shared_task(name="cases.closure_notice_due_sweep", **LIMITS_RUN)
def closure_notice_due_sweep_task() -> int:
    """Daily: a "close or keep open" work item for each case whose notice of intent to close is due
    (45 CFR 303.11(d)(1)); idempotent through the work item's dedupe key."""
    from .services import closure_notice_due_sweep

    return closure_notice_due_sweep()

"""Cases Celery tasks: thin — load by id, call a service, idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="cases.accrue_charges")
def accrue_charges_task(through: str | None = None, chunk_size: int | None = None) -> int:
    """Daily: charge every due date up to today, fanned out to the workers in ranges of case ids
    (idempotent: a rerun, a late run or a redelivered chunk creates exactly the missing charges;
    see cases/services/ledger_accrual.py). Returns the run's id."""
    from datetime import date

    from django.db import transaction

    from cases.services.ledger_accrual import ACCRUAL_CHUNK, ledger_accrual_start

    day = date.fromisoformat(through) if through else timezone.localdate()
    with transaction.atomic():
        run, ranges = ledger_accrual_start(through=day, chunk_size=chunk_size or ACCRUAL_CHUNK)
        transaction.on_commit(lambda: [accrue_chunk_task.delay(run.pk, low, high) for low, high in ranges])
    return run.pk


@shared_task(name="cases.accrue_chunk")
def accrue_chunk_task(run_id: int, low: int, high: int) -> dict:
    """One range of case ids of an accrual run."""
    from cases.services.ledger_accrual import ledger_accrual_chunk

    run = ledger_accrual_chunk(run_id=run_id, low=low, high=high)
    return {"run": run.pk, "chunks_done": run.chunks_done, "finished": run.finished_at is not None}


@shared_task(name="cases.sweep_disbursements")
def sweep_disbursements_task() -> dict:
    """Daily: flag late family disbursements (and send them where the office disburses directly)."""
    from cases.services.ledger_accrual import ledger_run_disbursements

    return ledger_run_disbursements(on=timezone.localdate()).counts


@shared_task(name="cases.locate_due_sweep")
def locate_due_sweep_task() -> int:
    """Daily: a work item for each unlocated case whose quarterly locate attempt is due
    (45 CFR 303.3(b)(3)); idempotent through the work item's dedupe key."""
    from .services import locate_due_sweep

    return locate_due_sweep()

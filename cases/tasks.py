"""Cases Celery tasks: thin — load by id, call a service, idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="cases.accrue_charges")
def accrue_charges_task(through: str | None = None) -> dict:
    """Daily: charge every due date up to today (idempotent: a rerun or a late run creates exactly
    the missing charges; see cases/services/ledger_accrual.py)."""
    from datetime import date

    from cases.services.ledger_accrual import ledger_run_accrual

    day = date.fromisoformat(through) if through else timezone.localdate()
    return ledger_run_accrual(through=day).counts


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

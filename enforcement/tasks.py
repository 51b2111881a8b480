"""Enforcement Celery tasks: thin — load by id, call a service, idempotent.

Long tasks run under a job lease (``core.jobs.run_leased``): a worker killed mid-job is replaced by
another after the lease expires, and the job's effect happens once.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.jobs import LIMITS_CHUNK, LIMITS_FILE, LIMITS_RUN, run_leased

from .services.sweep import DEFAULT_CHUNK_SIZE, sweep_chunk_process


@shared_task(name="enforcement.tasks.nightly_sweep_task", **LIMITS_CHUNK)
def nightly_sweep_task(as_of: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Beat entry point: write the run, its chunks and one job per chunk (an outbox row each, sent to
    the workers after the commit)."""
    from .services.sweep_jobs import sweep_enqueue

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return sweep_enqueue(as_of=day, chunk_size=chunk_size, triggered_by="beat").pk


@shared_task(name="enforcement.tasks.sweep_chunk_task", bind=True, **LIMITS_CHUNK)
def sweep_chunk_task(self, chunk_id: int, job_id: int | None = None) -> dict | None:
    """One chunk; a chunk already done is skipped, so redelivery repeats nothing."""

    def run(lease):
        chunk = sweep_chunk_process(chunk_id=chunk_id, worker=lease.worker)
        return {"chunk": chunk.pk, "status": chunk.status, "proposed": chunk.proposed}

    return run_leased(task=self, job_id=job_id, fn=run)


@shared_task(name="enforcement.import_payment_file", bind=True, **LIMITS_FILE)
def import_payment_file(self, payment_file_id: int, job_id: int | None = None) -> str | None:
    """Import an uploaded employer payment file (a claimed file is never imported twice; a file whose
    worker died is taken over once its lease expired)."""
    from .services.payments import payment_file_import

    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: payment_file_import(payment_file_id=payment_file_id, resume=lease.takeover).status,
    )


@shared_task(name="enforcement.import_bank_statement", bind=True, **LIMITS_FILE)
def import_bank_statement(self, statement_id: int, job_id: int | None = None) -> str | None:
    """Import an uploaded BAI2 statement (a finished statement is left as it is)."""
    from .services.bank import bank_statement_import

    return run_leased(
        task=self, job_id=job_id, fn=lambda lease: bank_statement_import(statement_id=statement_id).status
    )


@shared_task(name="enforcement.export_disbursements", bind=True, **LIMITS_RUN)
def export_disbursements_task(self, on: str, by_id: int | None = None, job_id: int | None = None) -> dict | None:
    """Write the family disbursement file for ``on``: the file and the disbursements it marks sent
    commit together, so a killed export leaves nothing half-done and its take-over exports once."""
    from django.contrib.auth import get_user_model

    from .services import disbursements

    def run(lease):
        by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
        with transaction.atomic():
            return disbursements.disbursements_export(on=date.fromisoformat(on), by=by).as_dict()

    return run_leased(task=self, job_id=job_id, fn=run)


@shared_task(name="enforcement.tasks.withholding_orders_task", **LIMITS_RUN)
def withholding_orders_task(on: str | None = None) -> dict:
    """Beat (after the sweep): issue the income withholding orders the night's changes call for —
    originals for actions the sweep made active, amendments for changed orders, terminations for
    ended actions. Idempotent (``iwo_reconcile``: one original per action and employer, one
    successor per order), so a redelivered task issues nothing twice."""
    from .services.withholding import iwo_reconcile

    return iwo_reconcile(on=date.fromisoformat(on) if on else timezone.localdate())


@shared_task(name="enforcement.import_partner_file", bind=True, **LIMITS_FILE)
def import_partner_file(self, partner_file_id: int, job_id: int | None = None) -> str | None:
    """Import a received partner file (new hires, offset collections, FIDM, e-IWO acknowledgements):
    a claimed file is never imported twice; one whose worker died is taken over after its lease."""
    from .services.partner_files import partner_file_import

    return run_leased(
        task=self,
        job_id=job_id,
        fn=lambda lease: partner_file_import(partner_file_id=partner_file_id, resume=lease.takeover).status,
    )


@shared_task(name="enforcement.tasks.offset_joint_holds_release_task")
def offset_joint_holds_release_task() -> int:
    """Daily: release joint-return federal tax offsets whose hold ended (45 CFR 303.72(h))."""
    from .services.partner_kinds.offset import offset_joint_holds_release

    return offset_joint_holds_release()

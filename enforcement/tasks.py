"""Enforcement Celery tasks: thin — load by id, call a service, idempotent."""

from __future__ import annotations

import socket
from datetime import date

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .services.sweep import DEFAULT_CHUNK_SIZE, sweep_chunk_process, sweep_start


@shared_task(name="enforcement.tasks.nightly_sweep_task")
def nightly_sweep_task(as_of: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Beat entry point: write the run and its chunks, then fan the chunks out to the workers."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    with transaction.atomic():
        run = sweep_start(as_of=day, chunk_size=chunk_size, triggered_by="beat")
        chunk_ids = list(run.chunks.order_by("low").values_list("id", flat=True))
        transaction.on_commit(lambda: [sweep_chunk_task.delay(chunk_id) for chunk_id in chunk_ids])
    return run.pk


@shared_task(name="enforcement.tasks.sweep_chunk_task")
def sweep_chunk_task(chunk_id: int) -> dict:
    """One chunk; a chunk already done is skipped, so redelivery repeats nothing."""
    chunk = sweep_chunk_process(chunk_id=chunk_id, worker=f"{socket.gethostname()}")
    return {"chunk": chunk.pk, "status": chunk.status, "proposed": chunk.proposed}


@shared_task(name="enforcement.import_payment_file")
def import_payment_file(payment_file_id: int) -> str:
    """Import an uploaded employer payment file (a claimed file is never imported twice)."""
    from .services.payments import payment_file_import

    return payment_file_import(payment_file_id=payment_file_id).status


@shared_task(name="enforcement.import_bank_statement")
def import_bank_statement(statement_id: int) -> str:
    """Import an uploaded BAI2 statement (a finished statement is left as it is)."""
    from .services.bank import bank_statement_import

    return bank_statement_import(statement_id=statement_id).status

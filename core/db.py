"""Database helpers that are not a model's business."""

from __future__ import annotations

from django.db import connection


def tables_analyze(*models) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Until autovacuum gets to it, a table filled inside the running transaction is planned as if it
    were nearly empty, and the set-based statements that follow a load (accrual, balance refresh)
    then pick nested loops that grow with the square of the rows. ``ANALYZE`` samples the rows this
    transaction wrote, so the next statement is planned for what is there. SQLite needs nothing.
    """
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def advisory_xact_lock(name: str) -> None:
    """Serialise a job's critical section across processes until the transaction ends
    (PostgreSQL ``pg_advisory_xact_lock``; SQLite has a single writer and needs nothing)."""
    if connection.vendor != "postgresql":
        return
    import zlib

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])

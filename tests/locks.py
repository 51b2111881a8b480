"""Concurrency tests' one question to PostgreSQL: is any session waiting for a lock? A test that
holds a transaction open at a chosen point polls it until the other thread is blocked (or done),
instead of sleeping for a guessed time."""

from __future__ import annotations

from django.db import connection


def someone_waits_on_a_lock() -> bool:
    """Whether any session of the server waits for a lock it asked for (``pg_locks``, not granted)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0

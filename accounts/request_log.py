"""The partner API's request log, written in batches (issue 17.3).

A successful read (GET/HEAD answered below 400) is the bulk of the API's traffic: one INSERT per
such request cost as much as serving the page of rows. Those rows wait in a per-process buffer
and go in with one multi-row INSERT when the buffer holds ``CASEWORKS_API_LOG_BATCH`` rows, when
its oldest row is ``CASEWORKS_API_LOG_FLUSH_SECONDS`` old (checked on the next request), and
when the process exits. Every other row — a write, a denial (401/403/429), an error — is written
on the request path, after the buffer, so the log keeps the order requests were answered in.
Audit, access-denial and sensitive-read rows (``core.services.access_log_record``) are not
touched by this: they stay synchronous.

``CASEWORKS_API_LOG_BATCH = 1`` writes every row at once (the previous behaviour). A crash of
the process can lose at most the buffer (up to a batch of successful reads; never a write or a
denial).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time

from django.conf import settings
from django.db import DatabaseError

_lock = threading.Lock()
_rows: list = []
_oldest = 0.0
READ_METHODS = ("GET", "HEAD")


def _batch() -> int:
    return max(1, int(settings.CASEWORKS_API_LOG_BATCH))


def _flush_seconds() -> float:
    return float(settings.CASEWORKS_API_LOG_FLUSH_SECONDS)


FIELDS = ("at", "agency_id", "key_prefix", "method", "path", "status_code", "ip_address")


def request_log_add(**values) -> None:
    """Record one API request (``FIELDS``; ``at`` is when it was answered, kept as given)."""
    global _oldest
    row = tuple(values[name] for name in FIELDS)
    buffered = values["method"] in READ_METHODS and values["status_code"] < 400 and _batch() > 1
    with _lock:
        if buffered:
            if not _rows:
                _oldest = time.monotonic()
            _rows.append(row)
            due = len(_rows) >= _batch() or time.monotonic() - _oldest >= _flush_seconds()
            rows = _take() if due else []
        else:
            rows = [*_take(), row]
    _write(rows)


def request_log_flush() -> int:
    """Write what the buffer holds now (process exit, tests, management commands)."""
    with _lock:
        rows = _take()
    _write(rows)
    return len(rows)


def _take() -> list:
    rows = list(_rows)
    _rows.clear()
    return rows


def _write(rows: list) -> None:
    if not rows:
        return
    from core.db import rows_insert

    from .models import ApiRequestLog

    rows_insert(ApiRequestLog, FIELDS, rows)  # one statement; ``at`` as recorded (bulk_create would reset it)


def _flush_at_exit() -> None:
    with contextlib.suppress(DatabaseError):  # the database is gone at shutdown: nothing more to do
        request_log_flush()


atexit.register(_flush_at_exit)

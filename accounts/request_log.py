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

Calls that no valid key made (no key, an unknown or malformed one, a real key refused) get no row
each: anyone can make them, and the keys' throttle cannot count them. ``request_tally_add``
counts them per client (``core.throttle.client_key``: an IPv6 address by its /64), minute, refused
key prefix and status in ``ApiRequestTally``: the first of a client in a minute is written at once
(an administrator sees the client as soon as it is refused), the rest are counted in this
process and added to that row (``count = count + n``, one statement for all clients) once
``CASEWORKS_API_LOG_FLUSH_SECONDS`` have passed since the last addition (checked on the next API
request), by ``request_log_flush`` and at exit. A flood of N such calls from one client writes one
row a minute and, per process, about one statement every few seconds; from many clients, at most
``TALLY_ROWS_A_MINUTE`` new rows a minute per process, the clients beyond them counted together
on the row of client ``OTHERS`` (one per status and refused key). A crash can lose the counts of
those seconds, never a client's row.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Field
from django.utils import timezone

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
        counts = _tallies_take() if _tallies_due() else []
    _write(rows)
    _tally_write(counts)


def request_log_flush() -> int:
    """Write what the buffer holds now, and add the counts waiting to their ``ApiRequestTally``
    rows (process exit, tests, management commands). Returns the rows written or added to."""
    with _lock:
        rows = _take()
        counts = _tallies_take()
    _write(rows)
    _tally_write(counts)
    return len(rows) + len(counts)


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


# Calls without a valid key: counted per client and minute (ApiRequestTally) ---------------------

TALLY_FIELDS = (
    "minute",
    "client",
    "key_prefix",
    "status_code",
    "agency_id",
    "count",
    "first_at",
    "last_at",
    "method",
    "path",
    "ip_address",
)
TALLY_KEY = TALLY_FIELDS[:4]  # the row's unique constraint (accounts_apirequesttally_per_minute)
# Rows one process starts in a minute: beyond them (a flood from many addresses, e.g. the /64s of
# one /48) the calls of new clients are counted on one row for them all, client OTHERS, so the rows
# a minute and this process's memory stay bounded whatever the number of addresses.
TALLY_ROWS_A_MINUTE = 1_000
OTHERS = "others"


@dataclass
class _Tally:
    first: tuple  # the TALLY_FIELDS of the first call counted here (count 1)
    waiting: int = 0  # calls counted since the row was last written
    last_at: datetime | None = None


_tallies: dict[tuple, _Tally] = {}
_tallies_started: dict[datetime, int] = {}  # rows started by this process, per minute
_tallies_written = time.monotonic()


def request_tally_add(
    *,
    client: str,
    key_prefix: str,
    agency_id: int | None,
    method: str,
    path: str,
    status_code: int,
    ip_address: str | None,
    at: datetime,
) -> None:
    """Count one API call that no valid key made (``key_prefix``/``agency_id``: a real key that was
    refused, else blank/None): written at once if it is the client's first of the minute in this
    process, else added to the row later (module docstring)."""
    minute = at.replace(second=0, microsecond=0)
    ident = (minute, client, key_prefix, status_code)
    with _lock:
        tally = _tallies.get(ident)
        if tally is None and _tallies_started.get(minute, 0) >= TALLY_ROWS_A_MINUTE:
            ident = (minute, OTHERS, key_prefix, status_code)
            tally = _tallies.get(ident)
        if tally is None:
            first = (*ident, agency_id, 1, at, at, method, path, ip_address)
            _tallies[ident] = _Tally(first=first)
            _tallies_started[minute] = _tallies_started.get(minute, 0) + 1
            now = [first]
        else:
            tally.waiting += 1
            tally.last_at = at if tally.last_at is None else max(tally.last_at, at)
            now = []
        counts = _tallies_take() if _tallies_due() else []
    _tally_write([*now, *counts])


def _tallies_due() -> bool:
    return bool(_tallies) and time.monotonic() - _tallies_written >= _flush_seconds()


def _tallies_take() -> list[tuple]:
    """The counts waiting, as rows to add (under ``_lock``); entries of past minutes are forgotten."""
    global _tallies_written
    rows = []
    for tally in _tallies.values():
        if tally.waiting:
            first = tally.first
            rows.append((*first[:5], tally.waiting, first[6], tally.last_at, *first[8:]))
            tally.waiting = 0
    current = timezone.now().replace(second=0, microsecond=0)
    for ident in [ident for ident in _tallies if ident[0] < current]:
        del _tallies[ident]
    for minute in [minute for minute in _tallies_started if minute < current]:
        del _tallies_started[minute]
    _tallies_written = time.monotonic()
    return rows


def _tally_write(rows: list[tuple]) -> None:
    """Insert each row, or add its count to the row already there (another process's, or this
    one's written earlier): ``INSERT ... ON CONFLICT DO UPDATE``, PostgreSQL and SQLite alike."""
    if not rows:
        return
    from .models import ApiRequestTally

    meta = ApiRequestTally._meta
    fields: list[Field] = [cast(Field, meta.get_field(name)) for name in TALLY_FIELDS]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = ", ".join(quote(field.column) for field in fields[: len(TALLY_KEY)])
    count, last_at = quote("count"), quote("last_at")
    add = (
        f"ON CONFLICT ({conflict}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}, "
        f"{last_at} = CASE WHEN EXCLUDED.{last_at} > {table}.{last_at} THEN EXCLUDED.{last_at} ELSE {table}.{last_at} END"
    )
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    step = 500 // len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            values = ", ".join([placeholders] * len(chunk))
            params = [
                field.get_db_prep_value(value, connection)
                for row in chunk
                for field, value in zip(fields, row, strict=True)
            ]
            # Only table and column names are in the text; the values are parameters.
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} {add}", params)  # noqa: S608


def _flush_at_exit() -> None:
    with contextlib.suppress(DatabaseError):  # the database is gone at shutdown: nothing more to do
        request_log_flush()


atexit.register(_flush_at_exit)

"""The bench process as the app's processes run, and CPU seconds for figures on a shared machine.

``served_process()``: a bench measures what a web or worker process does, so after Django's
set-up it freezes the start-up objects as they do (``core.startup.startup_freeze``; written out
here so an older checkout measured with this bench does the same).

Wall times swing with whatever else runs on the machine; CPU seconds much less. ``cpu_seconds()``
is this process's CPU time plus that of its PostgreSQL backend (read from ``/proc``, so only when
the server runs on this machine), and ``cpu_note`` prints the rate per CPU-second beside a wall time.
"""

from __future__ import annotations

import gc
import os
import time

from django.db import connection


def served_process() -> None:
    gc.collect()
    gc.freeze()


def cpu_seconds() -> float | None:
    """CPU seconds of this process and of its PostgreSQL backend (None when the backend's /proc
    entry cannot be read: another machine, or SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_note(start: float | None, count: int, unit: str) -> str:
    """``; CPU 1.23 s = 2,439 <unit>/cpu-s`` since ``start`` (empty when CPU cannot be read)."""
    end = cpu_seconds()
    if start is None or end is None:
        return ""
    spent = end - start
    return f"; CPU {spent:.2f} s = {count / spent:,.0f} {unit}/cpu-s" if spent > 0 else ""

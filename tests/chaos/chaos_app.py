"""The Celery app of the chaos tests' worker subprocesses: the project's app, its jobs watchdog
scheduled every second (embedded beat), and, when ``CHAOS_PAUSE`` names a point (or ``all``), a
pause inside that job's transaction: the worker writes ``CHAOS_MARK`` and waits to be killed with -9.

    celery -A tests.chaos.chaos_app worker --pool=solo -B ...
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from config.celery import app  # noqa: E402

# Where each job is paused: after this function returned, still inside the job's transaction.
POINTS = {
    "payment_import": ("enforcement.services.payments", "collections_post_batch"),
    "accrual_chunk": ("cases.services.ledger_accrual", "charges_accrue"),
    "sweep_chunk": ("enforcement.services.sweep", "_sweep_range"),
    "disbursement_export": ("enforcement.services.disbursements", "disbursements_export"),
}

# The worker that takes killed jobs over listens on its own queue (CHAOS_QUEUE), so the workers that
# are to be killed never receive what its watchdog re-sends.
if os.environ.get("CHAOS_QUEUE"):
    app.conf.task_default_queue = os.environ["CHAOS_QUEUE"]

# The tests' watchdog period (seconds); without it, the database schedule of the watchdog
# (CASEWORKS_JOB_WATCHDOG_SECONDS when created) is what beat runs, as in production (bench/).
# Only the watchdog, from beat's own in-memory scheduler: the database scheduler also runs the
# office's schedules synced into the test database. Once (CI at 06:10 UTC, just after the nightly
# accrual's 01:00 in the office's time zone) a second accrual run appeared beside the one under test.
if os.environ.get("CHAOS_WATCHDOG"):
    app.conf.beat_scheduler = "celery.beat:PersistentScheduler"
    app.conf.beat_schedule = {
        "jobs-watchdog": {"task": "core.jobs_watchdog", "schedule": float(os.environ["CHAOS_WATCHDOG"])},
    }


def _pause_at(point: str, mark: Path) -> None:
    """After ``point`` returns (inside its job's transaction), write ``mark`` and wait to be killed."""
    module_name, name = POINTS[point]
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        mark.write_text(str(os.getpid()))
        time.sleep(600)  # killed here
        return result

    setattr(module, name, paused)


if os.environ.get("CHAOS_PAUSE"):
    for _point in POINTS if os.environ["CHAOS_PAUSE"] == "all" else [os.environ["CHAOS_PAUSE"]]:
        _pause_at(_point, Path(os.environ["CHAOS_MARK"]))

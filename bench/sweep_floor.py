"""The enforcement sweep of the whole office in this process, first and repeat, each beside its SQL
floor on the same state: wall and CPU seconds (this process and its PostgreSQL backend).

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_x \\
        nice .venv/bin/python bench/sweep_floor.py

On a generated office (``bench/cases_generate.py``; copy a pristine database for runs to be
compared: the first sweep writes its actions). Before each sweep ``bench/sql_floor/sweep.sql`` runs
in a transaction rolled back (``bench/nightly.py``'s ``floor``), then again followed by
``SET CONSTRAINTS ALL IMMEDIATE``: the deferred foreign-key checks a commit runs and the rollback
skips ("floor + FK"). Then ``sweep_run_inline`` (every chunk, one after the other, as one worker
does). Where ``bench/nightly.py`` times the step through the Celery workers and counts their
Python only, this counts the database's CPU too, which is most of it. Prints figures; not a test.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench.nightly as nightly  # noqa: E402  (sets Django up)
from bench._cpu import cpu_seconds  # noqa: E402


def main() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from cases.ledger_dates import next_month
    from enforcement.models import EnforcementAction
    from enforcement.services.sweep import sweep_run_inline

    as_of = next_month(timezone.localdate())
    params = {"as_of": as_of, "action_type": ContentType.objects.get_for_model(EnforcementAction).pk}
    with tempfile.TemporaryDirectory() as tmp:
        checked = Path(tmp) / "sweep_fk.sql"
        checked.write_text((nightly.FLOORS / "sweep.sql").read_text() + "\nSET CONSTRAINTS ALL IMMEDIATE;\n")
        for label in ("first", "repeat"):
            floor = nightly.floor("sweep", setup=nightly.sweep_rules_load, **params)
            saved, nightly.FLOORS = nightly.FLOORS, Path(tmp)
            try:
                with_fk = nightly.floor("sweep_fk", setup=nightly.sweep_rules_load, **params)
            finally:
                nightly.FLOORS = saved
            cpu, started = cpu_seconds(), time.perf_counter()
            run = sweep_run_inline(as_of=as_of, triggered_by="bench")
            wall, cpu = time.perf_counter() - started, (cpu_seconds() or 0) - (cpu or 0)
            print(
                f"{label:6}: sweep {wall:6.2f} s wall {cpu:6.2f} s CPU ({run.proposed} proposed, {run.chunk_count}"
                f" chunks) | floor {floor.wall:6.2f} s {floor.cpu:6.2f} s CPU | floor + FK {with_fk.wall:6.2f} s"
                f" {with_fk.cpu:6.2f} s CPU | CPU ratio {cpu / floor.cpu:4.2f}, with FK {cpu / with_fk.cpu:4.2f}"
            )


if __name__ == "__main__":
    main()

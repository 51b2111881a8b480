"""Benchmark: the time from ``kill -9`` of a worker in the middle of a job to that job's completion
by another worker, with the lease and watchdog settings in force (the defaults unless set).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_jobs CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/job_takeover.py [--entries 2000] [--runs 1]

A payment file of ``--entries`` entries is uploaded as a job; one worker (tests/chaos/chaos_app.py)
stops inside the import's transaction and is killed with SIGKILL; a second worker, running beat with
the database schedule of the jobs watchdog, takes the expired lease over. Prints the lease, the
watchdog period and, per run, seconds from the kill to the job being done (and the expected bound:
lease + watchdog period + the import itself).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"


def worker(tmp: Path, name: str, *, pause: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "CHAOS_PAUSE": "payment_import" if pause else "",
        "CHAOS_MARK": str(tmp / f"{name}.mark"),
        "CHAOS_QUEUE": "" if pause else "bench-takeover",
    }
    env.pop("CHAOS_WATCHDOG", None)
    beat = [] if pause else ["-B", "-s", str(tmp / f"{name}.beat")]
    return subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.chaos.chaos_app",
            "worker",
            "--pool=solo",
            *beat,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=(tmp / f"{name}.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait(check, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


def one_run(tmp: Path, entries: int, n: int) -> float:
    from django.db import transaction

    from core.jobs import job_enqueue
    from core.models import Job, JobStatus
    from enforcement.choices import FileVia
    from enforcement.services.payments import payment_file_receive
    from tests.enforcement.nacha_files import ded_entry, payment_file

    company = f"1{int(time.time() * 1000) % 10**9:09d}"  # new content every run: not a duplicate
    paid = date.today() - timedelta(days=1)
    text = payment_file(
        [ded_entry(f"NY-BENCH-{n}-{i}", "10.00", pay_date=paid) for i in range(entries)],
        company_id=company,
        effective=date.today(),
        created=datetime.now(),
    )
    victim, rescuer = worker(tmp, f"victim{n}", pause=True), worker(tmp, f"rescuer{n}", pause=False)
    try:
        with transaction.atomic():
            row = payment_file_receive(name="bench.ach", content=text.encode(), via=FileVia.UPLOAD)
            job = job_enqueue(task="enforcement.import_payment_file", args=[row.pk], key=f"bench:{row.pk}")
        job.refresh_from_db()
        if job.status != JobStatus.SENT:
            raise SystemExit(f"the job was not sent: {job.status} {job.send_error}")
        wait((tmp / f"victim{n}.mark").exists, "the victim to stop inside the import")
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        wait(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(), "the take-over")
        seconds = time.monotonic() - killed_at
        job.refresh_from_db()
        row.refresh_from_db()
        assert job.attempts == 2 and row.status == "imported" and row.entries == entries, (job.attempts, row.status)
        return seconds
    finally:
        for process in (victim, rescuer):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django_celery_beat.models import PeriodicTask

    watchdog = PeriodicTask.objects.get(task="core.jobs_watchdog")
    lease = settings.CASEWORKS_JOB_LEASE_SECONDS
    print(
        f"lease {lease} s (heartbeat every {lease / 3:.0f} s), watchdog every {watchdog.interval.every} s "
        f"(schedule '{watchdog.name}'), payment file of {args.entries} entries"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            seconds = one_run(Path(tmp), args.entries, n)
            print(
                f"run {n + 1}: kill -9 -> job done by another worker in {seconds:.1f} s "
                f"(bound: lease {lease} + watchdog {watchdog.interval.every} + the import)"
            )


if __name__ == "__main__":
    main()

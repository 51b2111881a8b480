"""The office's nightly cycle through the real Celery fan-out, beside hand-written SQL floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_scale CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \
        nice .venv/bin/python bench/nightly.py --cases 20000 --workers 1 2

On the generated office (``--cases``: generated first with ``generate_office`` when the database
has fewer cases), for each worker count it starts that many real ``celery worker`` processes
(solo pool: one task at a time each) on the broker and runs, one after the other, what the office runs each
night: the month's accrual on a roll night (``cases.accrue_charges`` fanned out in
``cases.accrue_chunk`` tasks; each worker count accrues a further month, so each does a full
roll), the enforcement sweep first and repeated (``enforcement.tasks.nightly_sweep_task`` and its
chunk tasks), the disbursement export (``enforcement.export_disbursements``) and the measure
snapshot (``quality.tasks.snapshot_task``), each enqueued through ``core.jobs`` as beat does and
timed until its run row is finished. Then each step's SQL floor (``bench/sql_floor/*.sql``, the
same rows by hand-written set-based SQL, run in a transaction rolled back) and the ratio. The
broker database (redis db 8 by default) is flushed of this bench's queue only. Prints figures;
not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

FLOORS = BASE / "bench" / "sql_floor"


def start_workers(n: int, tag: str) -> list[subprocess.Popen]:
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "PYTHONUNBUFFERED": "1"}
    procs = []
    for i in range(n):
        log = open(BASE / ".local" / f"nightly-worker-{tag}-{i}.log", "w")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",  # one task at a time each
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    f"nightly{tag}{i}@%h",
                    "--loglevel=WARNING",
                ],
                cwd=BASE,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    from config.celery import app

    deadline = time.time() + 300
    while time.time() < deadline:  # until every worker answers a ping (a loaded host boots slowly)
        if len(app.control.ping(timeout=2) or []) >= n:
            break
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for(check, timeout: float = 3600) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the step did not finish")
        time.sleep(0.5)
    return time.perf_counter() - started


def floor(name: str, **params) -> float:
    sql = (FLOORS / f"{name}.sql").read_text()
    statements = [
        s
        for s in sql.split(";\n")
        if s.strip() and not all(line.strip().startswith("--") or not line.strip() for line in s.splitlines())
    ]
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL caseworks.ledger_writer = 'on'")
            for statement in statements:
                cursor.execute(statement, params)
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started


class _Rollback(Exception):
    pass


def step_accrual(through: date) -> float:
    from cases.models import LedgerRun
    from cases.services.accrual_jobs import accrual_enqueue

    started = time.perf_counter()
    with transaction.atomic():
        run = accrual_enqueue(through=through)
    wait_for(lambda: LedgerRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists())
    run.refresh_from_db()
    print(
        f"    accrual through {through}: {run.counts.get('charges')} charges, {run.counts.get('rolled')} rolled, "
        f"{run.chunk_count} chunks{' — ERRORS ' + run.error[:200] if run.error else ''}"
    )
    return time.perf_counter() - started


def step_sweep(as_of: date, label: str) -> float:
    from enforcement.models import SweepRun
    from enforcement.services.sweep_jobs import sweep_enqueue

    started = time.perf_counter()
    with transaction.atomic():
        run = sweep_enqueue(as_of=as_of, triggered_by="bench")
    wait_for(lambda: SweepRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists())
    run.refresh_from_db()
    print(f"    sweep ({label}) as of {as_of}: status {run.status}, proposed {getattr(run, 'proposed', '?')}")
    return time.perf_counter() - started


def step_job(task: str, **kwargs) -> float:
    from core.jobs import job_enqueue
    from core.models import Job

    started = time.perf_counter()
    with transaction.atomic():
        job = job_enqueue(task=task, kwargs=kwargs)
    wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=("done", "failed")).exists())
    job.refresh_from_db()
    print(f"    {task}: {job.status} {str(job.result)[:120]}")
    return time.perf_counter() - started


def ensure_bank_account() -> None:
    from enforcement.choices import BankAccountPurpose
    from enforcement.models import BankAccount

    BankAccount.objects.get_or_create(
        account_number="BENCH-NIGHTLY-1",
        defaults={
            "name": "Disbursements (bench)",
            "routing_number": "021000021",
            "purpose": BankAccountPurpose.DISBURSEMENTS,
        },
    )
    # Generated families have no direct-deposit account: the debit card program takes them all, so
    # the export writes one entry per pending disbursement (as the floor marks every one sent).
    BankAccount.objects.get_or_create(
        account_number="BENCH-NIGHTLY-CARD",
        defaults={
            "name": "Debit card program (bench)",
            "routing_number": "021000021",
            "purpose": BankAccountPurpose.CARD_PROGRAM,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from cases.ledger_dates import next_month
    from cases.models import Case

    have = Case.objects.count()
    if have < args.cases:
        from django.core.management import call_command

        call_command("generate_office", cases=args.cases - have, seed=args.seed)
    ensure_bank_account()
    (BASE / ".local").mkdir(exist_ok=True)
    today = timezone.localdate()
    roll = next_month(today)
    totals = {}
    for workers in args.workers:
        print(f"{Case.objects.count()} cases, {workers} worker(s):")
        procs = start_workers(workers, str(workers))
        try:
            steps = {
                "accrual (roll night)": step_accrual(roll),
                "sweep first": step_sweep(roll, "first"),
                "sweep repeat": step_sweep(roll, "repeat"),
                "disbursement export": step_job("enforcement.export_disbursements", on=roll.isoformat()),
                "measure snapshot": step_job("quality.tasks.snapshot_task", taken_on=roll.isoformat()),
            }
        finally:
            stop_workers(procs)
        totals[workers] = steps
        roll = next_month(roll) + timedelta(days=0)
    floors = {
        "accrual (roll night)": floor("accrual", through=next_month(roll)),
        "sweep first": floor("sweep"),
        "sweep repeat": floor("sweep"),
        "disbursement export": floor("disbursement_export", on=roll),
        "measure snapshot": floor("snapshot", on=roll),
    }
    print(f"\n{'step':24} " + " ".join(f"{w} worker(s) s  ratio" for w in totals) + "   SQL floor s")
    for name, floor_s in floors.items():
        cells = " ".join(f"{totals[w][name]:14.1f} {totals[w][name] / floor_s:6.1f}" for w in totals)
        print(f"{name:24} {cells}   {floor_s:10.1f}")
    print(
        f"{'total':24} "
        + " ".join(f"{sum(totals[w].values()):14.1f}       " for w in totals)
        + f"   {sum(floors.values()):10.1f}"
    )


if __name__ == "__main__":
    main()

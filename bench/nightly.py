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
timed until its run row is finished.

Before each step its SQL floor runs on the state the step starts from: ``bench/sql_floor/<step>.sql``,
the same rows written by hand-written set-based SQL (each file says what it leaves out), in a
transaction rolled back. The table gives, per worker count, each step's wall time, its floor's and
the ratio, and CPU seconds: the step's Python (the worker processes; not their PostgreSQL
backends, which Celery ends with each task's connection) and the floor's (this process and its
backend, nearly all of it the database's). Each run advances
the office by a month: copy a pristine database (``CREATE DATABASE x TEMPLATE y``) for runs to be
compared; and the later worker counts find no new disbursement to export (nothing is collected
between rounds): for a worker count's export figure, run it alone on a fresh copy. Nothing is
flushed from the broker: give it a Redis database (db 8 by default) no other worker listens on.
Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
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

from bench._cpu import cpu_seconds  # noqa: E402

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
        time.sleep(0.05)  # a step of a second or two is not rounded up by half a second
    return time.perf_counter() - started


@dataclass
class Timing:
    wall: float
    cpu: float | None  # None when it cannot be read


def floor(name: str, *, setup=None, **params) -> Timing:
    """Run ``bench/sql_floor/<name>.sql`` in a transaction rolled back (``setup(cursor, **params)``
    first, inside it and timed: what the step reads in Python before its SQL), with the foreign-key
    checks of a commit run before the rollback."""
    sql = (FLOORS / f"{name}.sql").read_text()
    statements = [
        s
        for s in sql.split(";\n")
        if s.strip() and not all(line.strip().startswith("--") or not line.strip() for line in s.splitlines())
    ]
    cpu = cpu_seconds()
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL caseworks.ledger_writer = 'on'")
            if setup is not None:
                setup(cursor, **params)
            for statement in statements:
                cursor.execute(statement, params)
            # The deferred foreign-key checks the step's commit runs (Django's constraints are
            # DEFERRABLE INITIALLY DEFERRED), which a rollback alone would skip.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raise _Rollback
    except _Rollback:
        pass
    wall = time.perf_counter() - started
    end = cpu_seconds()
    return Timing(wall, None if cpu is None or end is None else end - cpu)


def sweep_rules_load(cursor, *, as_of: date, **_) -> None:
    """The rules the sweep applies on ``as_of`` (``sweep_floor_rule``, dropped at the rollback): each
    enabled version in effect made the stricter of the office's and the law's thresholds, as
    ``enforcement.services.sweep._sweep_range`` reads them, with what its proposals and events write."""
    from enforcement.legal_floors import rule_under_law
    from enforcement.models import RemedyRule
    from enforcement.services.sweep import action_timeframe_days, arrears_based

    rows = []
    for office_rule in RemedyRule.objects.in_effect(as_of).filter(enabled=True):
        rule = rule_under_law(office_rule, on=as_of)
        rows.append(
            (
                rule.pk,
                rule.remedy,
                rule.jurisdiction,
                rule.version,
                rule.partner,
                arrears_based(rule),
                rule.requires_delinquency,
                rule.arrears_min,
                rule.arrears_comparison,
                rule.assigned_arrears_min,
                rule.unassigned_arrears_min,
                rule.aggregate_by_ncp,
                rule.months_min,
                rule.months_comparison,
                rule.days_past_due_min,
                rule.days_comparison,
                rule.requires_employer,
                rule.requires_bank_match,
                action_timeframe_days(rule, as_of),
                rule.threshold_text(),
                rule.get_remedy_display(),
                rule.citation,
            )
        )
    cursor.execute(
        "CREATE TEMPORARY TABLE sweep_floor_rule (rule_id bigint, remedy text, jurisdiction text, version int,"
        " partner text, arrears_based bool, requires_delinquency bool, arrears_min numeric, arrears_comparison text,"
        " assigned_arrears_min numeric, unassigned_arrears_min numeric, aggregate_by_ncp bool, months_min numeric,"
        " months_comparison text, days_past_due_min int, days_comparison text, requires_employer bool,"
        " requires_bank_match bool, action_days int, threshold_text text, remedy_label text, citation text)"
        " ON COMMIT DROP"
    )
    cursor.executemany(f"INSERT INTO sweep_floor_rule VALUES ({', '.join(['%s'] * 22)})", rows)


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
    # the export writes one entry per pending disbursement (as the floor marks every one sent). Its
    # number goes in each entry's DFI account field, 17 characters at most (NACHA): an earlier
    # "BENCH-NIGHTLY-CARD" (18) had the export skip every payee, so a database set up with it is
    # given this number.
    BankAccount.objects.update_or_create(
        name="Debit card program (bench)",
        purpose=BankAccountPurpose.CARD_PROGRAM,
        defaults={"account_number": "4000123456789", "routing_number": "021000021"},
    )


def export_file_params(on: date, source, card, *, reference: str = "DX-FLOOR", created=None) -> dict:
    """What the export floor writes its NACHA file with besides the rows: the file header and batch
    header records (constant for the night: written by the app's writer, as the export writes them
    for ``reference``), the office's ACH company id and the debit card program's account number."""
    from django.conf import settings

    from enforcement.nacha import BatchSpec, build_file

    company_id, company_name = settings.CASEWORKS_ACH_COMPANY_ID, settings.CASEWORKS_ACH_COMPANY_NAME
    heads = build_file(
        destination=source.routing_number,
        origin=company_id,
        destination_name=source.name,
        origin_name=company_name,
        created=created or timezone.localtime(),
        reference_code=reference[-8:],
        batches=[
            BatchSpec(
                company_name=company_name,
                company_id=company_id,
                sec_code="PPD",
                entry_description="CHILD SUPP",
                effective_date=on,
                odfi=source.routing_number[:8],
                entries=[],
            )
        ],
    ).split("\n")
    return {
        "file_header": heads[0],
        "batch_header": heads[1],
        "company_id": company_id,
        "odfi": source.routing_number[:8],
        "card_routing": card.routing_number,
        "card_account": card.account_number,
    }


def snapshot_params(taken_on: date) -> dict:
    """What ``snapshot_take`` works out before its queries: the fiscal year to date and the day
    limits of the timeframes in force at its end."""
    from core.legal import legal_parameter
    from quality.fiscal import fiscal_year_bounds, fiscal_year_end, fiscal_year_of

    fiscal_year = fiscal_year_of(taken_on)
    start, end = fiscal_year_bounds(fiscal_year)
    tf_end = min(end, taken_on)

    def days(key: str) -> int:
        return int(legal_parameter(f"us.timeframe.{key}_days", jurisdiction="US", on=tf_end))

    return {
        "taken_on": taken_on,
        "fiscal_year": fiscal_year,
        "start": start,
        "end": end,
        "prev_end": fiscal_year_end(fiscal_year - 1),
        "tf_end": tf_end,
        "opening_days": days("case_opening"),
        "locate_days": days("locate"),
        "establishment_days": days("establishment"),
    }


def _proc_cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_cpu(procs: list[subprocess.Popen]) -> float | None:
    """CPU seconds the worker processes have used so far (None where /proc cannot be read). Their
    PostgreSQL backends are not in it: Celery closes a worker's connection after each task, and
    the backend's CPU goes with it."""
    total = 0.0
    for proc in procs:
        cpu = _proc_cpu(proc.pid)
        if cpu is None:
            return None
        total += cpu
    return total


def timed(procs: list[subprocess.Popen], step) -> Timing:
    before = worker_cpu(procs)
    wall = step()
    after = worker_cpu(procs)
    return Timing(wall, None if before is None or after is None else after - before)


def night(procs: list[subprocess.Popen], roll: date) -> dict[str, tuple[Timing, Timing]]:
    """The night's steps in order, each after its floor on the same state: name → (step, floor)."""
    from django.contrib.contenttypes.models import ContentType

    from enforcement.choices import BankAccountPurpose
    from enforcement.models import BankAccount, EnforcementAction

    action_type = ContentType.objects.get_for_model(EnforcementAction).pk
    source = BankAccount.objects.get(purpose=BankAccountPurpose.DISBURSEMENTS, account_number="BENCH-NIGHTLY-1")
    card = BankAccount.objects.get(purpose=BankAccountPurpose.CARD_PROGRAM, name="Debit card program (bench)")
    on = roll.isoformat()
    plan = [
        ("accrual (roll night)", lambda: floor("accrual", through=roll), lambda: step_accrual(roll)),
        (
            "sweep first",
            lambda: floor("sweep", setup=sweep_rules_load, as_of=roll, action_type=action_type),
            lambda: step_sweep(roll, "first"),
        ),
        (
            "sweep repeat",
            lambda: floor("sweep", setup=sweep_rules_load, as_of=roll, action_type=action_type),
            lambda: step_sweep(roll, "repeat"),
        ),
        (
            "disbursement export",
            lambda: floor("disbursement_export", on=roll, **export_file_params(roll, source, card)),
            lambda: step_job("enforcement.export_disbursements", on=on),
        ),
        (
            "measure snapshot",
            lambda: floor("snapshot", **snapshot_params(roll)),
            lambda: step_job("quality.tasks.snapshot_task", taken_on=on),
        ),
    ]
    out = {}
    for name, floor_run, step in plan:
        floor_timing = floor_run()
        out[name] = (timed(procs, step), floor_timing)
    return out


def _cpu(value: float | None) -> str:
    return "     -" if value is None else f"{value:6.1f}"


def table(results: dict[int, dict[str, tuple[Timing, Timing]]]) -> None:
    print(
        f"\n{'step':22}" + "".join(f" | {w} worker(s): step s  floor s  ratio  cpu py step  cpu floor" for w in results)
    )
    names = next(iter(results.values())).keys()
    for name in [*names, "total"]:
        cells = []
        for per in results.values():
            if name == "total":
                step = Timing(sum(s.wall for s, _ in per.values()), _sum(s.cpu for s, _ in per.values()))
                fl = Timing(sum(f.wall for _, f in per.values()), _sum(f.cpu for _, f in per.values()))
            else:
                step, fl = per[name]
            ratio = step.wall / fl.wall if fl.wall else float("inf")
            cells.append(
                f" | {'':12}{step.wall:6.1f} {fl.wall:8.1f} {ratio:6.1f}       {_cpu(step.cpu)}     {_cpu(fl.cpu)}"
            )
        print(f"{name:22}" + "".join(cells))


def _sum(values) -> float | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from django.core.management import call_command
    from django.db.models import Max

    from cases.ledger_dates import next_month
    from cases.models import Case, Obligation

    call_command("migrate", verbosity=0, interactive=False)  # a fresh database works as it is
    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        call_command("generate_office", cases=args.cases - have, seed=args.seed)
        print(f"generated {args.cases - have} cases in {time.perf_counter() - started:.1f} s")
    ensure_bank_account()
    (BASE / ".local").mkdir(exist_ok=True)
    # The month after today's, or after the last month an earlier run of this bench accrued here
    # (a second run on the same office rolls a further month rather than finding it done).
    latest = Obligation.objects.aggregate(latest=Max("accrued_through"))["latest"]
    roll = next_month(timezone.localdate())
    while latest is not None and roll <= latest:
        roll = next_month(roll)
    results = {}
    for workers in args.workers:
        print(f"{Case.objects.count()} cases, {workers} worker(s):")
        procs = start_workers(workers, str(workers))
        try:
            results[workers] = night(procs, roll)
        finally:
            stop_workers(procs)
        roll = next_month(roll)  # the next worker count rolls a further month
    table(results)


if __name__ == "__main__":
    main()

"""Enforcement sweep wall time at volume, with 1 worker and with 2 workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_enforce \
        .venv/bin/python bench/enforcement_sweep.py --cases 100000

The office comes from the cases app's ``generate_office --cases N`` when that command exists
(unless ``--generator bench``), else from a small bulk generator here (cases, NCPs, orders, balances, some employers and bank
matches). Workers are separate processes, each with its own database connection, taking chunk ids
from a shared queue and calling the same ``sweep_chunk_process`` as the Celery chunk task — the
broker is left out so the figure is the sweep's own work. For each worker count: a first sweep on
an office with no actions (it proposes them all) and a repeat sweep (proposes nothing: idempotent).
Before each pair the database is vacuumed and analyzed (see ``vacuum_analyze``). The last lines are
a table: cases, workers, wall seconds and actions proposed for the first and the repeat sweep.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, connections  # noqa: E402

AS_OF = date(2026, 11, 23)


def generate(n: int, seed: int) -> None:
    """Fallback office: n cases (NY and CA), one NCP each (some NCPs with two cases)."""
    from cases.models import Case, CaseBalance, CaseParticipant, Employer, Employment, Person, SupportOrder
    from enforcement.models import BankMatch

    rng = random.Random(seed)
    start = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    batch = 5000
    employer = Employer.objects.create(name="Bench Employer Inc.")
    for low in range(0, n, batch):
        size = min(batch, n - low)
        people = Person.objects.bulk_create(
            [Person(first_name="Ncp", last_name=f"Bench{start + low + i}") for i in range(size)]
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_number=f"{'CA' if i % 3 == 0 else 'NY'}-B{start + low + i:07d}",
                    county=f"County{i % 12}",
                    jurisdiction="CA" if i % 3 == 0 else "NY",
                    stage="enforcement",
                    application_received_on=AS_OF - timedelta(days=900),
                    opened_on=AS_OF - timedelta(days=890),
                    ncp_located_on=AS_OF - timedelta(days=800),
                )
                for i in range(size)
            ]
        )
        CaseParticipant.objects.bulk_create(
            [
                CaseParticipant(case=c, person=people[i - 1 if i % 10 == 9 else i], role="ncp")
                for i, c in enumerate(cases)
            ]
        )
        SupportOrder.objects.bulk_create(
            [
                SupportOrder(
                    case=c,
                    order_number=f"B-{c.pk}",
                    kind="court",
                    issued_on=AS_OF - timedelta(days=850),
                    effective_on=AS_OF - timedelta(days=850),
                    status="active",
                )
                for c in cases
            ]
        )
        balances = []
        for c in cases:
            monthly = Decimal(rng.choice([250, 400, 500, 750]))
            roll = rng.random()
            total = Decimal(0) if roll < 0.5 else (monthly * Decimal(rng.uniform(0.2, 14))).quantize(Decimal("0.01"))
            assigned = (total * Decimal(rng.choice([0, 0, 0.5, 1]))).quantize(Decimal("0.01"))
            months = (total / monthly).quantize(Decimal("0.01"))
            balances.append(
                CaseBalance(
                    case=c,
                    monthly_obligation=monthly,
                    total_arrears=total,
                    assigned_arrears=assigned,
                    unassigned_arrears=total - assigned,
                    months_in_arrears=months,
                    delinquent_since=AS_OF - timedelta(days=int(months * 30)) if months >= 1 else None,
                )
            )
        CaseBalance.objects.bulk_create(balances)
        Employment.objects.bulk_create(
            [
                Employment(person=p, employer=employer, started_on=AS_OF - timedelta(days=400))
                for p in people
                if rng.random() < 0.3
            ]
        )
        BankMatch.objects.bulk_create(
            [BankMatch(person=p, institution="Bench Bank", matched_on=AS_OF) for p in people if rng.random() < 0.05]
        )


def _worker(queue) -> None:
    connections.close_all()
    from enforcement.services.sweep import sweep_chunk_process

    while True:
        chunk_id = queue.get()
        if chunk_id is None:
            break
        sweep_chunk_process(chunk_id=chunk_id, worker=f"bench-{os.getpid()}")
    connections.close_all()


def sweep(workers: int, chunk_size: int):
    from enforcement.models import SweepRun
    from enforcement.services.sweep import sweep_start

    t0 = time.perf_counter()
    run = sweep_start(as_of=AS_OF, chunk_size=chunk_size, triggered_by=f"bench {workers}w")
    ids = list(run.chunks.order_by("low").values_list("id", flat=True))
    connections.close_all()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    for chunk_id in ids:
        queue.put(chunk_id)
    procs = [ctx.Process(target=_worker, args=(queue,)) for _ in range(workers)]
    for _ in procs:
        queue.put(None)
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    return SweepRun.objects.get(pk=run.pk), elapsed


def vacuum_analyze() -> None:
    """Planner statistics and dead rows as a server with autovacuum keeps them.

    The bench servers run with autovacuum off, and ``generate_office`` rewrites each balance row
    once per posted entry: without this, ``cases_casebalance`` holds a hundred dead versions per
    live row and every lookup reads them all. Autovacuum does this on a production server.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--generator",
        choices=["auto", "bench"],
        default="auto",
        help="auto: generate_office when it exists; bench: this script's quick generator",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from cases.models import Case
    from core.models import DomainEvent
    from enforcement.models import EnforcementAction, SweepChunk, SweepRun

    existing = Case.objects.count()
    if existing < args.cases:
        t0 = time.perf_counter()
        if args.generator == "auto" and "generate_office" in get_commands():
            call_command("generate_office", cases=args.cases - existing, seed=args.seed)
            how = "generate_office"
        else:
            generate(args.cases - existing, args.seed)
            how = "bench generator"
        print(f"office: {args.cases - existing} cases added by {how} in {time.perf_counter() - t0:.1f} s")
    cases = Case.objects.count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; cases: {cases}; "
        f"chunk size {args.chunk_size}"
    )
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        # One DELETE per table: Model.delete() would write a history row per deleted action.
        for qs in (
            EnforcementAction.history.model.objects.all(),
            EnforcementAction.objects.all(),
            DomainEvent.objects.filter(verb__startswith="enforcement"),
            SweepChunk.objects.all(),
            SweepRun.objects.all(),
        ):
            qs._raw_delete(qs.db)
        vacuum_analyze()
        first, t_first = sweep(workers, args.chunk_size)
        again, t_again = sweep(workers, args.chunk_size)
        results.append((workers, first, t_first, again, t_again))
        print(
            f"{workers} worker(s): first sweep {t_first:.2f} s (examined {first.cases_examined}, proposed "
            f"{first.proposed}, errors {first.errors}); repeat sweep {t_again:.2f} s (proposed {again.proposed}, "
            f"advanced {again.advanced}, released {again.released}, errors {again.errors})",
            flush=True,
        )
    print()
    print(
        f"{'cases':>8} {'workers':>7} {'first s':>8} {'proposed':>9} {'cases/s':>8} {'repeat s':>8} "
        f"{'proposed':>9} {'cases/s':>8}"
    )
    for workers, first, t_first, again, t_again in results:
        print(
            f"{cases:>8} {workers:>7} {t_first:>8.2f} {first.proposed:>9} {cases / t_first:>8.0f} "
            f"{t_again:>8.2f} {again.proposed:>9} {cases / t_again:>8.0f}"
        )


if __name__ == "__main__":
    main()

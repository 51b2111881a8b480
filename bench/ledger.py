"""Ledger benchmark: one month's accrual, posting collections, the case ledger endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench .venv/bin/python bench/ledger.py \
        [--cases 100000] [--posts 100000] [--requests 300] [--office | --loader]

``--office`` (the default) measures the office ``manage.py generate_office`` made (adding cases
with it when the database holds fewer than ``--cases``); ``--loader`` uses the minimal bulk
loader below instead (case, one active order, one or two obligations, a balance row). The month's
accrual is measured inside transactions that are rolled back, so a rerun measures the same work,
with the deferred foreign-key checks of their commits run inside the timing: in one process as
one transaction, then fanned out as ``cases.accrue_charges`` runs it (a transaction per range of
``ACCRUAL_CHUNK`` case ids) on one and on ``--workers`` processes.
Posting: single posts through ``collection_post`` (what ``POST /api/v1/collections/`` runs), then
``--posts`` collections through ``collections_post_batch`` (what ``POST /api/v1/collections/batch/``
and the payment-file import run) in batches of 1,000, in one process and in ``--workers``.
Beside each one-process wall time it prints the CPU seconds spent on it (this process plus its
PostgreSQL backend, read from /proc when the server runs on this machine): on a shared machine
wall times swing with the load, CPU seconds much less, so before/after comparisons quote both.
Prints the figures; not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from _cpu import cpu_note, cpu_seconds, served_process  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

served_process()

PREFIX = "BL"  # case numbers BL-0000001 … (never collide with NY-/CA- numbers)


def load_cases(n: int, seed: int) -> tuple[int, int]:
    from cases.models import Case, CaseBalance, Obligation, SupportOrder

    existing = Case.objects.filter(case_number__startswith=f"{PREFIX}-")
    if existing.count() >= n:
        ids = list(existing.order_by("id").values_list("id", flat=True)[:n])
        return ids[0], ids[-1]
    existing_n = existing.count()
    rng = random.Random(seed)
    t = time.perf_counter()
    batch = 5000
    for start in range(existing_n, n, batch):
        stop = min(start + batch, n)
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_number=f"{PREFIX}-{i:07d}",
                    county=rng.choice(["Albany", "Kings", "Erie", "Monroe"]),
                    jurisdiction="NY",
                    assistance_status=rng.choices(["never", "former", "current"], [60, 30, 10])[0],
                    stage="enforcement",
                    application_received_on=date(2023, 1, 2),
                    opened_on=date(2023, 1, 10),
                )
                for i in range(start, stop)
            ]
        )
        orders = SupportOrder.objects.bulk_create(
            [
                SupportOrder(
                    case=c, order_number=f"O-{c.case_number}", issued_on=date(2023, 3, 1), effective_on=date(2023, 3, 1)
                )
                for c in cases
            ]
        )
        obligations = []
        for o in orders:
            frequency = rng.choices(["monthly", "weekly", "biweekly", "semimonthly"], [55, 25, 15, 5])[0]
            amount = Decimal(rng.randint(50, 400)) if frequency != "monthly" else Decimal(rng.randint(150, 1200))
            # Orders in effect from August 2026: the setup accrual stays small; the measured month is October.
            obligations.append(
                Obligation(
                    order=o,
                    kind="current_support",
                    amount=amount,
                    frequency=frequency,
                    start_on=date(2026, 8, 1) + timedelta(days=rng.randint(0, 27)),
                )
            )
            if rng.random() < 0.2:
                obligations.append(
                    Obligation(
                        order=o,
                        kind="medical_support",
                        amount=Decimal(rng.randint(20, 120)),
                        frequency="monthly",
                        start_on=date(2026, 8, 1),
                    )
                )
        Obligation.objects.bulk_create(obligations)
        CaseBalance.objects.bulk_create([CaseBalance(case=c) for c in cases])
    print(f"loaded {n - existing_n} cases with the bench loader in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = list(existing.order_by("id").values_list("id", flat=True))
    return ids[0], ids[-1]


def posting_dates(late: bool = False) -> tuple[date, date]:
    """A day's posting: received today and collected today (the fast path), or — ``late`` —
    withheld on the last day of the previous month (closed out): each such post redistributes
    its case by month of collection (45 CFR 302.51)."""
    from django.utils import timezone

    today = timezone.localdate()
    return today, (today.replace(day=1) - timedelta(days=1)) if late else today


def post_many(numbers: list[str], indexes, run_tag: str, seed: int, late: bool = False) -> tuple[float, float | None]:
    """(wall seconds, CPU seconds or None) to post one at a time."""
    from cases.services import collection_post

    connection.close()  # a forked worker opens its own connection
    connection.ensure_connection()
    cpu = cpu_seconds()
    rng = random.Random(seed)
    sources = ["income_withholding"] * 7 + ["direct_payment"] * 2 + ["federal_tax_offset"]
    t = time.perf_counter()
    received_on, collected_on = posting_dates(late)
    for i in indexes:
        collection_post(
            case_number=rng.choice(numbers),
            amount=Decimal(rng.randint(1000, 90000)) / 100,
            received_on=received_on,
            collected_on=collected_on,
            source=rng.choice(sources),
            source_reference=f"BENCH-{run_tag}-{i}",
            received_via="file",
        )
    elapsed, end = time.perf_counter() - t, cpu_seconds()
    return elapsed, (end - cpu if cpu is not None and end is not None else None)


def post_batches(numbers: list[str], indexes, run_tag: str, seed: int, size: int = 1000) -> tuple[float, float | None]:
    """(wall seconds, CPU seconds or None) to post in batches of ``size``."""
    from cases.services import CollectionItem, collections_post_batch

    connection.close()
    connection.ensure_connection()
    cpu = cpu_seconds()
    rng = random.Random(seed)
    sources = ["income_withholding"] * 7 + ["direct_payment"] * 2 + ["federal_tax_offset"]
    indexes = list(indexes)
    t = time.perf_counter()
    received_on, collected_on = posting_dates()
    for start in range(0, len(indexes), size):
        collections_post_batch(
            [
                CollectionItem(
                    case_number=rng.choice(numbers),
                    amount=Decimal(rng.randint(1000, 90000)) / 100,
                    received_on=received_on,
                    collected_on=collected_on,
                    source=rng.choice(sources),
                    source_reference=f"BENCH-{run_tag}-{i}",
                    received_via="file",
                )
                for i in indexes[start : start + size]
            ]
        )
    elapsed, end = time.perf_counter() - t, cpu_seconds()
    return elapsed, (end - cpu if cpu is not None and end is not None else None)


def per_cpu(spent: float | None, count: int) -> str:
    return f"; CPU {spent:.2f} s = {count / spent:,.0f}/cpu-s" if spent else ""


def immediate_checks() -> None:
    """Run the deferred foreign-key checks now, inside the timing: a measured transaction that is
    rolled back would otherwise skip what its commit costs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _accrue_ranges(through: date, queue, out) -> None:
    from django.db import transaction

    from cases.services.ledger_accrual import charges_accrue

    connection.close()
    charges = 0
    # Each worker takes the next range when it is free, as Celery workers take accrue_chunk tasks;
    # each range in its transaction, as accrue_chunk_task runs it (rolled back).
    while (item := queue.get()) is not None:
        low, high = item
        with transaction.atomic():
            charges += charges_accrue(through=through, case_range=(low, high)).charges
            immediate_checks()
            transaction.set_rollback(True)
    connection.close()
    out.put(charges)


def accrue_in_workers(through: date, ranges: list[tuple[int, int]], workers: int) -> tuple[float, int]:
    connection.close()
    ctx = multiprocessing.get_context("fork")
    out, queue = ctx.Queue(), ctx.Queue()
    for item in [*ranges, *([None] * workers)]:
        queue.put(item)
    t = time.perf_counter()
    procs = [ctx.Process(target=_accrue_ranges, args=(through, queue, out)) for _ in range(workers)]
    for p in procs:
        p.start()
    charges = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return time.perf_counter() - t, charges


def office_cases(n: int, seed: int) -> tuple[int, int]:
    """The generate_office cases (NY-/CA- numbers), generating the missing ones."""
    from cases.models import Case

    office = Case.objects.exclude(case_number__startswith=f"{PREFIX}-")
    missing = n - office.count()
    if missing > 0:
        t = time.perf_counter()
        call_command("generate_office", cases=missing, seed=seed)
        print(f"generate_office --cases {missing}: {time.perf_counter() - t:.1f} s")
    ids = list(office.order_by("id").values_list("id", flat=True))
    return ids[0], ids[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--loader", action="store_true", help="minimal bulk loader instead of generate_office")
    parser.add_argument("--accrual-only", action="store_true", help="stop after the accrual figures")
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)

    from django.db import transaction

    from cases.ledger_verify import ledger_differences
    from cases.models import Case, LedgerEntry
    from cases.services import collection_post
    from cases.services.ledger_accrual import charges_accrue

    first, last = load_cases(args.cases, args.seed) if args.loader else office_cases(args.cases, args.seed)
    case_range = (first, last)
    cases_n = Case.objects.filter(id__range=case_range).count()
    today = date.today()
    if args.loader:
        charges_accrue(through=today, case_range=case_range)
    # 1. One month's accrual (set-based): the month after the office's ledger, rolled back after.
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1) + timedelta(days=31)
    month_end = month_end.replace(day=1) - timedelta(days=1)
    for label in ("ACCRUAL", "  again (fresh transaction)"):
        with transaction.atomic():
            t, cpu = time.perf_counter(), cpu_seconds()
            month = charges_accrue(through=month_end, case_range=case_range)
            immediate_checks()
            elapsed = time.perf_counter() - t
            spent = cpu_note(cpu, cases_n, "cases")
            again = charges_accrue(through=month_end, case_range=case_range)
            transaction.set_rollback(True)
        print(
            f"{label} one month (through {month_end}) for {cases_n} cases, 1 process, one transaction: "
            f"{month.charges} charges, {month.rolled} balances rolled, {elapsed:.2f} s{spent}; "
            f"rerun (idempotent): {again.charges} charges"
        )
    # The fanned-out run (cases.accrue_charges): ranges of ACCRUAL_CHUNK case ids over the workers.
    from cases.services.ledger_accrual import ACCRUAL_CHUNK

    ranges = [
        (max(low, first), min(low + ACCRUAL_CHUNK - 1, last))
        for low in range(first - first % ACCRUAL_CHUNK, last + 1, ACCRUAL_CHUNK)
    ]
    for workers in sorted({1, args.workers}):
        elapsed, charges = accrue_in_workers(month_end, ranges, workers)
        print(
            f"ACCRUAL fanned out: {len(ranges)} ranges of {ACCRUAL_CHUNK:,} case ids on {workers} worker(s): "
            f"{charges} charges in {elapsed:.2f} s"
        )

    if args.accrual_only:
        return
    # 2. Posting collections: single posts (the API's POST /collections/), then batches of 1,000
    #    (POST /collections/batch/ and file imports) in one process and in --workers processes.
    numbers = list(Case.objects.filter(id__range=case_range, status="open").values_list("case_number", flat=True))
    rng = random.Random(args.seed)
    run_tag = f"{int(time.time())}"
    single = min(2000, max(1, args.posts // 50))
    elapsed, cpu = post_many(numbers, range(single), run_tag, args.seed)
    print(
        f"POSTING one at a time (collection_post, 1 process): {single} collections in {elapsed:.1f} s"
        f" = {single / elapsed:.0f}/s{per_cpu(cpu, single)}"
    )
    late = max(1, single // 4)
    elapsed, cpu = post_many(numbers, range(late), f"{run_tag}-late", args.seed + 1, late=True)
    print(
        f"POSTING one at a time, withheld in the closed month before (each redistributes its case by month of"
        f" collection): {late} collections in {elapsed:.1f} s = {late / elapsed:.1f}/s{per_cpu(cpu, late)}"
    )
    half = args.posts // 2
    batch_one = range(single, single + half)
    elapsed, cpu = post_batches(numbers, batch_one, run_tag, args.seed)
    print(
        f"POSTING batches of 1,000 (collections_post_batch, 1 process): {len(batch_one)} collections in "
        f"{elapsed:.1f} s = {len(batch_one) / elapsed:.0f}/s{per_cpu(cpu, len(batch_one))}"
    )
    rest = range(single + half, single + args.posts)
    connection.close()
    context = multiprocessing.get_context("fork")
    shares = [rest[w :: args.workers] for w in range(args.workers)]
    t = time.perf_counter()
    with context.Pool(args.workers) as pool:
        pool.starmap(post_batches, [(numbers, share, run_tag, args.seed + w) for w, share in enumerate(shares)])
    elapsed = time.perf_counter() - t
    print(
        f"POSTING batches of 1,000 ({args.workers} processes): {len(rest)} collections in {elapsed:.1f} s"
        f" = {len(rest) / elapsed:.0f}/s"
    )
    replay = collection_post(
        case_number=numbers[0],
        amount=Decimal("1.00"),
        received_on=date(2026, 11, 1),
        source="other",
        source_reference=f"BENCH-{run_tag}-replay",
        received_via="file",
    )
    replay2 = collection_post(
        case_number=numbers[0],
        amount=Decimal("1.00"),
        received_on=date(2026, 11, 1),
        source="other",
        source_reference=f"BENCH-{run_tag}-replay",
        received_via="file",
    )
    assert replay.created and not replay2.created

    # 3. The case ledger endpoint.
    from rest_framework.test import APIClient

    from accounts.services import partner_key_create

    _, raw = partner_key_create(agency_name=f"Bench {run_tag}", scopes=["cases:read"], all_counties=True, kind="other")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    sample = rng.sample(numbers, min(args.requests, len(numbers)))
    connection.close()
    client.get(f"/api/v1/cases/{sample[0]}/ledger/", HTTP_HOST="localhost")
    timings = []
    for number in sample:
        t = time.perf_counter()
        response = client.get(f"/api/v1/cases/{number}/ledger/", HTTP_HOST="localhost")
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:200]
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"LEDGER ENDPOINT GET /api/v1/cases/<n>/ledger/ x{len(timings)}: median {statistics.median(timings):.1f} ms,"
        f" p95 {p95:.1f} ms"
    )

    t = time.perf_counter()
    differences = ledger_differences(case_range=case_range)
    # (collections received "today" in a month the rolled-back accrual never charged are fine.)
    print(
        f"verify_ledger over the bench cases: {len(differences)} differences in {time.perf_counter() - t:.1f} s "
        f"({LedgerEntry.objects.filter(case_id__gte=first, case_id__lte=last).count()} entries)"
    )


if __name__ == "__main__":
    main()

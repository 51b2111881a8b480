"""Ledger benchmark: one month's accrual, posting collections, the case ledger endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_ledger .venv/bin/python bench/ledger.py \
        [--cases 100000] [--posts 100000] [--requests 300]

Loads ``--cases`` cases with ``manage.py generate_office`` when it exists, else with the minimal
bulk loader below (case, one active order, one or two obligations, a balance row); a rerun reuses
the loaded cases. Prints the figures; not a test.
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

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
        cases = Case.objects.bulk_create([
            Case(case_number=f"{PREFIX}-{i:07d}", county=rng.choice(["Albany", "Kings", "Erie", "Monroe"]),
                 jurisdiction="NY", assistance_status=rng.choices(["never", "former", "current"], [60, 30, 10])[0],
                 stage="enforcement", application_received_on=date(2023, 1, 2), opened_on=date(2023, 1, 10))
            for i in range(start, stop)
        ])
        orders = SupportOrder.objects.bulk_create([
            SupportOrder(case=c, order_number=f"O-{c.case_number}", issued_on=date(2023, 3, 1),
                         effective_on=date(2023, 3, 1)) for c in cases
        ])
        obligations = []
        for o in orders:
            frequency = rng.choices(["monthly", "weekly", "biweekly", "semimonthly"], [55, 25, 15, 5])[0]
            amount = Decimal(rng.randint(50, 400)) if frequency != "monthly" else Decimal(rng.randint(150, 1200))
            # Orders in effect from August 2026: the setup accrual stays small; the measured month is October.
            obligations.append(Obligation(order=o, kind="current_support", amount=amount, frequency=frequency,
                                          start_on=date(2026, 8, 1) + timedelta(days=rng.randint(0, 27))))
            if rng.random() < 0.2:
                obligations.append(Obligation(order=o, kind="medical_support", amount=Decimal(rng.randint(20, 120)),
                                              frequency="monthly", start_on=date(2026, 8, 1)))
        Obligation.objects.bulk_create(obligations)
        CaseBalance.objects.bulk_create([CaseBalance(case=c) for c in cases])
    print(f"loaded {n - existing_n} cases with the bench loader in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = list(existing.order_by("id").values_list("id", flat=True))
    return ids[0], ids[-1]


def post_many(numbers: list[str], indexes, run_tag: str, seed: int) -> float:
    from cases.services import collection_post

    connection.close()  # a forked worker opens its own connection
    rng = random.Random(seed)
    sources = ["income_withholding"] * 7 + ["direct_payment"] * 2 + ["federal_tax_offset"]
    t = time.perf_counter()
    for i in indexes:
        collection_post(case_number=rng.choice(numbers), amount=Decimal(rng.randint(1000, 90000)) / 100,
                        received_on=date(2026, 11, rng.randint(1, 20)), source=rng.choice(sources),
                        source_reference=f"BENCH-{run_tag}-{i}", received_via="file")
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)

    from cases.ledger_verify import ledger_differences
    from cases.models import Case, LedgerEntry
    from cases.services import collection_post
    from cases.services.ledger_accrual import charges_accrue

    first, last = load_cases(args.cases, args.seed)
    case_range = (first, last)

    # 1. One month's accrual (set-based). Bring everything up to the end of September first.
    t = time.perf_counter()
    warm = charges_accrue(through=date(2026, 9, 30), case_range=case_range)
    print(f"setup accrual through 2026-09-30: {warm.charges} charges in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    month = charges_accrue(through=date(2026, 10, 31), case_range=case_range)
    elapsed = time.perf_counter() - t
    print(f"ACCRUAL one month (October 2026) for {args.cases} cases: {month.charges} charges, "
          f"{month.rolled} balances rolled, {elapsed:.2f} s")
    t = time.perf_counter()
    again = charges_accrue(through=date(2026, 10, 31), case_range=case_range)
    print(f"  rerun (idempotent): {again.charges} charges in {time.perf_counter() - t:.2f} s")
    charges_accrue(through=date(2026, 11, 23), case_range=case_range)

    # 2. Posting collections through the service the API uses: one process, then --workers processes
    #    (how the API is served: several workers; posts to different cases do not wait for each other).
    numbers = list(Case.objects.filter(id__range=case_range).values_list("case_number", flat=True))
    rng = random.Random(args.seed)
    run_tag = f"{int(time.time())}"
    single = max(1, args.posts // 10)
    elapsed = post_many(numbers, range(single), run_tag, args.seed)
    print(f"POSTING (1 process) {single} collections via collection_post: {elapsed:.1f} s = {single / elapsed:.0f}/s")
    rest = range(single, args.posts)
    connection.close()
    context = multiprocessing.get_context("fork")
    shares = [rest[w::args.workers] for w in range(args.workers)]
    t = time.perf_counter()
    with context.Pool(args.workers) as pool:
        pool.starmap(post_many, [(numbers, share, run_tag, args.seed + w) for w, share in enumerate(shares)])
    elapsed = time.perf_counter() - t
    print(f"POSTING ({args.workers} processes) {len(rest)} collections via collection_post: {elapsed:.1f} s"
          f" = {len(rest) / elapsed:.0f}/s")
    t = time.perf_counter()
    replay = collection_post(case_number=numbers[0], amount=Decimal("1.00"), received_on=date(2026, 11, 1),
                             source="other", source_reference=f"BENCH-{run_tag}-replay", received_via="file")
    replay2 = collection_post(case_number=numbers[0], amount=Decimal("1.00"), received_on=date(2026, 11, 1),
                              source="other", source_reference=f"BENCH-{run_tag}-replay", received_via="file")
    assert replay.created and not replay2.created

    # 3. The case ledger endpoint.
    from rest_framework.test import APIClient

    from accounts.services import partner_key_create

    _, raw = partner_key_create(agency_name=f"Bench {run_tag}", scopes=["cases:read"], kind="other")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    sample = rng.sample(numbers, min(args.requests, len(numbers)))
    client.get(f"/api/v1/cases/{sample[0]}/ledger/", HTTP_HOST="localhost")
    timings = []
    for number in sample:
        t = time.perf_counter()
        response = client.get(f"/api/v1/cases/{number}/ledger/", HTTP_HOST="localhost")
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:200]
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"LEDGER ENDPOINT GET /api/v1/cases/<n>/ledger/ x{len(timings)}: median {statistics.median(timings):.1f} ms,"
          f" p95 {p95:.1f} ms")

    t = time.perf_counter()
    differences = ledger_differences(case_range=case_range)
    print(f"verify_ledger over the bench cases: {len(differences)} differences in {time.perf_counter() - t:.1f} s "
          f"({LedgerEntry.objects.filter(case_id__gte=first, case_id__lte=last).count()} entries)")


if __name__ == "__main__":
    main()

"""Benchmark: OCSE-157 lines for a fiscal year (live, set-based) and the dashboard from a snapshot.

    createdb -h 127.0.0.1 -U postgres cw_bench_quality   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_quality .venv/bin/python bench/quality.py --cases 100000

Migrates, generates the office with ``manage.py generate_office`` when it has fewer cases than
asked, then prints: each line's query time, the whole report (median of 3), the snapshot task,
and the dashboard page (median/p95 of 50 requests through the Django test client).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=157)
    parser.add_argument("--fiscal-year", type=int, default=None)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from cases.models import Case, LedgerEntry
    from quality.fiscal import fiscal_year_of
    from quality.measures import line_specs, ocse157
    from quality.models import Expenditure
    from quality.services import snapshot_take

    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        call_command("generate_office", cases=args.cases - have, seed=args.seed)
        print(f"generate_office --cases {args.cases - have}: {time.perf_counter() - started:.1f} s")
    fy = args.fiscal_year or fiscal_year_of(timezone.localdate())
    print(
        f"database: {connection.vendor}; cases {Case.objects.count():,}; ledger entries "
        f"{LedgerEntry.objects.count():,}; fiscal year {fy}"
    )
    Expenditure.objects.get_or_create(fiscal_year=fy, defaults={"amount": Decimal("25000000.00"), "source": "bench"})

    for key, spec in line_specs(fy).items():
        started = time.perf_counter()
        spec.rows.aggregate(v=spec.aggregate)
        print(f"  line {key:<11} {1000 * (time.perf_counter() - started):8.0f} ms")
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = ocse157(fiscal_year=fy)
            timings.append(time.perf_counter() - started)
    print(
        f"all lines + measures: median {statistics.median(timings):.2f} s over 3 runs "
        f"({len(queries.captured_queries)} queries)"
    )
    print("  lines:", {k: str(v) for k, v in report.lines.items()})
    for m in report.measures:
        print(
            f"  {m.name:<20} {m.numerator!s:>14} / {m.denominator!s:<14} = {m.value!s:>7}  incentive {m.incentive_percentage}"
        )

    started = time.perf_counter()
    snapshot = snapshot_take(taken_on=timezone.localdate())
    print(f"snapshot task: {time.perf_counter() - started:.1f} s, {snapshot.value_count:,} values")

    user, _ = User.objects.get_or_create(username="bench_quality")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="quality_analyst"))
    client = Client(HTTP_HOST="localhost")  # local settings allow localhost, not "testserver"
    client.force_login(user)
    client.get("/quality/")  # warm
    samples = []
    for _ in range(args.requests):
        reset_queries()
        started = time.perf_counter()
        response = client.get("/quality/")
        samples.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, response.status_code
    samples.sort()
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    print(
        f"dashboard from snapshot: median {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms "
        f"over {len(samples)} requests"
    )


if __name__ == "__main__":
    main()

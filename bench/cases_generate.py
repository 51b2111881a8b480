"""Time ``generate_office`` (wall time, peak memory, database size), then the caseload page and
case pages on the generated office.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_scale_1m nice .venv/bin/python bench/cases_generate.py --cases 1000000
(with no DATABASE_URL: a fresh SQLite file under .local/). Prints CPU seconds beside the wall time:
this process, its ledger workers (``--workers``, default the CPU count) and its PostgreSQL backend. ``--cases 0`` skips the generation and
measures the pages on the office already in the database; ``--no-pages`` skips the pages.
Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--cases", type=int, default=10000)
parser.add_argument("--months", type=int, default=24)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--chunk", type=int, default=10000)
parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
parser.add_argument("--no-pages", action="store_true")
parser.add_argument("--rebuild-indexes", choices=("auto", "yes", "no"), default="auto")
parser.add_argument("--verify", action="store_true", help="run verify_ledger on the generated cases (timed)")
ARGS = parser.parse_args()

if not os.environ.get("DATABASE_URL") and ARGS.cases:
    db = BASE / ".local" / "bench_cases.sqlite3"
    db.parent.mkdir(exist_ok=True)
    db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

import django  # noqa: E402

django.setup()

from _client import client_environment  # noqa: E402
from _cpu import cpu_seconds  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def _size() -> str:
    if connection.vendor != "postgresql":
        return f"{os.path.getsize(connection.settings_dict['NAME']) / 2**20:.0f} MB (SQLite file)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class"
            " WHERE relkind = 'r' ORDER BY pg_total_relation_size(oid) DESC LIMIT 6"
        )
        return f"{size} (pg_database_size); largest: " + ", ".join(f"{n} {s}" for n, s in cursor.fetchall())


def main() -> None:
    call_command("migrate", verbosity=0)
    from cases.generate import office_generate
    from cases.models import Case

    vendor = connection.vendor
    if ARGS.cases:
        cpu_started = cpu_seconds()
        workers_started = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = office_generate(
            cases=ARGS.cases,
            seed=ARGS.seed,
            months=ARGS.months,
            chunk=ARGS.chunk,
            rebuild_indexes={"auto": None, "yes": True, "no": False}[ARGS.rebuild_indexes],
            stdout=sys.stdout,
            workers=ARGS.workers,
        )
        wall = time.perf_counter() - started
        cpu_ended = cpu_seconds()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers_cpu = (children.ru_utime + children.ru_stime) - (workers_started.ru_utime + workers_started.ru_stime)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"generate_office --cases {ARGS.cases} --months {ARGS.months} ({vendor}): {wall:.1f} s wall, "
            f"peak RSS {peak:.0f} MB (this process), {result.people} people, {result.orders} orders, "
            f"ledger {result.ledger_counts}; {ARGS.cases / wall:,.0f} cases/s"
        )
        if cpu_started is not None and cpu_ended is not None:
            spent = cpu_ended - cpu_started + workers_cpu
            print(
                f"CPU {spent:.1f} s (this process + its PostgreSQL backend {cpu_ended - cpu_started:.1f} s, "
                f"{ARGS.workers} ledger workers {workers_cpu:.1f} s) = {ARGS.cases / spent:,.0f} cases/cpu-s"
            )
        print(f"database size: {_size()}")
        if ARGS.verify:
            from cases.ledger_verify import ledger_differences

            started = time.perf_counter()
            differences = ledger_differences(case_range=(result.first_case_id, result.last_case_id))
            print(f"verify_ledger: {len(differences)} differences ({time.perf_counter() - started:.1f} s)")
    if ARGS.no_pages:
        return
    print(f"pages on {Case.objects.count()} cases ({vendor}):")
    client_environment()
    from accounts.models import User

    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)
    numbers = list(Case.objects.order_by("?").values_list("case_number", flat=True)[:50])
    for label, urls in [
        ("caseload page", [f"/cases/?scope=all&page={p}" for p in range(1, 51)]),
        ("caseload search", [f"/cases/?scope=all&q={num}" for num in numbers]),
        ("case detail page", [f"/cases/{num}/" for num in numbers]),
    ]:
        times = []
        client.get(urls[0])  # warm-up (template and URL caches)
        for url in urls:
            t = time.perf_counter()
            assert client.get(url).status_code == 200, url
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"{label}: median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main()

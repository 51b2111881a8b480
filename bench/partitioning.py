"""Would partitioning the ledger by month pay? Measured on the office in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_1m nice .venv/bin/python bench/partitioning.py

Builds ``bench_part_ledgerentry``, a copy of ``cases_ledgerentry`` partitioned by month of
``posted_on`` (``PARTITION BY RANGE``, one partition a month, the ``(case_id, posted_on)`` index on
each, as the real table has it), then times on the real table and on the copy:
- **per case**: a caseworker's statement read (``cases.ledger.statement``): one case's bucketed
  entries of the last twelve months, and the bucket sums before them (p50/p95 over random cases);
- **office-wide**: OCSE-157 line 24 (``quality.measures._current_due_rows``): current support due
  in a fiscal year, summed; on the copy with the ``posted_on`` bound that lets it prune;
- **retention**: removing the oldest month (``DELETE`` on the real table, ``DETACH PARTITION`` +
  ``DROP`` on the copy), each inside a transaction that is rolled back.
The copy is dropped at the end (``--keep`` keeps it). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from cases.ledger_dates import next_month  # noqa: E402
from core.dates import add_months  # noqa: E402

COPY = "bench_part_ledgerentry"
COLUMNS = (
    "id, case_id, entry_type, obligation_id, obligation_kind, bucket, amount, due_on, posted_on, "
    "collection_id, reverses_id, description, created_at"
)
STATEMENT = """
    SELECT bucket, sum(amount) FROM {table}
    WHERE case_id = %(case)s AND bucket <> '' AND posted_on < %(start)s GROUP BY bucket;
    SELECT id, entry_type, bucket, amount, posted_on FROM {table}
    WHERE case_id = %(case)s AND bucket <> '' AND posted_on BETWEEN %(start)s AND %(end)s
    ORDER BY posted_on, id
"""
LINE_24 = """
    SELECT coalesce(sum(amount), 0) FROM {table}
    WHERE entry_type IN ('charge', 'reversal')
      AND obligation_kind IN ('current_support', 'medical_support', 'spousal_support')
      AND due_on BETWEEN %(start)s AND %(end)s {prune}
"""


def sql(statement: str, params: dict | None = None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.fetchall() if cursor.description else None


def timed(statement: str, params: dict | None = None) -> float:
    started = time.perf_counter()
    for part in statement.split(";"):
        if part.strip():
            sql(part, params)
    return time.perf_counter() - started


def blocks(statement: str, params: dict | None = None) -> int:
    """Buffers (8 kB pages, from cache or disk) the statement touches: what its plan costs,
    whatever else the machine is doing."""
    total = 0
    for part in statement.split(";"):
        if part.strip():
            plan = sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {part}", params)[0][0][0]["Plan"]
            total += plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return total


def size(relation: str) -> str:
    return sql("SELECT pg_size_pretty(pg_total_relation_size(%(r)s::regclass))", {"r": relation})[0][0]


def build_copy() -> float:
    low, high = sql("SELECT min(posted_on), max(posted_on) FROM cases_ledgerentry")[0]
    started = time.perf_counter()
    sql(f"DROP TABLE IF EXISTS {COPY}")
    sql(
        f"CREATE TABLE {COPY} (LIKE cases_ledgerentry INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (posted_on)"
    )
    month, months = low.replace(day=1), 0
    while month <= high:
        sql(
            f"CREATE TABLE {COPY}_{month:%Y%m} PARTITION OF {COPY} FOR VALUES FROM (%(a)s) TO (%(b)s)",
            {"a": month, "b": next_month(month)},
        )
        month, months = next_month(month), months + 1
    sql(f"INSERT INTO {COPY} ({COLUMNS}) SELECT {COLUMNS} FROM cases_ledgerentry")
    sql("SET maintenance_work_mem = '512MB'")
    sql(f"CREATE INDEX ON {COPY} (case_id, posted_on)")
    sql(f"ANALYZE {COPY}")
    print(f"copy: {months} monthly partitions from {low} to {high}, built in {time.perf_counter() - started:.1f} s")
    return time.perf_counter() - started


def per_case(table: str, cases: list[int], end: date) -> tuple[float, float, float]:
    """p50 and p95 ms, and the mean buffers touched, of the statement's reads over ``cases``."""
    start = add_months(end, -12)
    params = [{"case": c, "start": start, "end": end} for c in cases]
    times = [timed(STATEMENT.format(table=table), p) * 1000 for p in params]
    touched = statistics.mean(blocks(STATEMENT.format(table=table), p) for p in params[:50])
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    rows = sql("SELECT count(*) FROM cases_ledgerentry")[0][0]
    cases = sql("SELECT count(*) FROM cases_case")[0][0]
    print(f"{cases:,} cases, {rows:,} ledger entries; cases_ledgerentry {size('cases_ledgerentry')} with its indexes")
    build_copy()
    print(
        f"partitioned copy {sql(f'SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = {COPY!r}::regclass')[0][0]}"
    )

    high = sql("SELECT max(posted_on) FROM cases_ledgerentry")[0][0]
    rng = random.Random(1)
    max_id = sql("SELECT max(id) FROM cases_case")[0][0]
    sample = [rng.randint(1, max_id) for _ in range(args.samples)]
    for table in ("cases_ledgerentry", COPY):  # warm both, then measure alternately
        per_case(table, sample[:20], high)
    print(f"\nper case, the statement's reads ({args.samples} random cases): p50 / p95 ms, buffers touched")
    for table in ("cases_ledgerentry", COPY, "cases_ledgerentry", COPY):
        p50, p95, touched = per_case(table, sample, high)
        print(f"  {table:26} {p50:6.2f} / {p95:6.2f}   {touched:6.1f}")

    fy_end = date(high.year - 1 if high.month < 10 else high.year, 9, 30)
    fy_start = date(fy_end.year - 1, 10, 1)
    params = {"start": fy_start, "end": fy_end}
    print(f"\noffice-wide, OCSE-157 line 24 for the fiscal year {fy_start}..{fy_end} (s):")
    for _ in range(2):
        flat = timed(LINE_24.format(table="cases_ledgerentry", prune=""), params)
        pruned = timed(
            LINE_24.format(table=COPY, prune="AND posted_on BETWEEN %(start)s AND %(end)s"),
            params,
        )
        print(f"  one table (sequential scan) {flat:7.2f}    partitioned, pruned to 12 months {pruned:7.2f}")
    flat_blocks = blocks(LINE_24.format(table="cases_ledgerentry", prune=""), params)
    pruned_blocks = blocks(LINE_24.format(table=COPY, prune="AND posted_on BETWEEN %(start)s AND %(end)s"), params)
    print(f"  buffers touched: one table {flat_blocks:,}, partitioned {pruned_blocks:,}")

    oldest = sql(f"SELECT min(posted_on) FROM {COPY}")[0][0].replace(day=1)
    print(f"\nretention: remove the month of {oldest:%Y-%m} (rolled back):")
    for label, statement in (
        ("DELETE on the one table", "DELETE FROM cases_ledgerentry WHERE posted_on < %(b)s"),
        (
            "DETACH + DROP the partition",
            f"ALTER TABLE {COPY} DETACH PARTITION {COPY}_{oldest:%Y%m}; DROP TABLE {COPY}_{oldest:%Y%m}",
        ),
    ):
        started = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")  # no FK checks: the rows only
                for part in statement.split(";"):
                    cursor.execute(part, {"b": next_month(oldest)})
                raise _Rollback
        except _Rollback:
            pass
        print(f"  {label:28} {time.perf_counter() - started:7.2f} s")
    if not args.keep:
        sql(f"DROP TABLE {COPY}")


class _Rollback(Exception):
    pass


if __name__ == "__main__":
    main()

"""Benchmark: ``manage.py migrate`` on an empty database, what a cold test template costs.

    .venv/bin/python bench/migrate_time.py [--runs 3] [--database-url postgres://postgres@127.0.0.1:5432/cw_bench_migrate]
    .venv/bin/python bench/migrate_time.py --tree /path/to/another/checkout   # the same on another tree

Each run migrates a new empty database (a temporary SQLite file; or, with a PostgreSQL URL, the
named database dropped and created again, and dropped at the end) with the test settings, as
``tests/db_template.py`` does, and prints the wall time and the CPU seconds of the migrate process
(user + system; on a shared machine the CPU figure is the one to compare). PostgreSQL's own
backend CPU is not counted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _postgres(url: str, sql: str) -> None:
    import environ
    import psycopg

    db = environ.Env.db_url_config(url)
    with psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql.format(name=db["NAME"]))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--tree", default=str(ROOT), help="the checkout whose migrations are applied")
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    count = len(list(tree.glob("*/migrations/0*.py")))
    print(f"migrate on an empty database: {tree} ({count} migration files), {args.runs} runs")
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, args.runs + 1):
            if args.database_url:
                url = args.database_url
                _postgres(url, 'DROP DATABASE IF EXISTS "{name}"')
                _postgres(url, 'CREATE DATABASE "{name}"')
            else:
                url = f"sqlite:///{folder}/run{run}.sqlite3"
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}
            cpu, wall = _children_cpu(), time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
                cwd=tree,
                env=env,
                check=True,
            )
            walls.append(time.perf_counter() - wall)
            cpus.append(_children_cpu() - cpu)
            print(f"  run {run}: {walls[-1]:6.1f} s wall, {cpus[-1]:6.1f} s CPU")
    if args.database_url:
        _postgres(args.database_url, 'DROP DATABASE IF EXISTS "{name}"')
    print(f"best: {min(walls):.1f} s wall, {min(cpus):.1f} s CPU; median CPU {sorted(cpus)[len(cpus) // 2]:.1f} s")


if __name__ == "__main__":
    main()

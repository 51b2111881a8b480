"""Time ``generate_office`` and the caseload page / case API on the generated office.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_cases .venv/bin/python bench/cases_generate.py 10000
(with no DATABASE_URL: a fresh SQLite file under .local/). ``0`` as the number of cases skips the
generation and measures the pages on the office already in the database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench .venv/bin/python bench/cases_generate.py 0
Prints figures; not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
if not os.environ.get("DATABASE_URL") and sys.argv[1:2] != ["0"]:
    db = BASE / ".local" / "bench_cases.sqlite3"
    db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    months = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    call_command("migrate", verbosity=0)
    from cases.generate import office_generate
    from cases.models import Case

    if n:
        started = time.perf_counter()
        base = office_generate(cases=n, seed=7, months=months, ledger=False)
        t_base = time.perf_counter() - started
        from cases.services.ledger_backfill import ledger_backfill

        started = time.perf_counter()
        if months:
            ledger_backfill(case_range=(base.first_case_id, base.last_case_id), months=months, seed=7)
        t_ledger = time.perf_counter() - started
        print(f"generate_office {n} cases: office {t_base:.1f} s + ledger {months} months {t_ledger:.1f} s "
              f"= {t_base + t_ledger:.1f} s ({os.environ['DATABASE_URL'].split(':')[0]})")
    print(f"pages on {Case.objects.count()} cases ({os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}):")

    setup_test_environment()
    from accounts.models import User

    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)
    numbers = list(Case.objects.order_by("?").values_list("case_number", flat=True)[:50])
    for label, urls in [("caseload page", [f"/cases/?scope=all&page={p}" for p in range(1, 51)]),
                        ("caseload search", [f"/cases/?scope=all&q={num}" for num in numbers]),
                        ("case detail page", [f"/cases/{num}/" for num in numbers])]:
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

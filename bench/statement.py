"""Statement page p95 (issue 15.3) for a case with 10 years of charges and payments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_desk_bench nice .venv/bin/python bench/statement.py

Adds one generated case (seeded) with 120 months of ledger history (``ledger_backfill``), then
times ``/cases/<number>/statement/`` for the whole ten years, for one year, and the PDF, through the
Django test client. Prints figures; not a test.

``--rollback`` leaves the database as it was: the case, its ledger and the requests' writes are
made in one transaction rolled back at the end (for an office others are measuring too).
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

import django  # noqa: E402

django.setup()

from _client import client_environment  # noqa: E402
from django.test import Client  # noqa: E402


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from accounts.models import User
    from cases.generate import office_generate
    from cases.models import LedgerEntry
    from cases.services.ledger_backfill import ledger_backfill

    client_environment()
    result = office_generate(cases=1, seed=1510, months=120, ledger=False)
    from cases.ledger_dates import month_start
    from cases.models import Case, Obligation, SupportOrder

    case = Case.objects.get(pk=result.first_case_id)
    # The generator starts an order somewhere in its window: this case's order starts at the
    # window's first month, so the statement covers all ten years.
    start = month_start(timezone.localdate())
    for _ in range(119):
        start = month_start(start - timedelta(days=1))
    SupportOrder.objects.filter(case=case).update(issued_on=start, effective_on=start)
    Obligation.objects.filter(order__case=case).update(start_on=start, accrued_through=None)
    ledger_backfill(case_range=(result.first_case_id, result.last_case_id), months=120, seed=1510)
    entries = LedgerEntry.objects.filter(case=case).count()
    first = LedgerEntry.objects.filter(case=case).order_by("posted_on").values_list("posted_on", flat=True).first()
    admin, _ = User.objects.get_or_create(
        username="bench_statement_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    today = timezone.localdate()
    url = f"/cases/{case.case_number}/statement/"
    print(
        f"statement of {case.case_number}: {entries} ledger entries from {first} "
        f"({os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}); load {os.getloadavg()[0]:.1f}"
    )
    for label, path, params, n in (
        (
            "10 years, page",
            url,
            {"start": f"{(first or date(today.year - 10, 1, 1)):%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"},
            40,
        ),
        ("last 12 months, page", url, {}, 40),
        (
            "10 years, PDF",
            f"/cases/{case.case_number}/statement.pdf",
            {"start": f"{(first or date(today.year - 10, 1, 1)):%Y-%m-%d}", "end": f"{today:%Y-%m-%d}"},
            10,
        ),
    ):
        client.get(path, params)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"  {label:22} n={n:3} median {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms "
            f"({len(response.content) // 1024} KiB)"
        )


class _RolledBack(Exception):
    pass


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rollback", action="store_true", help="Undo every write at the end (one transaction).")
    if parser.parse_args().rollback:
        from django.db import transaction

        try:
            with transaction.atomic():
                main()
                raise _RolledBack
        except _RolledBack:
            print("  (rolled back: the database is as it was)")
    else:
        main()

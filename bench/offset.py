"""Benchmark: a federal offset certification for an office (issue 16.3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_offset .venv/bin/python bench/offset.py \
        [--cases 100000]

Builds the office when it has fewer open cases than asked, gives every case arrears and an active
federal tax offset action (bulk), then times the certification export twice: the first sends
every NCP (adds), the second only what changed (after 1% of the balances change).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from files import _ensure_office

    from cases.models import Case, CaseBalance
    from enforcement.choices import ActionStatus, Remedy
    from enforcement.models import EnforcementAction, RemedyRule
    from enforcement.services.partner_files import partner_file_export

    print(f"database: {connection.vendor}")
    t = time.perf_counter()
    _ensure_office(args.cases)
    print(f"office ready in {time.perf_counter() - t:.1f} s")
    rng = random.Random(7)
    rule = RemedyRule.objects.filter(remedy=Remedy.FEDERAL_TAX_OFFSET).order_by("pk").first()
    case_ids = list(Case.objects.filter(status="open").values_list("pk", flat=True)[: args.cases])
    have = set(
        EnforcementAction.objects.filter(remedy=Remedy.FEDERAL_TAX_OFFSET, status=ActionStatus.ACTIVE).values_list(
            "case_id", flat=True
        )
    )
    today = date.today()
    t = time.perf_counter()
    EnforcementAction.objects.filter(case_id__in=case_ids, remedy=Remedy.FEDERAL_TAX_OFFSET).exclude(
        status=ActionStatus.ACTIVE
    ).delete()
    EnforcementAction.objects.bulk_create(
        [
            EnforcementAction(
                case_id=pk,
                remedy=Remedy.FEDERAL_TAX_OFFSET,
                rule=rule,
                status=ActionStatus.ACTIVE,
                proposed_on=today,
                total_arrears=0,
                timeframe_start_on=today,
                timeframe_due_on=today,
                notice_issued_on=today,
                notice_total_arrears=0,
                activated_on=today,
            )
            for pk in case_ids
            if pk not in have
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    for start in range(0, len(case_ids), 5000):
        chunk = case_ids[start : start + 5000]
        CaseBalance.objects.filter(case_id__in=chunk).update(
            unassigned_arrears=Decimal(rng.randrange(100, 5000)), assigned_arrears=Decimal(rng.randrange(0, 400))
        )
    print(f"{len(case_ids)} cases with arrears and an active offset action in {time.perf_counter() - t:.1f} s")
    for label in ("first certification", "next certification (1% changed)"):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            partner_file = partner_file_export(kind="offset-certification", actor_label="bench")
        elapsed = time.perf_counter() - t
        print(
            f"{label}: {partner_file.record_count} records in {elapsed:.1f} s, "
            f"{len(queries.captured_queries)} SQL statements; counts {partner_file.counts}"
        )
        changed = case_ids[: max(1, len(case_ids) // 100)]
        CaseBalance.objects.filter(case_id__in=changed).update(unassigned_arrears=Decimal("4321.00"))


if __name__ == "__main__":
    main()

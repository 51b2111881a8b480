"""Figures for the complaints screens at volume: bulk-insert N complaints, then time the report,
the queue page query and the reminder sweep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_complaints \
        .venv/bin/python bench/complaints_report.py --complaints 50000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from accounts.models import User
    from complaints.choices import Category, ComplaintStatus, Outcome
    from complaints.models import Complaint, Notice
    from complaints.selectors import complaint_queue, complaint_report
    from complaints.services import reminders_send

    rng = random.Random(7)
    ombud, _ = User.objects.get_or_create(username="bench_ombud", defaults={"email": "o@example.org"})
    from django.contrib.auth.models import Group

    ombud.groups.add(Group.objects.get(name="ombudsperson"))
    Complaint.objects.filter(number__startswith="BEN-").delete()
    Notice.objects.filter(user=ombud).delete()
    today = date(2026, 11, 23)
    rows = []
    for i in range(args.complaints):
        received = today - timedelta(days=rng.randint(0, 730))
        due = received + timedelta(days=30)
        resolved = rng.random() < 0.85 and received + timedelta(days=5) < today
        done = min(today, received + timedelta(days=rng.randint(3, 45))) if resolved else None
        rows.append(
            Complaint(
                number=f"BEN-{i:08d}",
                channel="phone",
                jurisdiction="NY",
                complainant_name=f"Person {i}",
                contact_phone="518-555-0100",
                category=rng.choice(Category.values),
                description="bench",
                received_on=received,
                due_on=due,
                original_due_on=due,
                status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN,
                resolved_on=done,
                outcome=rng.choice(Outcome.values[:3]) if resolved else "",
                investigator=ombud if rng.random() < 0.5 else None,
            )
        )
    started = time.perf_counter()
    Complaint.objects.bulk_create(rows, batch_size=5000)
    print(f"inserted {len(rows)} complaints in {time.perf_counter() - started:.2f}s")

    for label, start, end in [
        ("month", date(2026, 10, 1), date(2026, 10, 31)),
        ("quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = complaint_report(start=start, end=end)
        print(
            f"report ({label}): {time.perf_counter() - started:.3f}s, {len(queries)} queries, "
            f"received={report.received} resolved={report.resolved} within%={report.within_pct}"
        )

    started = time.perf_counter()
    first_page = list(
        complaint_queue(user=User.objects.filter(is_superuser=True).first() or ombud).filter(status="open")[:25]
    )
    print(f"queue first page (open, by due date): {time.perf_counter() - started:.3f}s, {len(first_page)} rows")

    mail.outbox = []
    started = time.perf_counter()
    run = reminders_send(today=today)
    print(f"reminder sweep: {time.perf_counter() - started:.2f}s, overdue={run.overdue} due_soon={run.due_soon}")
    started = time.perf_counter()
    reminders_send(today=today)
    print(
        f"reminder sweep re-run (idempotent): {time.perf_counter() - started:.2f}s, "
        f"notices={Notice.objects.filter(user=ombud).count()}"
    )


if __name__ == "__main__":
    main()

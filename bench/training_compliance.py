"""Benchmark: required-training compliance for a large office, the compliance API page, and the
daily reminder run (first run creates reminders; the second, idempotent, creates none).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_training .venv/bin/python bench/training_compliance.py \
        [--staff 3000]

Migrates the database, bulk-creates bench staff (roles spread over every staff role, three
completions each over two years) when fewer exist, then prints wall times and query counts.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=3000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", verbosity=0)
    from accounts.models import User
    from training.models import Course, CourseCompletion, ReminderRun, TrainingReminder
    from training.selectors import compliance_rows
    from training.selectors import today as run_day
    from training.services import compliance_reminder_emails_send, compliance_reminders_send

    rng = random.Random(7)
    have = User.objects.filter(username__startswith="bench_staff_").count()
    groups = list(Group.objects.exclude(name__in=["partner_agency", "administrator"]))
    fti = Course.objects.get(is_fti_awareness=True)
    basics = Course.objects.get(code="program-basics")
    if have < args.staff:
        t = time.perf_counter()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench_staff_{i}",
                    first_name="Bench",
                    last_name=str(i),
                    unit=f"Unit {i % 12}",
                    email=f"bench{i}@caseworks.example",
                )
                for i in range(have, args.staff)
            ]
        )
        memberships = [User.groups.through(user_id=u.pk, group_id=rng.choice(groups).pk) for u in users]
        User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
        today = date.today()
        CourseCompletion.objects.bulk_create(
            [
                CourseCompletion(
                    user=u,
                    course=rng.choice([fti, basics]),
                    source="recorded",
                    completed_on=today - timedelta(days=rng.randint(0, 730)),
                )
                for u in users
                for _ in range(3)
            ],
            batch_size=5000,
        )
        print(f"created {len(users)} staff + {3 * len(users)} completions in {time.perf_counter() - t:.1f}s")

    for label, fn in [
        ("compliance_rows (all staff)", lambda: compliance_rows()),
        ("compliance_rows (status=overdue)", lambda: compliance_rows(statuses=["overdue"])),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            rows = fn()
            elapsed = time.perf_counter() - t
        print(f"{label}: {len(rows)} rows in {elapsed * 1000:.0f} ms, {len(ctx.captured_queries)} queries")

    from rest_framework.test import APIClient

    from accounts.services import partner_key_create

    _, raw = partner_key_create(agency_name="Bench agency", scopes=["training:read"], all_counties=True, kind="other")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.get("/api/v1/training/compliance/", {"page_size": 1}, HTTP_HOST="localhost")  # warm up imports
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        response = api.get("/api/v1/training/compliance/", {"page_size": 200}, HTTP_HOST="localhost")
        elapsed = time.perf_counter() - t
    print(
        f"API page of 200 (of {response.json().get('count')}): {elapsed * 1000:.0f} ms, "
        f"{len(ctx.captured_queries)} queries, status {response.status_code}"
    )

    TrainingReminder.objects.filter(user__username__startswith="bench_staff_").delete()
    ReminderRun.objects.filter(run_on=run_day()).delete()  # one run per day: today's again
    for attempt in ("first", "second (idempotent)"):
        t = time.perf_counter()
        run = compliance_reminders_send()
        # its e-mail job, here rather than through the broker (a second run the same day is the first)
        emails = compliance_reminder_emails_send(run_id=run.pk)["sent"]
        print(
            f"reminder run, {attempt}: {run.rows_checked} rows checked, {run.reminders_created} reminders, "
            f"{emails} emails in {time.perf_counter() - t:.1f}s"
        )


if __name__ == "__main__":
    main()

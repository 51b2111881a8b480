"""``manage.py generate_office --cases N --seed S``: add a realistic synthetic office (bulk inserts)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cases.generate import office_generate


class Command(BaseCommand):
    help = "Add N synthetic cases (people, employers, orders, two years of ledger) to the database."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=24, help="Months of charges and payments (0: none).")
        parser.add_argument("--chunk", type=int, default=10000, help="Cases per transaction.")

    def handle(self, *args, cases: int, seed: int, months: int, chunk: int, **options):
        if cases < 1 or cases > 2_000_000:
            raise CommandError("--cases must be between 1 and 2,000,000")
        if months < 0 or months > 120:
            raise CommandError("--months must be between 0 and 120")
        started = time.perf_counter()
        done = 0
        part = 0
        while done < cases:
            size = min(chunk, cases - done)
            result = office_generate(cases=size, seed=seed * 1000 + part, months=months or 1, ledger=months > 0)
            done += result.cases
            part += 1
            self.stdout.write(f"{done}/{cases} cases (ids {result.first_case_id}-{result.last_case_id}), "
                              f"{result.people} people, {result.orders} orders, ledger {result.ledger_counts}")
        self.stdout.write(self.style.SUCCESS(f"Generated {done} cases in {time.perf_counter() - started:.1f} s"))

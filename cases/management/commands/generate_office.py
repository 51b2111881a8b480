"""``manage.py generate_office --cases N --seed S``: add a realistic synthetic office, computed in
memory and written once per table (PostgreSQL ``COPY``; see ``cases.generate``)."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError

from cases.generate import office_generate


class Command(BaseCommand):
    help = (
        "Add N synthetic cases (people, employers, orders, assistance spells, two years of ledger) to the "
        "database, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=24, help="Months of charges and payments (0: none).")
        parser.add_argument(
            "--chunk", type=int, default=10000, help="Cases computed and written at a time (memory grows with it)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes computing the ledger histories (default: the CPU count; the office is the same).",
        )
        parser.add_argument(
            "--rebuild-indexes",
            choices=("auto", "yes", "no"),
            default="auto",
            help="Drop the loaded tables' secondary indexes and constraints for the load and build "
            "them once at the end (PostgreSQL; auto: from 10,000 cases when the office is not "
            "already larger).",
        )

    def handle(
        self, *args, cases: int, seed: int, months: int, chunk: int, rebuild_indexes: str, workers: int, **options
    ):
        if cases < 1 or cases > 2_000_000:
            raise CommandError("--cases must be between 1 and 2,000,000")
        if months < 0 or months > 120:
            raise CommandError("--months must be between 0 and 120")
        if chunk < 1 or chunk > 200_000:
            raise CommandError("--chunk must be between 1 and 200,000")
        if workers < 1 or workers > 64:
            raise CommandError("--workers must be between 1 and 64")
        started = time.perf_counter()
        result = office_generate(
            cases=cases,
            seed=seed,
            months=months or 1,
            ledger=months > 0,
            chunk=chunk,
            rebuild_indexes={"auto": None, "yes": True, "no": False}[rebuild_indexes],
            stdout=self.stdout,
            workers=workers,
        )
        self.stdout.write(
            f"{result.cases} cases (ids {result.first_case_id}-{result.last_case_id}), "
            f"{result.people} people, {result.orders} orders, ledger {result.ledger_counts}"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Generated {result.cases} cases in {time.perf_counter() - started:.1f} s")
        )

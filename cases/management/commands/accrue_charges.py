"""manage.py accrue_charges --through DATE — charge every obligation due date up to DATE (idempotent)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.services.ledger_accrual import ledger_run_accrual


class Command(BaseCommand):
    help = "Create the charges owed up to --through (default today); safe to run twice or late."

    def add_arguments(self, parser):
        parser.add_argument("--through", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, through=None, **options):
        try:
            day = date.fromisoformat(through) if through else timezone.localdate()
        except ValueError:
            raise CommandError("--through must be a date YYYY-MM-DD")
        if day > timezone.localdate():
            raise CommandError("--through cannot be in the future")
        run = ledger_run_accrual(through=day)
        self.stdout.write(self.style.SUCCESS(f"Accrued through {day}: {run.counts}"))

"""manage.py verify_ledger — recompute every case balance from the ledger entries; exit 1 on any difference."""

from django.core.management.base import BaseCommand, CommandError

from cases.ledger_verify import ledger_differences


class Command(BaseCommand):
    help = "Recompute every balance from the ledger entries, print the differences, exit non-zero when any."

    def handle(self, *args, **options):
        differences = ledger_differences()
        for d in differences:
            self.stdout.write(f"{d.case_number or d.case_id}\t{d.figure}\tstored {d.stored}\trecomputed {d.recomputed}")
        if differences:
            raise CommandError(f"{len(differences)} difference(s) between balances and ledger entries.")
        self.stdout.write(self.style.SUCCESS("Every balance matches its ledger entries."))

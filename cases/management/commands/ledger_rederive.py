"""manage.py ledger_rederive — re-derive assignment (month of assistance) and distribution (month
of collection) for existing ledgers through the ledger services; then verify every balance."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.ledger_verify import ledger_differences
from cases.models import Case
from cases.services.ledger_redistribute import ledger_rederive


class Command(BaseCommand):
    help = (
        "Re-derive every case's arrears assignment by month of assistance and its distribution by month of "
        "collection (reversals and new entries, events), then verify the balances; exit 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case-range", nargs=2, type=int, metavar=("FIRST_ID", "LAST_ID"))

    def handle(self, *args, case_range=None, **options):
        cases = Case.objects.order_by("pk")
        if case_range:
            cases = cases.filter(pk__gte=case_range[0], pk__lte=case_range[1])
        on = timezone.localdate()
        totals = {"cases": 0, "spells_opened": 0, "months_reassigned": 0, "collections_redistributed": 0}
        for case in cases.iterator(chunk_size=500):
            with transaction.atomic():
                result = ledger_rederive(case=case, on=on, by=None)
            totals["cases"] += 1
            totals["spells_opened"] += result.spells_opened
            totals["months_reassigned"] += result.months_reassigned
            totals["collections_redistributed"] += result.collections_redistributed
        self.stdout.write(" ".join(f"{name}={value}" for name, value in totals.items()))
        differences = ledger_differences(case_range=tuple(case_range) if case_range else None)
        for d in differences:
            self.stdout.write(f"{d.case_number or d.case_id}\t{d.figure}\tstored {d.stored}\trecomputed {d.recomputed}")
        if differences:
            raise CommandError(f"{len(differences)} difference(s) between balances and ledger entries.")
        self.stdout.write(self.style.SUCCESS("Re-derived; every balance matches its ledger entries."))

"""Write the day's pending family disbursements as a NACHA PPD credit file:
``manage.py export_disbursements --date YYYY-MM-DD [--output PATH] [--json]``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enforcement.services.disbursements import disbursements_export


class Command(BaseCommand):
    help = "Export pending family disbursements (received up to --date) as a NACHA PPD credit file."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="on", type=date.fromisoformat, default=None,
                            help="Export date YYYY-MM-DD (default today).")
        parser.add_argument("--output", type=Path, default=None, help="Write the file here (default: stored only).")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, on: date | None, output: Path | None, **options):
        on = on or timezone.localdate()
        try:
            result = disbursements_export(on=on)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        data = result.as_dict()
        if result.export is not None and output is not None:
            output.write_text(result.export.content, encoding="ascii")
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        elif result.export is None:
            self.stdout.write(f"Nothing to export for {on} ({len(result.skipped)} skipped).")
        else:
            self.stdout.write(f"{data['reference']}: {data['entries']} entries, total {data['total_credit']}, "
                              f"entry hash {data['entry_hash']}; {len(result.skipped)} skipped")
        for skipped in result.skipped:
            self.stdout.write(f"  skipped disbursement {skipped['disbursement']} ({skipped['case_number']}): "
                              f"{skipped['reason']}")

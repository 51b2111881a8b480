"""Write the day's pending family disbursements as a NACHA PPD credit file:
``manage.py export_disbursements --date YYYY-MM-DD [--output PATH] [--json]``."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enforcement.services.disbursements import disbursements_export


def _write(output: Path, content: str) -> None:
    """Write the file whole or not at all (a temporary file renamed into place)."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(content.encode("ascii"))
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CommandError(
            f"The file was exported and stored but could not be written to {output}: {exc}. "
            "Download it from the disbursement file's page or the partner API."
        ) from exc


class Command(BaseCommand):
    help = "Export pending family disbursements (received up to --date) as a NACHA PPD credit file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="on", type=date.fromisoformat, default=None, help="Export date YYYY-MM-DD (default today)."
        )
        parser.add_argument("--output", type=Path, default=None, help="Write the file here (default: stored only).")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--keep-case",
            action="store_true",
            help="Keep the case of names (transliterated to ASCII) instead of upper-casing them.",
        )

    def handle(self, *args, on: date | None, output: Path | None, **options):
        on = on or timezone.localdate()
        try:
            result = disbursements_export(on=on, uppercase=not options["keep_case"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        data = result.as_dict()
        if result.export is not None and output is not None:
            _write(output, result.export.content)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        elif result.export is None:
            self.stdout.write(f"Nothing to export for {on} ({len(result.skipped)} skipped).")
        else:
            self.stdout.write(
                f"{data['reference']}: {data['entries']} entries, total {data['total_credit']}, "
                f"entry hash {data['entry_hash']}; {len(result.skipped)} skipped"
            )
        for skipped in result.skipped:
            self.stdout.write(
                f"  skipped disbursement {skipped['disbursement']} ({skipped['case_number']}): {skipped['reason']}"
            )

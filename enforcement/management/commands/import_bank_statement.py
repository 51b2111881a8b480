"""Import a BAI2 bank statement and reconcile it: ``manage.py import_bank_statement FILE [--json]``.

A statement whose control totals or record counts disagree is refused whole (exit 1, nothing
stored); a statement imported before changes nothing (exit 0).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enforcement.choices import FileVia, StatementStatus
from enforcement.services.bank import bank_statement_import_now


class Command(BaseCommand):
    help = "Import a BAI2 bank statement, match it to the books and print its report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        _, report = bank_statement_import_now(name=file.name, content=content, via=FileVia.COMMAND)
        data = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        elif report.status == StatementStatus.DUPLICATE:
            self.stdout.write(f"{file.name}: imported before (statement {report.statement}); nothing changed.")
        else:
            self.stdout.write(
                f"{file.name}: {report.status} — {report.stored} items stored ({report.already_known} known before), "
                f"{report.matched} matched, {report.partial} partial, {report.unmatched} unmatched")
            for account in report.skipped_accounts:
                self.stdout.write(f"  skipped account {account['account']} (line {account['line']}, "
                                  f"{account['transactions']} items): not configured by the office")
            for error in report.errors:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
        if report.status == StatementStatus.REFUSED:
            raise CommandError(f"{file.name} was refused: nothing was stored.")

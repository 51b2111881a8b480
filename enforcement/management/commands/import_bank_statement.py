"""Import a BAI2 bank statement and reconcile it: ``manage.py import_bank_statement FILE [--json]``.

A statement whose control totals or record counts disagree is refused whole (exit 1, nothing
stored); a statement imported before changes nothing (exit 0).
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from enforcement.choices import FileVia, StatementStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.bank import bank_statement_import_now


class Command(FileImportCommand):
    help = "Import a BAI2 bank statement, match it to the books and print its report."

    def import_file(self, name: str, content: bytes, *, as_json: bool) -> None:
        _, report = bank_statement_import_now(name=name, content=content, via=FileVia.COMMAND)
        data = report.as_dict()
        if as_json:
            self.stdout.write(json.dumps(data, indent=2))
        elif report.status == StatementStatus.DUPLICATE:
            self.stdout.write(f"{name}: imported before (statement {report.statement}); nothing changed.")
        else:
            self.stdout.write(
                f"{name}: {report.status} — {report.stored} items stored ({report.already_known} known before), "
                f"{report.matched} matched, {report.partial} partial, {report.unmatched} unmatched"
            )
            for account in report.skipped_accounts:
                self.stdout.write(
                    f"  skipped account {account['account']} (line {account['line']}, "
                    f"{account['transactions']} items): not configured by the office"
                )
            for error in report.errors:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
        if report.status == StatementStatus.REFUSED:
            raise CommandError(f"{name} was refused: nothing was stored.")

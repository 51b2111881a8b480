"""Import a BAI2 bank statement and reconcile it: ``manage.py import_bank_statement FILE [--json]``.

A statement whose control totals or record counts disagree is refused whole (exit 1, nothing
stored); a statement imported before changes nothing (exit 0).
"""

from __future__ import annotations

from collections.abc import Iterator

from enforcement.choices import FileVia, StatementStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.bank import bank_statement_import_now


class Command(FileImportCommand):
    help = "Import a BAI2 bank statement, match it to the books and print its report."

    def import_file(self, name: str, content: bytes) -> tuple[dict, str]:
        _, report = bank_statement_import_now(name=name, content=content, via=FileVia.COMMAND)
        refused = report.status == StatementStatus.REFUSED
        return report.as_dict(), f"{name} was refused: nothing was stored." if refused else ""

    def report_lines(self, name: str, report: dict) -> Iterator[str]:
        if report["status"] == StatementStatus.DUPLICATE:
            yield f"{name}: imported before (statement {report['statement']}); nothing changed."
            return
        yield (
            f"{name}: {report['status']} — {report['stored']} items stored ({report['already_known']} known "
            f"before), {report['matched']} matched, {report['partial']} partial, {report['unmatched']} unmatched"
        )
        for account in report["skipped_accounts"]:
            yield (
                f"  skipped account {account['account']} (line {account['line']}, "
                f"{account['transactions']} items): not configured by the office"
            )
        for error in report["errors"]:
            yield f"  line {error['line']}: {error['reason']}"

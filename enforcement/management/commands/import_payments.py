"""Import an employer NACHA CCD+ payment file: ``manage.py import_payments FILE [--json]``.

Prints the import report; exits non-zero when the file is rejected (nothing posted).
"""

from __future__ import annotations

from collections.abc import Iterator

from enforcement.choices import FileVia, PaymentFileStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.payments import payment_file_import_now


class Command(FileImportCommand):
    help = "Import an employer NACHA CCD+ child support payment file and print its report."

    def import_file(self, name: str, content: bytes) -> tuple[dict, str]:
        payment_file = payment_file_import_now(
            name=name, content=content, via=FileVia.COMMAND, actor_label="import_payments"
        )
        failed = payment_file.status not in (PaymentFileStatus.IMPORTED, PaymentFileStatus.DUPLICATE)
        return payment_file.report, f"{name} was {payment_file.status}: nothing was posted." if failed else ""

    def report_lines(self, name: str, report: dict) -> Iterator[str]:
        yield (
            f"{name}: {report['status']} — {report['entries']} entries, {report['posted']} posted, "
            f"{report['held']} held, {report['duplicates']} duplicates, {report['late']} late, "
            f"{len(report['errors'])} errors"
        )
        if report.get("padded"):
            yield f"  {report['padded']} right-trimmed records were padded with blanks to 94 characters"
        for error in report["errors"]:
            yield f"  line {error['line']}: {error['reason']}"
        for held in report["held_entries"]:
            yield f"  held line {held['line']} {held['case_id']} {held['amount']}: {held['reason']}"

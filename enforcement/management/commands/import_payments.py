"""Import an employer NACHA CCD+ payment file: ``manage.py import_payments FILE [--json]``.

Prints the import report; exits non-zero when the file is rejected (nothing posted).
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from enforcement.choices import FileVia, PaymentFileStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.payments import payment_file_import_now


class Command(FileImportCommand):
    help = "Import an employer NACHA CCD+ child support payment file and print its report."

    def import_file(self, name: str, content: bytes, *, as_json: bool) -> None:
        payment_file = payment_file_import_now(
            name=name, content=content, via=FileVia.COMMAND, actor_label="import_payments"
        )
        report = payment_file.report
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(
                f"{name}: {report['status']} — {report['entries']} entries, {report['posted']} posted, "
                f"{report['held']} held, {report['duplicates']} duplicates, {report['late']} late, "
                f"{len(report['errors'])} errors"
            )
            if report.get("padded"):
                self.stdout.write(
                    f"  {report['padded']} right-trimmed records were padded with blanks to 94 characters"
                )
            for error in report["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
            for held in report["held_entries"]:
                self.stdout.write(f"  held line {held['line']} {held['case_id']} {held['amount']}: {held['reason']}")
        if payment_file.status != PaymentFileStatus.IMPORTED and payment_file.status != PaymentFileStatus.DUPLICATE:
            raise CommandError(f"{name} was {payment_file.status}: nothing was posted.")

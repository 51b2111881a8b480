"""Import an employer NACHA CCD+ payment file: ``manage.py import_payments FILE [--json]``.

Prints the import report; exits non-zero when the file is rejected (nothing posted).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enforcement.choices import FileVia, PaymentFileStatus
from enforcement.services.payments import payment_file_import_now


class Command(BaseCommand):
    help = "Import an employer NACHA CCD+ child support payment file and print its report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        payment_file = payment_file_import_now(name=file.name, content=content, via=FileVia.COMMAND,
                                               actor_label="import_payments")
        report = payment_file.report
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(
                f"{file.name}: {report['status']} — {report['entries']} entries, {report['posted']} posted, "
                f"{report['held']} held, {report['duplicates']} duplicates, {report['late']} late, "
                f"{len(report['errors'])} errors")
            if report.get("padded"):
                self.stdout.write(f"  {report['padded']} right-trimmed records were padded with blanks to 94 characters")
            for error in report["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
            for held in report["held_entries"]:
                self.stdout.write(f"  held line {held['line']} {held['case_id']} {held['amount']}: {held['reason']}")
        if payment_file.status != PaymentFileStatus.IMPORTED and payment_file.status != PaymentFileStatus.DUPLICATE:
            raise CommandError(f"{file.name} was {payment_file.status}: nothing was posted.")

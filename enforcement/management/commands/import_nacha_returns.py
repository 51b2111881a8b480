"""Import a NACHA return file for the office's disbursements:
``manage.py import_nacha_returns FILE [--json]``.

Prints the report; exits non-zero when the file is rejected (nothing changed).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from enforcement.choices import FileVia, ReturnFileStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.returns import nacha_return_import


class Command(FileImportCommand):
    help = "Import a NACHA return/NOC file for the office's disbursement files and print its report."

    def import_file(self, name: str, content: bytes, *, as_json: bool) -> None:
        try:
            row = nacha_return_import(
                name=name, content=content, via=FileVia.COMMAND, actor_label="import_nacha_returns"
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = row.report
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(
                f"{name}: {report['status']} — {report['returns']} returns "
                f"({report['held_amount']} held undistributed), {report['notifications']} "
                f"notifications of change, {report['duplicates']} duplicates, "
                f"{report['unmatched']} unmatched, {len(report['errors'])} errors"
            )
            for item in report["items"]:
                self.stdout.write(
                    f"  line {item['line']} {item['code']} {item['case_number']}: {item['outcome']}"
                    + (f" ({item['reason']})" if item.get("reason") else "")
                )
            for error in report["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
        if row.status == ReturnFileStatus.REJECTED:
            raise CommandError("The file was rejected; nothing changed.")

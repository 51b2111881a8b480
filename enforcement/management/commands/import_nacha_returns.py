"""Import a NACHA return file for the office's disbursements:
``manage.py import_nacha_returns FILE [--json]``.

Prints the report; exits non-zero when the file is rejected (nothing changed).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from enforcement.choices import FileVia, ReturnFileStatus
from enforcement.management.file_command import FileImportCommand
from enforcement.services.returns import nacha_return_import


class Command(FileImportCommand):
    help = "Import a NACHA return/NOC file for the office's disbursement files and print its report."

    def import_file(self, name: str, content: bytes) -> tuple[dict, str]:
        try:
            row = nacha_return_import(
                name=name, content=content, via=FileVia.COMMAND, actor_label="import_nacha_returns"
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        rejected = row.status == ReturnFileStatus.REJECTED
        return row.report, "The file was rejected; nothing changed." if rejected else ""

    def report_lines(self, name: str, report: dict) -> Iterator[str]:
        yield (
            f"{name}: {report['status']} — {report['returns']} returns "
            f"({report['held_amount']} held undistributed), {report['notifications']} "
            f"notifications of change, {report['duplicates']} duplicates, "
            f"{report['unmatched']} unmatched, {len(report['errors'])} errors"
        )
        for item in report["items"]:
            yield f"  line {item['line']} {item['code']} {item['case_number']}: {item['outcome']}" + (
                f" ({item['reason']})" if item.get("reason") else ""
            )
        for error in report["errors"]:
            yield f"  line {error['line']}: {error['reason']}"

"""The shared shape of the file import commands (``import_payments``, ``import_bank_statement``,
``import_nacha_returns``): one FILE argument, ``--json`` for the report, an unreadable file is a
clear error (exit 1) before anything is stored, and a file the import refused exits 1 after its
report is printed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class FileImportCommand(BaseCommand):
    """A command names its import (``import_file``) and how its report reads (``report_lines``)."""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        report, refusal = self.import_file(file.name, content)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for line in self.report_lines(file.name, report):
                self.stdout.write(line)
        if refusal:
            raise CommandError(refusal)

    def import_file(self, name: str, content: bytes) -> tuple[dict[str, Any], str]:  # pragma: no cover - overridden
        """Import the file: its report, and why the command fails ("" when it succeeds)."""
        raise NotImplementedError

    def report_lines(self, name: str, report: dict[str, Any]) -> Iterable[str]:  # pragma: no cover - overridden
        raise NotImplementedError

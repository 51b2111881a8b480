"""The shared shape of the file import commands (``import_payments``, ``import_bank_statement``,
``import_nacha_returns``): one FILE argument, ``--json`` for the report, an unreadable file is a
clear error (exit 1) before anything is stored."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class FileImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        self.import_file(file.name, content, as_json=options["json"])

    def import_file(self, name: str, content: bytes, *, as_json: bool) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

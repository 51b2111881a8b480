"""Base classes of the partner file commands (issue 16 contracts).

Every import command: exits 0 on an accepted file ("accepted") or one imported before
("already imported as file #N: nothing changed"), non-zero with a line-numbered message on a
refused one; its last line of output is the file's counts (``count_line``)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enforcement.choices import FileVia, PartnerFileStatus
from enforcement.services.partner_files import count_line, partner_file_export, partner_file_submit


class PartnerFileImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            # The command is itself the long-running process: it imports in the foreground.
            partner_file, _ = partner_file_submit(
                kind=self.kind,
                name=file.name,
                content=content,
                via=FileVia.COMMAND,
                actor_label=f"manage.py {self.command_name}",
                background=False,
            )
        except ValidationError as exc:
            raise CommandError(f"{file.name} refused: line 0: {' '.join(exc.messages)}") from exc
        status = partner_file.status
        if status == PartnerFileStatus.ACCEPTED:
            self.stdout.write(f"{file.name}: accepted (file #{partner_file.pk}).")
        elif status == PartnerFileStatus.REPLAY:
            self.stdout.write(f"{file.name}: already imported as file #{partner_file.replay_of_id}: nothing changed.")
        else:
            self.stdout.write(f"{file.name}: refused (file #{partner_file.pk}): nothing was recorded.")
            for error in partner_file.errors:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
        self.stdout.write(count_line(partner_file))
        if status not in (PartnerFileStatus.ACCEPTED, PartnerFileStatus.REPLAY):
            first = partner_file.errors[0] if partner_file.errors else {"line": 0, "reason": status}
            raise CommandError(
                f"{file.name} refused: line {first['line']}: {first['reason']}"
                + (f" (and {len(partner_file.errors) - 1} more)" if len(partner_file.errors) > 1 else "")
            )

    @property
    def command_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]


class PartnerFileExportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, help="Where to write the file.")

    def export_options(self, options) -> dict:
        return {}

    def handle(self, *args, output: Path, **options):
        try:
            partner_file = partner_file_export(
                kind=self.kind,
                via=FileVia.COMMAND,
                actor_label=f"manage.py {self.__module__.rsplit('.', 1)[-1]}",
                **self.export_options(options),
            )
        except ValidationError as exc:
            raise CommandError("The file was not built: " + "; ".join(exc.messages)) from exc
        try:
            output.write_bytes(bytes(partner_file.content))
        except OSError as exc:
            raise CommandError(
                f"Cannot write {output}: {exc.strerror} (the file is stored as #{partner_file.pk})"
            ) from exc
        where = (
            "waiting for the state office to fetch it through the API"
            if partner_file.status == PartnerFileStatus.READY
            else "ready to transmit"
        )
        self.stdout.write(f"{output}: file #{partner_file.pk} written, {where}.")
        self.stdout.write(count_line(partner_file))

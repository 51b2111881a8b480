"""manage.py rotate_field_keys: re-encrypt every encrypted value under the first key.

Rotation, step by step (README, "Keys that can be rotated"):
1. put the new key first in CASEWORKS_FIELD_ENCRYPTION_KEYS, keep the old ones after it; restart;
2. run this command (resumable: run it again after an interruption);
3. when it reports nothing undecryptable, drop the old keys.
The same run recomputes every blind index, so changing CASEWORKS_BLIND_INDEX_KEY is step 1 and 2.
"""

from django.core.management.base import BaseCommand, CommandError

from core.key_rotation import FieldRotation, encrypted_fields, field_rotate
from core.models import AccessLog
from core.services import access_log_record


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field value under the first key of CASEWORKS_FIELD_ENCRYPTION_KEYS "
        "and recompute every blind index; resumable. Values that decrypt under no key are listed, never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        reports: list[FieldRotation] = []
        for model, encrypted in encrypted_fields():
            report = field_rotate(
                model=model, encrypted=encrypted, batch_size=batch_size, dry_run=dry_run, progress=self._progress
            )
            reports.append(report)
        read = sum(r.read for r in reports)
        reencrypted = sum(r.reencrypted for r in reports)
        reindexed = sum(r.reindexed for r in reports)
        bad = [(r, pk) for r in reports for pk in r.undecryptable]
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            f"Done{' (dry run)' if dry_run else ''}: {len(reports)} encrypted fields, {read} values read, "
            f"{reencrypted} {verb}, {reindexed} blind indexes recomputed, {len(bad)} undecryptable."
        )
        if not dry_run:
            access_log_record(
                kind=AccessLog.Kind.ADMIN_COMMAND,
                username="manage.py",
                detail={
                    "command": "rotate_field_keys",
                    "read": read,
                    "reencrypted": reencrypted,
                    "reindexed": reindexed,
                    "undecryptable": [f"{r.table}:{pk}" for r, pk in bad][:1000],
                },
            )
        if bad:
            for report, pk in bad:
                self.stderr.write(
                    f"Undecryptable under every configured key, left unchanged: "
                    f"table {report.table} id {pk} ({report.label})"
                )
            raise CommandError(
                f"{len(bad)} value(s) decrypt under no configured key (listed above). Add the key they were written "
                "with to CASEWORKS_FIELD_ENCRYPTION_KEYS (or DJANGO_SECRET_KEY_FALLBACKS) and run again."
            )

    def _progress(self, report: FieldRotation, last_pk) -> None:
        self.stdout.write(
            f"{report.label}: {report.read}/{report.total} read, {report.reencrypted} re-encrypted, "
            f"{report.reindexed} reindexed, {len(report.undecryptable)} undecryptable (last id {last_pk})"
        )

"""manage.py integrity_report: the rows each data check finds (``core.integrity``), for the office.

Read-only. Run it after an upgrade whose release notes name a data check, and decide each row as
the check's "why" says (docs/operations.md, "Data checks after a fix")."""

from django.core.management.base import BaseCommand, CommandError

from core.csv import SafeCsvWriter
from core.integrity import declared_checks
from core.models import AccessLog
from core.services import access_log_record


class Command(BaseCommand):
    help = "List the rows each data check finds: data written before a fix, for the office to decide. Writes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="append", default=[], metavar="NAME", help="Only this check (repeatable)."
        )
        parser.add_argument(
            "--csv", dest="as_csv", action="store_true", help="One CSV row per finding: check, reference, detail."
        )
        parser.add_argument("--list", dest="list_only", action="store_true", help="Name the checks, run none.")
        parser.add_argument(
            "--fail-if-found", action="store_true", help="Exit with status 1 when any check finds a row (monitoring)."
        )

    def handle(self, *args, check: list[str], as_csv: bool, list_only: bool, fail_if_found: bool, **options):
        checks = declared_checks()
        known = {c.name for c in checks}
        unknown = sorted(set(check) - known)
        if unknown:
            raise CommandError(f"No data check named {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        if check:
            checks = [c for c in checks if c.name in check]
        if list_only:
            for item in checks:
                self.stdout.write(f"{item.name}: {item.title}")
            return
        found = self._write_csv(checks) if as_csv else self._write_text(checks)
        # The rows name cases, complaints and staff: who ran the report, and what it found, is logged.
        access_log_record(
            kind=AccessLog.Kind.ADMIN_COMMAND,
            username="manage.py",
            detail={"command": "integrity_report", "checks": [c.name for c in checks], "found": found},
        )
        if fail_if_found and found:
            raise CommandError(f"{found} row(s) found.", returncode=1)

    def _write_csv(self, checks) -> int:
        writer = SafeCsvWriter(self.stdout)
        writer.writerow(["check", "reference", "detail"])
        found = 0
        for item in checks:
            for row in item.find():
                writer.writerow([item.name, row.reference, row.detail])
                found += 1
        return found

    def _write_text(self, checks) -> int:
        found = 0
        for item in checks:
            rows = list(item.find())
            found += len(rows)
            self.stdout.write(self.style.MIGRATE_HEADING(f"{item.name}: {item.title}"))
            self.stdout.write(f"  Why: {item.why}")
            if not rows:
                self.stdout.write(self.style.SUCCESS("  Nothing found."))
                continue
            self.stdout.write(self.style.WARNING(f"  {len(rows)} found:"))
            for row in rows:
                self.stdout.write(f"    {row.reference}  {row.detail}")
        return found

"""Run the enforcement sweep now, in this process, and print the run's counts."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from enforcement.services.sweep import DEFAULT_CHUNK_SIZE, sweep_run_inline


class Command(BaseCommand):
    help = "Run the nightly enforcement sweep at once (in process) and print its counts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Evaluate as of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)

    def handle(self, *args, **options):
        from django.utils import timezone

        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be positive")
        run = sweep_run_inline(as_of=as_of, chunk_size=options["chunk_size"], triggered_by="command")
        self.stdout.write(
            f"sweep run {run.pk} as of {run.as_of}: status={run.status} chunks={run.chunk_count} "
            f"cases_examined={run.cases_examined} proposed={run.proposed} advanced={run.advanced} "
            f"released={run.released} errors={run.errors} seconds={run.duration_seconds:.2f}"
        )
        if run.errors:
            raise CommandError(f"{run.errors} chunk(s) failed: {run.error_detail[:500]}")

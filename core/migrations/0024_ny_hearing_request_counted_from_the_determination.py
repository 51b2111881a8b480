"""The note of ``ny.hearing.request_days`` (60, from 2026-12-07, 18 NYCRR 358-3.5(b)(1)) said the
office's letters count from the notice's receipt, "which is never shorter". The count now follows the
regulation, "within 60 days after the social services agency's determination": from the day the
resolution was reached (``core.deadlines.HEARING_REQUEST_COUNTED_FROM``); a deadline a notice
already stated is honoured when later (``hearings.deadlines.filing_deadline``). The note is shown on
the Legal parameters page, so the row's note is rewritten, with a history entry (core 0014's).
Value and citation do not change. Only a row still holding the seeded note is changed: a note an
administrator rewrote is left as it is. Numbered after core 0023; renumber if another core 0024
lands first.
"""

from datetime import date
from decimal import Decimal
from importlib import import_module

from django.db import migrations
from django.utils import timezone

CORE_0014 = import_module("core.migrations.0014_pass_through_rows_corrected_against_the_texts")

KEY = "ny.hearing.request_days"
CORRECTED_ON = date(2026, 12, 7)
OLD_NOTE = (
    "Calendar days; the regulation counts from the agency's determination (the office's letters count from "
    "its receipt, which is never shorter). Replaces the mirror of California's 90."
)
NEW_NOTE = (
    "Calendar days from the agency's determination, the written resolution's date (as the regulation counts; "
    "a notice that stated a later day is honoured). Replaces the mirror of California's 90."
)
REASON = "Counted from the determination, 18 NYCRR 358-3.5(b)(1) (core 0024)"


def _apply(apps, schema_editor, *, forward: bool):
    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    before, after = (OLD_NOTE, NEW_NOTE) if forward else (NEW_NOTE, OLD_NOTE)
    rows = legal.objects.using(db).filter(
        key=KEY, jurisdiction="NY", effective_on=CORRECTED_ON, value=Decimal(60), note=before
    )
    for row in rows:
        row.note = after
        row.save(update_fields=["note"])
        # The history entry as core 0014 writes its corrections'.
        CORE_0014._record(
            apps.get_model("core", "HistoricalLegalParameter"),
            db,
            row,
            "~",
            REASON if forward else f"Undo: {REASON}",
            timezone.now(),
        )


def recount(apps, schema_editor):
    _apply(apps, schema_editor, forward=True)


def undo(apps, schema_editor):
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0023_ny_2026_poverty_confirmed")]

    operations = [migrations.RunPython(recount, undo)]

"""The notes of ``us.ccpa.arrears_12_weeks_addition_pct`` and ``us.iwo.arrears_weeks`` said the
higher CCPA limit applies "when the support is more than 12 weeks in arrears" and to "weeks of
support in arrears above which" it applies: an amount. 15 USC 1673(b)(2) raises the 50 % and 60 %
by 5 points "if and to the extent that such earnings are subject to garnishment to enforce a support
order with respect to a period which is prior to the twelve-week period which ends with the
beginning of such workweek": the age of the support owed. ``enforcement.services.withholding.
iwo_figures`` now decides by age (``cases.ledger.selectors.support_unpaid_since``). The notes are
shown on the Legal parameters page, so they are rewritten, with a history entry (core 0014's), as
core 0024 did. Values and citations do not change; a note an administrator rewrote is left as it
is. Numbered after core 0025; renumber if another core 0026 lands first.
"""

from datetime import date
from decimal import Decimal
from importlib import import_module

from django.db import migrations
from django.utils import timezone

CORE_0014 = import_module("core.migrations.0014_pass_through_rows_corrected_against_the_texts")

CCPA = date(1970, 7, 1)
NOTES = {
    "us.ccpa.arrears_12_weeks_addition_pct": (
        Decimal(5),
        "Added to either limit when the support is more than 12 weeks in arrears.",
        "Added to either limit when support owed is for a period before the 12 weeks ending with the workweek.",
    ),
    "us.iwo.arrears_weeks": (
        Decimal(12),
        "Weeks of support in arrears above which the higher CCPA limit applies.",
        "Support owed for a period before this many weeks (ending with the workweek) raises the CCPA "
        "limit: the age of the arrears decides, not their amount.",
    ),
}
REASON = "Arrears over 12 weeks by their age, 15 USC 1673(b)(2) (core 0026)"


def _apply(apps, schema_editor, *, forward: bool):
    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    history = apps.get_model("core", "HistoricalLegalParameter")
    now = timezone.now()
    for key, (value, old, new) in NOTES.items():
        before, after = (old, new) if forward else (new, old)
        rows = legal.objects.using(db).filter(key=key, jurisdiction="US", effective_on=CCPA, value=value, note=before)
        for row in rows:
            row.note = after
            row.save(update_fields=["note"])
            CORE_0014._record(history, db, row, "~", REASON if forward else f"Undo: {REASON}", now)


def reword(apps, schema_editor):
    _apply(apps, schema_editor, forward=True)


def undo(apps, schema_editor):
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0025_iwo_start_days_per_state")]

    operations = [migrations.RunPython(reword, undo)]

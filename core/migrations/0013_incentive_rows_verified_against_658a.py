"""The federal incentive rows that were marked ``confirm`` (from a secondary source) are verified
against the law's own text: the statute sets out the same tables and improvement exceptions, row by
row (42 USC 658a(b)(6)(A)(ii) and (B)(ii): paternity and support orders, 50% -> 60 … below 50% -> 0;
(C)(ii) and (D)(ii): current and arrears collections, 80% -> 100 … 40% -> 50, below 40% -> 0, and
"less than 40 percent but exceeds by at least 5 percentage points … the applicable percentage … is 50
percent"). The values do not change; the rows lose their ``confirm`` flag (and the collections
exceptions get the exact paragraph cited), with a history entry each.

Only a row still as seeded (same value, same citation, still ``confirm``) is changed: a row an
administrator corrected is left as it is.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

FEDERAL_FROM = date(1999, 10, 1)
REASON = "Verified against 42 USC 658a(b)(6) (core 0013)"
OLD_EXCEPTION_CITE = "45 CFR 305.33; 42 USC 658a(b)(6)"
NEW_EXCEPTION_CITE = {
    "current_collections": "45 CFR 305.33; 42 USC 658a(b)(6)(C)(ii)",
    "arrears_collections": "45 CFR 305.33; 42 USC 658a(b)(6)(D)(ii)",
}


def _table_rows():
    """(key, seeded value, citation) of the table rows that were seeded with ``confirm``."""
    rows = []
    # Table 1: band n = 12 + (69 - p) for p = 69 … 50; the rows 58 … 50 were marked confirm.
    for p in range(58, 49, -1):
        n = 12 + (69 - p)
        rows.append((f"us.incentive.establishment.band.{n}.floor", p, "45 CFR 305.33, table 1"))
        rows.append((f"us.incentive.establishment.band.{n}.percentage", p + 10, "45 CFR 305.33, table 1"))
    # Table 2: band 1 = 80, bands 2-11 = 79 … 70, bands 12-40 = 69 … 41: all were marked confirm.
    for n, p in [(1, 80), *((2 + (79 - q), q) for q in range(79, 40, -1))]:
        pct = 100 if p == 80 else (100 - 2 * (80 - p) if p >= 70 else p + 10)
        rows.append((f"us.incentive.collections.band.{n}.floor", p, "45 CFR 305.33, table 2"))
        rows.append((f"us.incentive.collections.band.{n}.percentage", pct, "45 CFR 305.33, table 2"))
    return [(key, value, cite, cite) for key, value, cite in rows]


def _exception_rows():
    rows = []
    for measure, new_cite in NEW_EXCEPTION_CITE.items():
        for part, value in (("below", 40), ("min_gain", 5), ("percentage", 50)):
            rows.append((f"us.incentive.exception.{measure}.{part}", value, OLD_EXCEPTION_CITE, new_cite))
    return rows


def _apply(apps, schema_editor, *, forward: bool):
    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    history = apps.get_model("core", "HistoricalLegalParameter")
    now = timezone.now()
    for key, value, old_cite, new_cite in _table_rows() + _exception_rows():
        before, after = (old_cite, new_cite) if forward else (new_cite, old_cite)
        row = (
            legal.objects.using(db)
            .filter(
                key=key,
                jurisdiction="US",
                effective_on=FEDERAL_FROM,
                value=Decimal(value),
                citation=before,
                confirm=forward,
            )
            .first()
        )
        if row is None:
            continue
        row.confirm, row.citation = not forward, after
        row.save(update_fields=["confirm", "citation"])
        history.objects.using(db).create(
            id=row.pk,
            key=row.key,
            jurisdiction=row.jurisdiction,
            effective_on=row.effective_on,
            value=row.value,
            citation=row.citation,
            confirm=row.confirm,
            note=row.note,
            history_date=now,
            history_change_reason=REASON if forward else f"Undo: {REASON}",
            history_type="~",
        )


def verify(apps, schema_editor):
    _apply(apps, schema_editor, forward=True)


def unverify(apps, schema_editor):
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_seed_guideline_add_on_and_maintenance_rules")]

    operations = [migrations.RunPython(verify, unverify)]

"""The incentive tables, improvement exceptions and self-assessment benchmarks move to
``core.LegalParameter`` (issue 11.1; core 0008 seeds them).

A version an administrator added (a table's rows or an exception with another ``effective_from``
than the seeded 1999-10-01, or a seeded row whose value was changed) is carried over as legal rows of
the same date, unless such rows exist; a changed benchmark likewise. Then the tables and the
benchmark column go (the checklists stay: office text, not legal numbers).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SEEDED_ON = date(1999, 10, 1)
NOTE = "Carried over from the quality rule tables."


def carry_over(apps, schema_editor):
    from core.legal_seed import SEED_ROWS

    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    seeded = {(r["key"], r["effective_on"]): r["value"] for r in SEED_ROWS}

    def put(key, on, value, citation, confirm):
        if seeded.get((key, on)) == Decimal(value):
            return
        legal.objects.using(db).update_or_create(
            key=key, jurisdiction="US", effective_on=on,
            defaults={"value": value, "citation": citation[:200], "confirm": confirm, "note": NOTE})

    rates = apps.get_model("quality", "IncentiveRate").objects.using(db)
    versions = sorted(set(rates.values_list("table", "effective_from")))
    for table, on in versions:
        rows = list(rates.filter(table=table, effective_from=on).order_by("-floor"))
        seeded_count = seeded.get((f"us.incentive.{table}.band_count", on))
        changed = on != SEEDED_ON or seeded_count != len(rows) or any(
            seeded.get((f"us.incentive.{table}.band.{n}.floor", on)) != r.floor
            or seeded.get((f"us.incentive.{table}.band.{n}.percentage", on)) != r.percentage
            for n, r in enumerate(rows, start=1))
        if not changed:
            continue
        put(f"us.incentive.{table}.band_count", on, len(rows), rows[0].citation, False)
        for n, r in enumerate(rows, start=1):
            put(f"us.incentive.{table}.band.{n}.floor", on, r.floor, r.citation, r.needs_confirmation)
            put(f"us.incentive.{table}.band.{n}.percentage", on, r.percentage, r.citation, r.needs_confirmation)
    for e in apps.get_model("quality", "ImprovementException").objects.using(db):
        for name in ("below", "min_gain", "percentage"):
            put(f"us.incentive.exception.{e.measure}.{name}", e.effective_from, getattr(e, name), e.citation,
                e.needs_confirmation)
    for c in apps.get_model("quality", "CriterionRule").objects.using(db):
        put(f"us.self_assessment.{c.criterion}.benchmark", c.effective_from, c.benchmark, c.citation,
            c.needs_confirmation)


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0002_seed_rules"),
        ("core", "0009_seed_remedy_and_deadline_parameters"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="criterionrule", name="benchmark"),
        migrations.RemoveField(model_name="historicalcriterionrule", name="benchmark"),
        migrations.DeleteModel(name="HistoricalImprovementException"),
        migrations.DeleteModel(name="HistoricalIncentiveRate"),
        migrations.DeleteModel(name="ImprovementException"),
        migrations.DeleteModel(name="IncentiveRate"),
    ]

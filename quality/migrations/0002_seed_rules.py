"""Seed the self-assessment checklists as dated rows (the incentive tables, exceptions and
benchmarks this migration once seeded into quality's own tables are legal parameters now: core 0008
seeds them and quality 0003 carries any administrator's rows over before dropping the tables)."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed_value
    from quality.reference_data import seed as seed_rows
    from quality.rules import benchmark_key

    seed_rows(CriterionRule=apps.get_model("quality", "CriterionRule"), using=schema_editor.connection.alias,
              benchmark=lambda criterion: seed_value(benchmark_key(criterion), "US"))


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

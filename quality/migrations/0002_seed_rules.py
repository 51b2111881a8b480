"""Seed the legal tables (45 CFR 305.33 incentive tables, improvement exceptions, 45 CFR 308.2
self-assessment benchmarks) as dated rows; administrators add newer rows in admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from quality.reference_data import seed as seed_rows

    seed_rows(IncentiveRate=apps.get_model("quality", "IncentiveRate"),
              ImprovementException=apps.get_model("quality", "ImprovementException"),
              CriterionRule=apps.get_model("quality", "CriterionRule"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seed the legal parameters added since 0005 (remedy thresholds, enforcement timeframes, complaint
and hearing deadlines, pass-through, incentive bands): the same idempotent seed, which creates only
the rows that are missing and never overwrites a row an administrator corrected."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_event_verbs_dotted")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

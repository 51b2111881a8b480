"""Seed ``us.closure.notice_days`` = 60 (45 CFR 303.11(d)(1): "the State must notify the recipient of
services in writing 60 calendar days prior to closure of the case of the State's intent to close the
case"), read by ``cases.services.closure`` when a notice of intent to close is sent. The same
idempotent seed as before: only missing rows are created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0019_ca_licence_low_income_rows")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

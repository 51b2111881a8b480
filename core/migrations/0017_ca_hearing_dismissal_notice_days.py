"""Seed ``ca.hearing.dismissal_notice_days`` = 15 (22 CCR 120211(b), 120213(b): "a dismissal shall occur
15 days after the notice is sent"), read by ``hearings.deadlines.dismissal_on``; it was a constant in
``hearings.services``. The same idempotent seed as before: only missing rows are created, a corrected
row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0016_ny_hearing_notice_days")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

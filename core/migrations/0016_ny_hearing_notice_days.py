"""Seed ``ny.hearing.notice_days`` = 10 (18 NYCRR 358-5.1(a): "at least 10 calendar days prior to the
date of the fair hearing, a written notice of the fair hearing will be sent by OAH"), read by
``hearings.deadlines.minimum_notice`` when a New York hearing is scheduled. California has no such row
(no minimum notice was found in 22 CCR). The same idempotent seed as before: only missing rows are
created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0015_complaint_and_hearing_rows_from_the_law")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

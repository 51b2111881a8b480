"""Seed ``ca.former_assistance.assigned_pass_through`` = 1 from 2024-05-05 (Fam. Code 17504.2(a)(1),
Stats. 2022, ch. 573, AB 207: support collected on assigned arrears is passed through to a former
CalWORKs recipient; the date is DCSS's announced implementation, ``confirm``), read by
``cases.allocation.former_assigned_table`` when a collection is distributed. The same idempotent
seed as before: only missing rows are created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0021_ca_licence_notice_days_row")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seed ``ca.remedy.license_suspension.notice_days`` = 150 (Fam. Code 17520, the 150-day temporary
licence before suspension; ``confirm``: DOMAIN.md marks the line to confirm and only 17520(a)(3),
(a)(4) were verified, core 0018), the floor under the CA licence rule's notice days
(``enforcement.legal_floors``). The same idempotent seed as before: only missing rows are created,
a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0020_closure_notice_days")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

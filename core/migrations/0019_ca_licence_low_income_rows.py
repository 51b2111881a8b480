"""Seed the Fam. Code 17520.5 rows (SB 1055, Stats. 2022, ch. 830) read by
``enforcement.services.licence_income``: ``ca.remedy.license_suspension.low_income_pct`` = 70 from
2025-01-01 ("at or below 70 percent of the median income for the county …"; "(c) This section shall
become operative on January 1, 2025.") and ``ca.remedy.license_suspension.low_income_covers_commercial``
= 1 from 2025-01-01, 0 from 2027-01-01 ("(2) Commencing January 1, 2027, this subdivision shall apply
only with respect to noncommercial driver's licenses."). The county medians themselves are not
seeded: an administrator adds them from the HCD publication (``ca.hcd.median_income.<county>``).

The same idempotent seed as before: only missing rows are created, a corrected row is never
overwritten. Numbered after core 0018; renumber if another core 0019 lands first."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0018_ca_licence_days_row_verified_against_17520")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

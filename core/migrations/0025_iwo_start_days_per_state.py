"""Seed ``ny.iwo.start_days`` = 14 (CPLR 5241(g)(1): deductions begin "no later than the first pay
period that occurs fourteen days after service of the execution") and ``ca.iwo.start_days`` = 10
(Fam. Code 5233: the employer commences withholding "not later than 10 days after service of the
order on the employer"), read by ``enforcement.services.withholding.iwo_figures`` for the time the
IWO and the e-IWO record give the employer to begin. Before, every IWO stated the 14 days of the
federal row, California's too. The same idempotent seed as before: only missing rows are created,
a corrected row is never overwritten. Numbered after core 0024; renumber if another core 0025 lands
first."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0024_ny_hearing_request_counted_from_the_determination")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

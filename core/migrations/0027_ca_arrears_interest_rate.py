"""Seed ``ca.arrears.interest_rate`` = 10 from 1983-07-01 (CCP 685.010(a)(1): "interest accrues at the
rate of 10 percent per annum on the principal amount of a money judgment remaining unsatisfied"; a
support order is a money judgment, Fam. Code 155), read by ``cases.ledger.interest`` for the interest
a California case's arrears carry. The same idempotent seed as before: only missing rows are
created, a corrected row is never overwritten. Numbered after core 0025; renumber if another core
0026 lands first."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0026_iwo_arrears_weeks_by_age")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

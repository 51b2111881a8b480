"""Seed the last legal constants moved onto LegalParameter (issue 11.1): the interstate referral
timeframe (45 CFR 303.7), the 3-year order review (42 USC 666(a)(10)), the employer's 7 business days
to remit (42 USC 666(b)(6)(A)(i)) and the 2-business-day disbursement (42 USC 654b(c)(1)). The same
idempotent seed as before: only missing rows are created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_seed_remedy_and_deadline_parameters")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

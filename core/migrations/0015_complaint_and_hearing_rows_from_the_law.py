"""Seed the complaint and hearing rows corrected against the law's own text: a complaint for another
county's agency is sent within five *business* days of its receipt (``ca.complaint.referral_forward_days``,
22 CCR 120104(a)(1), from 2001-07-01), and the New York fair hearing is requested within 60 days
(``ny.hearing.request_days``, 18 NYCRR 358-3.5(b)(1)) and decided within 90 days of the request
(``ny.hearing.decision_days``, 18 NYCRR 358-6.4(a)), from 2026-12-07. New dated rows: the rows
before them are kept as they were. The same idempotent seed as before: only missing rows are
created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0014_pass_through_rows_corrected_against_the_texts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

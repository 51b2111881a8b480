"""Seed the dated guideline rules found by a review: how California divides the add-ons
(``ca.add_ons.income_proportional``: one-half each under former Fam. Code 4061(a), in proportion to
net incomes after the child support paid from SB 343, 2024-09-01) and New York's maintenance received
from the other parent as the recipient's income (``ny.cssa.maintenance_received_is_income``: DRL
240(1-b)(b)(5)(iii)(I), L. 2015 c. 387, from 2016-01-24). The same idempotent seed as before: only
missing rows are created, a corrected row is never overwritten."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0011_accesslog_kind_without_pattern_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seed the legal parameters (DOMAIN.md values with citations and confirm flags). Reversible: the
reverse removes only rows still holding their seeded value and never edited."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.legal_seed import seed as seed_rows

    seed_rows(LegalParameter=apps.get_model("core", "LegalParameter"), using=schema_editor.connection.alias)


def unseed(apps, schema_editor):
    from core.legal_seed import SEED_ROWS

    model = apps.get_model("core", "LegalParameter")
    for row in SEED_ROWS:
        model.objects.using(schema_editor.connection.alias).filter(**row).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_legal_parameter")]

    operations = [migrations.RunPython(seed, unseed)]

from django.db import migrations


def seed(apps, schema_editor):
    from enforcement.rules_seed import seed_rows

    RemedyRule = apps.get_model("enforcement", "RemedyRule")
    for row in seed_rows():
        RemedyRule.objects.get_or_create(
            remedy=row["remedy"], jurisdiction=row["jurisdiction"], version=row["version"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seed the required courses the rules imply (editable afterwards by trainers in the app or admin)."""

from django.db import migrations

from training.seeds import ensure_required_courses


def seed(apps, schema_editor):
    ensure_required_courses(course_model=apps.get_model("training", "Course"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""A seated enrolment's event was written with the verb "training enrolled", in the old spaced style
the vocabulary left in core 0008 (issue 18.5), and unlisted in ``TrainingEvent``: the case history
spelled it out instead of labelling it. It is "training.enrolled" now; the rows written before
follow. ``DomainEvent`` is append-only for the application: this rewrite of its vocabulary is an
``UPDATE``, as core 0008's. Reversible."""

from django.db import migrations

OLD, NEW = "training enrolled", "training.enrolled"


def forwards(apps, schema_editor):
    apps.get_model("core", "DomainEvent").objects.filter(verb=OLD).update(verb=NEW)


def backwards(apps, schema_editor):
    apps.get_model("core", "DomainEvent").objects.filter(verb=NEW).update(verb=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_seed_guideline_add_on_and_maintenance_rules"),
        ("training", "0002_seed_required_courses"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

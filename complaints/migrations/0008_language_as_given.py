"""A complaint's ``preferred_language`` is the language the complainant asked for on it, blank when
none was given; letters about the complaint use it, else the person's on file
(``complaints.documents.complaint_language``).

Until now the staff form offered the staff member's own language ("English") and a blank one was
stored as "English", while a case party's record always won. So an "English" on a case party's
complaint was the form's default, not the person's word: it is blanked here, and those letters stay
as they were (the person's record). A complaint that named another language keeps it, and its
letters now follow it. The reverse restores the old default."""

from django.db import migrations, models


def blank_default_english(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")  # noqa: N806
    db = schema_editor.connection.alias
    Complaint.objects.using(db).filter(complainant_person__isnull=False, preferred_language="English").update(
        preferred_language=""
    )


def restore_default_english(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")  # noqa: N806
    Complaint.objects.using(schema_editor.connection.alias).filter(preferred_language="").update(
        preferred_language="English"
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_public_form_token")]

    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="preferred_language",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AlterField(
            model_name="historicalcomplaint",
            name="preferred_language",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.RunPython(blank_default_english, restore_default_english),
    ]

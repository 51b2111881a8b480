"""A notice of intended dismissal keeps the ground and date it was sent with (review): it was
rebuilt from the request's present state, so after a reinstatement (or a second notice) a reprint
said what was never sent. Each stored notice is given the request's ground and date while the
request is still noticed; otherwise the only ground before 0005's grounds were in use, lateness,
with the issue date + 15 days, as the code of that time wrote them."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def what_it_said(letter) -> tuple[str, object, str]:
    """The ground, date and reason a stored notice was sent with."""
    request = letter.request
    if request.status == "dismissal_noticed" and request.dismissal_on and request.dismissal_ground:
        ground, on = request.dismissal_ground, request.dismissal_on
    else:
        ground, on = "late", letter.issued_on + timedelta(days=15)
    return ground, on, (request.good_cause_reason if ground == "late" else "")


def letters_keep_what_they_said(apps, schema_editor):
    HearingLetter = apps.get_model("hearings", "HearingLetter")
    for letter in HearingLetter.objects.filter(kind="dismissal", dismissal_on__isnull=True).select_related("request"):
        letter.dismissal_ground, letter.dismissal_on, letter.dismissal_reason = what_it_said(letter)
        letter.save(update_fields=["dismissal_ground", "dismissal_on", "dismissal_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0005_dismissal_ground"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="hearingletter",
            name="dismissal_ground",
            field=models.CharField(
                blank=True,
                choices=[
                    ("late", "Filed late without good cause (22 CCR 120211(a)(3))"),
                    ("jurisdiction", "Not within state hearing jurisdiction (22 CCR 120211(a)(2))"),
                    ("no_show", "No one appeared at the hearing (22 CCR 120213)"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="hearingletter",
            name="dismissal_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="hearingletter",
            name="dismissal_reason",
            field=models.TextField(blank=True, help_text="A late request's: the officer's reason, as sent."),
        ),
        migrations.AlterField(
            model_name="hearingrequest",
            name="dismissal_on",
            field=models.DateField(
                blank=True,
                help_text="California: the day a noticed dismissal may take effect (notice + 15 days, on a business day; 22 CCR 120211(b), 120213(b)).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalhearingrequest",
            name="dismissal_on",
            field=models.DateField(
                blank=True,
                help_text="California: the day a noticed dismissal may take effect (notice + 15 days, on a business day; 22 CCR 120211(b), 120213(b)).",
                null=True,
            ),
        ),
        migrations.RunPython(letters_keep_what_they_said, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="hearingletter",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "dismissal"), _negated=True),
                    models.Q(("dismissal_on__isnull", False), models.Q(("dismissal_ground", ""), _negated=True)),
                    _connector="OR",
                ),
                name="hearing_dismissal_notice_keeps_its_ground_and_date",
            ),
        ),
    ]

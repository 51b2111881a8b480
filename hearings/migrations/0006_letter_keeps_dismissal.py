"""A notice of intended dismissal keeps the ground, date and reason it was sent with (review): it was
rebuilt from the request's present state, so after a reinstatement (or a second notice) a reprint
said what was never sent. Each stored notice gets what it said:

- the request's own ground and date when they are this notice's (the code of that time wrote
  ``dismissal_on`` = the notice's day + 15, and ``hearing_request_dismiss`` leaves them), whatever
  the request's status since;
- otherwise (a later notice, or a reinstatement, replaced them) the ground from what happened on the
  notice's day: a no-show recorded (``hearing.no_show_recorded``), a court matter recorded
  (``hearing.requested`` out of jurisdiction), else lateness; the date is the notice's day + 15;
- a lateness notice's reason is the officer's while good cause is still "not found"; after a
  reinstatement the reason on file is the reinstatement's, so the notice's is left blank (the letter
  then leaves the section out) rather than printing a reason that was not given."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def what_it_said(letter, verbs_on_the_day: set[str]) -> tuple[str, object, str]:
    """The ground, date and reason a stored notice was sent with; ``verbs_on_the_day``: the request's
    events of the notice's day (a no-show recorded; a court matter recorded)."""
    request = letter.request
    on = letter.issued_on + timedelta(days=15)
    if request.dismissal_on == on and request.dismissal_ground:
        ground = request.dismissal_ground
    elif "hearing.no_show_recorded" in verbs_on_the_day:
        ground = "no_show"
    elif "hearing.requested:court" in verbs_on_the_day:
        ground = "jurisdiction"
    else:
        ground = "late"
    reason = request.good_cause_reason if ground == "late" and request.good_cause == "not_found" else ""
    return ground, on, reason


def verbs_on_the_day(apps, letter) -> set[str]:
    """What happened to the notice's request on the notice's day: a no-show recorded, a court matter
    recorded (``hearing.requested:court``)."""
    DomainEvent = apps.get_model("core", "DomainEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    request_type = ContentType.objects.filter(app_label="hearings", model="hearingrequest").first()
    events = DomainEvent.objects.filter(
        subject_type=request_type,
        subject_id=letter.request_id,
        verb__in=("hearing.no_show_recorded", "hearing.requested"),
    )
    verbs = set()
    for verb, data, occurred_at in events.values_list("verb", "data", "occurred_at"):
        if timezone.localdate(occurred_at) == letter.issued_on:
            court = verb == "hearing.requested" and (data or {}).get("in_jurisdiction") is False
            verbs.add("hearing.requested:court" if court else verb)
    return verbs


def letters_keep_what_they_said(apps, schema_editor):
    HearingLetter = apps.get_model("hearings", "HearingLetter")
    for letter in HearingLetter.objects.filter(kind="dismissal", dismissal_on__isnull=True).select_related("request"):
        said = what_it_said(letter, verbs_on_the_day(apps, letter))
        letter.dismissal_ground, letter.dismissal_on, letter.dismissal_reason = said
        letter.save(update_fields=["dismissal_ground", "dismissal_on", "dismissal_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0005_dismissal_ground"),
        ("core", "0017_ca_hearing_dismissal_notice_days"),
        ("contenttypes", "0002_remove_content_type_name"),
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

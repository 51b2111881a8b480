"""Survey answers are anonymous, as the invitation e-mail promises: a link (``SurveyInvitation``)
no longer names the attendee it was sent to; who was sent one is kept apart (``SurveyInvitee``),
so that sending again still skips them.

Existing rows: every attendee sent a link becomes an invitee. Links were made in the attendees'
order, so a link's place in its batch still pointed at a person: each answered link is replaced by
a new one (a random token that opens nothing, made in a shuffled order) that its response keeps,
in the response's history too, and the old link is deleted. The reverse restores the column, not
the links: nothing records which attendee gave which answers any more. The column goes in 0004
(PostgreSQL alters no table with the deferred checks of this migration's rows pending)."""

import random
import secrets

import django.db.models.deletion
from django.db import migrations, models

import core.models


def cut_the_links(apps, schema_editor):
    db = schema_editor.connection.alias
    Invitation = apps.get_model("outreach", "SurveyInvitation")  # noqa: N806
    Invitee = apps.get_model("outreach", "SurveyInvitee")  # noqa: N806
    Response = apps.get_model("outreach", "SurveyResponse")  # noqa: N806
    HistoricalResponse = apps.get_model("outreach", "HistoricalSurveyResponse")  # noqa: N806
    sent = (
        Invitation.objects.using(db)
        .exclude(registration=None)
        .order_by("survey_id", "registration_id")
        .values_list("survey_id", "registration_id")
    )
    Invitee.objects.using(db).bulk_create(
        [Invitee(survey_id=survey_id, registration_id=registration_id) for survey_id, registration_id in sent],
        batch_size=1000,
    )
    responses = list(Response.objects.using(db).values_list("pk", "survey_id", "invitation_id", "submitted_at"))
    random.SystemRandom().shuffle(responses)
    for pk, survey_id, old_invitation_id, submitted_at in responses:
        new = Invitation.objects.using(db).create(
            survey_id=survey_id, token_hash=secrets.token_hex(32), used_at=submitted_at
        )
        Response.objects.using(db).filter(pk=pk).update(invitation=new)
        HistoricalResponse.objects.using(db).filter(id=pk).update(invitation_id=new.pk)
        Invitation.objects.using(db).filter(pk=old_invitation_id).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_squashed_0002_one_invitation_per_registration")]

    operations = [
        migrations.CreateModel(
            name="SurveyInvitee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="outreach.registration"
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="invitees", to="outreach.survey"
                    ),
                ),
            ],
            options={"ordering": ["survey", "registration"]},
            bases=(core.models.OfficeWide, models.Model),
        ),
        migrations.AddConstraint(
            model_name="surveyinvitee",
            constraint=models.UniqueConstraint(
                fields=("survey", "registration"), name="outreach_one_invitee_per_registration"
            ),
        ),
        migrations.RunPython(cut_the_links, migrations.RunPython.noop),
    ]

"""A survey link names nobody (0003 moved who was sent one to ``SurveyInvitee``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_survey_links_name_nobody")]

    operations = [
        migrations.RemoveConstraint(model_name="surveyinvitation", name="outreach_one_invitation_per_registration"),
        migrations.RemoveField(model_name="surveyinvitation", name="registration"),
    ]

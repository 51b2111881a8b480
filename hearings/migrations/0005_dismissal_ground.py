"""Why a California dismissal was noticed: late without good cause (22 CCR 120211(a)(3)), not within
hearing jurisdiction (120211(a)(2)) or no one appeared at the hearing (120213). Every dismissal
noticed before this migration was for lateness (hearings 0004): those rows get ground "late"."""

from django.conf import settings
from django.db import migrations, models


def late_grounds(apps, schema_editor):
    request = apps.get_model("hearings", "HearingRequest")
    request.objects.using(schema_editor.connection.alias).filter(dismissal_on__isnull=False).update(
        dismissal_ground="late"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_squashed_0023_search_covering_indexes'),
        ('complaints', '0006_referral_forward_by_business_days'),
        ('hearings', '0004_dismissal_noticed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hearingrequest',
            name='dismissal_ground',
            field=models.CharField(blank=True, choices=[('late', 'Filed late without good cause (22 CCR 120211(a)(3))'), ('jurisdiction', 'Not within state hearing jurisdiction (22 CCR 120211(a)(2))'), ('no_show', 'No one appeared at the hearing (22 CCR 120213)')], help_text='California: why the dismissal was noticed (22 CCR 120211(b), 120213(b)).', max_length=12),
        ),
        migrations.AddField(
            model_name='historicalhearingrequest',
            name='dismissal_ground',
            field=models.CharField(blank=True, choices=[('late', 'Filed late without good cause (22 CCR 120211(a)(3))'), ('jurisdiction', 'Not within state hearing jurisdiction (22 CCR 120211(a)(2))'), ('no_show', 'No one appeared at the hearing (22 CCR 120213)')], help_text='California: why the dismissal was noticed (22 CCR 120211(b), 120213(b)).', max_length=12),
        ),
        migrations.RunPython(late_grounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='hearingrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'dismissal_noticed'), _negated=True), models.Q(('dismissal_ground', ''), _negated=True), _connector='OR'), name='hearing_dismissal_noticed_has_ground'),
        ),
    ]

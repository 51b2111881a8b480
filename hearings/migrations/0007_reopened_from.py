"""New York: a fair hearing request dismissed as abandoned is reopened as a new request linked to it
(18 NYCRR 358-5.5(c)): ``reopened_from`` (one reopening per abandoned request), the day the appellant
asked and the good cause reason given; a notice of reopening to each party (letter kind ``reopened``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0024_person_live_ssn_unique'),
        ('complaints', '0006_referral_forward_by_business_days'),
        ('hearings', '0006_letter_keeps_dismissal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hearingrequest',
            name='reopen_asked_on',
            field=models.DateField(blank=True, help_text='The day the appellant asked for the hearing to be rescheduled and gave the good cause reason.', null=True),
        ),
        migrations.AddField(
            model_name='hearingrequest',
            name='reopen_reason',
            field=models.CharField(blank=True, help_text='The good cause reason given for not appearing (358-5.5(a)(2)).', max_length=2000),
        ),
        migrations.AddField(
            model_name='hearingrequest',
            name='reopened_from',
            field=models.OneToOneField(blank=True, help_text='New York: the abandoned request this one reopens (18 NYCRR 358-5.5(c)).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reopened_as', to='hearings.hearingrequest'),
        ),
        migrations.AddField(
            model_name='historicalhearingrequest',
            name='reopen_asked_on',
            field=models.DateField(blank=True, help_text='The day the appellant asked for the hearing to be rescheduled and gave the good cause reason.', null=True),
        ),
        migrations.AddField(
            model_name='historicalhearingrequest',
            name='reopen_reason',
            field=models.CharField(blank=True, help_text='The good cause reason given for not appearing (358-5.5(a)(2)).', max_length=2000),
        ),
        migrations.AddField(
            model_name='historicalhearingrequest',
            name='reopened_from',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='New York: the abandoned request this one reopens (18 NYCRR 358-5.5(c)).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='hearings.hearingrequest'),
        ),
        migrations.AlterField(
            model_name='hearingletter',
            name='kind',
            field=models.CharField(choices=[('notice', 'Notice of hearing'), ('decision', 'Decision'), ('dismissal', 'Notice of intended dismissal'), ('reopened', 'Notice of reopening')], max_length=10),
        ),
        migrations.AddConstraint(
            model_name='hearingletter',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'reopened')), fields=('request', 'party'), name='hearing_one_reopening_notice_per_party'),
        ),
        migrations.AddConstraint(
            model_name='hearingrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reopen_asked_on__isnull', True), ('reopen_reason', ''), ('reopened_from__isnull', True)), models.Q(('reopen_asked_on__isnull', False), ('reopened_from__isnull', False), models.Q(('reopen_reason', ''), _negated=True)), _connector='OR'), name='hearing_reopened_has_ask_and_reason'),
        ),
    ]

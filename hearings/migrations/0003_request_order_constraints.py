# The order of a request and the bookings, held by the database (after 0002 filled the columns).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EXCLUSIONS = [
    ("hearing_officer_not_double_booked", "officer_id WITH =", "TRUE"),
    ("hearing_resource_not_double_booked", "resource_key WITH =", "resource_key <> ''"),
]


def exclusions_add(apps, schema_editor):
    """PostgreSQL: no two booked sittings of one officer, or one room or bridge, overlap in time."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column, condition in EXCLUSIONS:
        schema_editor.execute(
            f"ALTER TABLE hearings_hearing ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column}, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            f"WHERE (status IN ('scheduled', 'held') AND {condition})")


def exclusions_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in EXCLUSIONS:
        schema_editor.execute(f"ALTER TABLE hearings_hearing DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('hearings', '0002_request_order_bookings_letters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='hearing',
            name='ends_at',
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name='historicalhearing',
            name='ends_at',
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name='hearing',
            index=models.Index(fields=['resource_key', 'starts_at'], name='hearing_resource_start'),
        ),
        migrations.AddConstraint(
            model_name='hearing',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='hearing_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='hearingrequest',
            constraint=models.CheckConstraint(condition=models.Q(('outcome', ''), models.Q(('decided_on__isnull', False), ('status', 'decided')), _connector='OR'), name='hearing_outcome_is_closed_and_dated'),
        ),
        migrations.AddConstraint(
            model_name='hearingrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'held'), _negated=True), ('held_on__isnull', False), _connector='OR'), name='hearing_held_has_date'),
        ),
        migrations.AddConstraint(
            model_name='hearingrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome__in', ['granted', 'denied']), _negated=True), models.Q(('decided_on__gte', models.F('held_on')), ('held_on__isnull', False)), _connector='OR'), name='hearing_merits_decision_after_held_hearing'),
        ),
        migrations.AddField(
            model_name='hearingletter',
            name='hearing',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='letters', to='hearings.hearing'),
        ),
        migrations.AddField(
            model_name='hearingletter',
            name='issued_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='hearingletter',
            name='request',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='letters', to='hearings.hearingrequest'),
        ),
        migrations.AddConstraint(
            model_name='hearingletter',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'notice')), fields=('hearing', 'party'), name='hearing_one_notice_per_party'),
        ),
        migrations.AddConstraint(
            model_name='hearingletter',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'decision')), fields=('request', 'party'), name='hearing_one_decision_letter_per_party'),
        ),
        migrations.AddConstraint(
            model_name='hearingletter',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'notice'), _negated=True), ('hearing__isnull', False), _connector='OR'), name='hearing_notice_names_its_hearing'),
        ),
        migrations.RunPython(exclusions_add, exclusions_drop),
    ]

"""Month of collection, assistance spells, URA and the overpayment policy (issue 11, items 5–7).

Existing collections take their date of collection from their received date (the best figure
they carry; ``manage.py ledger_rederive`` re-derives distribution from it). Every case gets one
open assistance spell of its present status from the day it opened (its history before this
release is not known). Reversible: the reverse drops the spells and the new columns.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HELP = "Date of collection (45 CFR 302.51(a)(1)); decides the month it pays."


def spells_open(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    AssistanceSpell = apps.get_model("cases", "AssistanceSpell")
    batch = []
    for pk, status, opened, applied in Case.objects.values_list(
            "pk", "assistance_status", "opened_on", "application_received_on").order_by("pk").iterator(chunk_size=5000):
        batch.append(AssistanceSpell(case_id=pk, status=status, start_on=opened or applied))
        if len(batch) >= 5000:
            AssistanceSpell.objects.bulk_create(batch)
            batch = []
    AssistanceSpell.objects.bulk_create(batch)


def spells_drop(apps, schema_editor):
    apps.get_model("cases", "AssistanceSpell").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_disbursement_status_returned'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='allocation',
            name='reversed_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='casebalance',
            name='last_collected_on',
            field=models.DateField(blank=True, help_text='Latest date of collection distributed (an earlier one redistributes).', null=True),
        ),
        migrations.AddField(
            model_name='casebalance',
            name='unreimbursed_assistance',
            field=models.DecimalField(blank=True, decimal_places=2, help_text='URA: assistance paid to the family not yet repaid by retained support (42 USC 657(a)(1)); blank until the assistance paid is recorded.', max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='collection',
            name='collected_on',
            field=models.DateField(help_text='Date of collection (45 CFR 302.51(a)(1)); decides the month it pays.', null=True),
        ),
        migrations.AddField(
            model_name='collection',
            name='overpayment_policy',
            field=models.CharField(blank=True, choices=[('hold', 'Held for review'), ('refund', 'Refunded to the payor'), ('family', 'Paid to the family')], max_length=10),
        ),
        migrations.AddField(
            model_name='historicalallocation',
            name='reversed_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalcasebalance',
            name='last_collected_on',
            field=models.DateField(blank=True, help_text='Latest date of collection distributed (an earlier one redistributes).', null=True),
        ),
        migrations.AddField(
            model_name='historicalcasebalance',
            name='unreimbursed_assistance',
            field=models.DecimalField(blank=True, decimal_places=2, help_text='URA: assistance paid to the family not yet repaid by retained support (42 USC 657(a)(1)); blank until the assistance paid is recorded.', max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='historicalcollection',
            name='collected_on',
            field=models.DateField(help_text='Date of collection (45 CFR 302.51(a)(1)); decides the month it pays.', null=True),
        ),
        migrations.AddField(
            model_name='historicalcollection',
            name='overpayment_policy',
            field=models.CharField(blank=True, choices=[('hold', 'Held for review'), ('refund', 'Refunded to the payor'), ('family', 'Paid to the family')], max_length=10),
        ),
        migrations.CreateModel(
            name='AssistanceSpell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('current', 'Current assistance (TANF)'), ('former', 'Former assistance'), ('never', 'Never assistance')], max_length=10)),
                ('start_on', models.DateField()),
                ('end_on', models.DateField(blank=True, help_text='Last day of the spell; blank while it is open.', null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assistance_spells', to='cases.case')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['case', 'start_on'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('end_on__isnull', True)), fields=('case',), name='assistance_one_open_spell_per_case'), models.CheckConstraint(condition=models.Q(('end_on__isnull', True), ('end_on__gte', models.F('start_on')), _connector='OR'), name='assistance_spell_ends_after_start')],
            },
        ),
        migrations.RunSQL(
            "UPDATE cases_collection SET collected_on = received_on WHERE collected_on IS NULL",
            migrations.RunSQL.noop, elidable=True),
        migrations.RunSQL(
            "UPDATE cases_historicalcollection SET collected_on = received_on WHERE collected_on IS NULL",
            migrations.RunSQL.noop, elidable=True),
        migrations.AlterField(model_name="collection", name="collected_on", field=models.DateField(help_text=HELP)),
        migrations.AlterField(model_name="historicalcollection", name="collected_on",
                              field=models.DateField(help_text=HELP)),
        migrations.AddIndex(model_name="assistancespell",
                            index=models.Index(fields=["case", "start_on"], name="assistance_spell_case_idx")),
        migrations.RunPython(spells_open, spells_drop, elidable=True),
    ]

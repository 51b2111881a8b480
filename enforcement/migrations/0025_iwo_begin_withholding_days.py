"""The time an IWO gives the employer to begin withholding, frozen on issue like the other figures
it states (``IncomeWithholdingOrder.begin_withholding_days``, from the issuing state's legal
parameter, core 0025). Orders issued before stated 14 days, every one of them: the default keeps
what they said, so a reprint is still the document that was sent."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0025_iwo_start_days_per_state'),
        ('enforcement', '0024_partner_file_accepted_per_reach'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalincomewithholdingorder',
            name='begin_withholding_days',
            field=models.PositiveSmallIntegerField(default=14, help_text="Days after service the employer has to begin withholding, by the issuing state's law (CPLR 5241(g)(1): 14; Fam. Code 5233: 10)."),
        ),
        migrations.AddField(
            model_name='incomewithholdingorder',
            name='begin_withholding_days',
            field=models.PositiveSmallIntegerField(default=14, help_text="Days after service the employer has to begin withholding, by the issuing state's law (CPLR 5241(g)(1): 14; Fam. Code 5233: 10)."),
        ),
    ]

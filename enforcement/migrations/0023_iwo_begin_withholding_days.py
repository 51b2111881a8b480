"""The time an IWO gives the employer to begin withholding, frozen on issue like the other figures
it states (``IncomeWithholdingOrder.begin_withholding_days``, from the issuing state's legal
parameter, core 0025). Orders issued before stated 14 days, every one of them: the default keeps
what they said, so a reprint is still the document that was sent. Numbered after enforcement 0022;
main has since gained 0023_payment_file_reach: renumber this one 0024, depending on it, on merge."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0025_iwo_start_days_per_state'),
        ('enforcement', '0022_fidm_levy_partner_names_no_bank'),
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

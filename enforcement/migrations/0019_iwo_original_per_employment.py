# One original income withholding order per action and employment (a job), not per employer: an
# NCP hired back by a former employer holds a new employment there and gets an order again
# (42 USC 653a(g)(1), 666(b)). Rows already there satisfy it (an employment has one employer).

from django.db import migrations, models

ORIGINAL = models.Q(("kind", "ORG"))


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0018_action_notice_rule")]

    operations = [
        migrations.RemoveConstraint(model_name="incomewithholdingorder", name="iwo_one_original_per_action_employer"),
        migrations.AddConstraint(
            model_name="incomewithholdingorder",
            constraint=models.UniqueConstraint(
                condition=ORIGINAL, fields=("action", "employment"), name="iwo_one_original_per_action_employment"
            ),
        ),
    ]

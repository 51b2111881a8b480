# An original may resume a termination: a job whose withholding the reconcile terminated because
# nothing was left to withhold gets a new original when a new support order is in force (42 USC
# 666(b)(1)). That original names the termination it resumes (``supersedes``): the database keeps
# one first original per action and job, and one successor (amendment, termination or resuming
# original) per withholding order. Rows already there satisfy both (no original supersedes yet).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0020_offset_certification_ssn_sent")]

    operations = [
        migrations.RemoveConstraint(model_name="incomewithholdingorder", name="iwo_one_successor"),
        migrations.RemoveConstraint(model_name="incomewithholdingorder", name="iwo_one_original_per_action_employment"),
        migrations.AddConstraint(
            model_name="incomewithholdingorder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "ORG"), ("supersedes__isnull", True)),
                fields=("action", "employment"),
                name="iwo_one_original_per_action_employment",
            ),
        ),
        migrations.AddConstraint(
            model_name="incomewithholdingorder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ["AMD", "TRM", "ORG"])),
                fields=("supersedes",),
                name="iwo_one_successor",
            ),
        ),
    ]

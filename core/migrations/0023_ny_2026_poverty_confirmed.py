"""The 2026 NY poverty guideline ($15,960, one person) and self-support reserve ($21,546, 135 % of
it), seeded as *confirm*, are confirmed: HHS's 2026 poverty guidelines table (ASPE, published in the
Federal Register as document 2026-00755 on January 15, 2026) gives $15,960 for a household of one.
Only rows still holding the seeded values are marked confirmed; a corrected row is left alone."""

from datetime import date
from decimal import Decimal

from django.db import migrations

ROWS = {"ny.poverty_guideline": Decimal("15960"), "ny.self_support_reserve": Decimal("21546")}


def confirm(apps, schema_editor):
    LegalParameter = apps.get_model("core", "LegalParameter")
    for key, value in ROWS.items():
        LegalParameter.objects.using(schema_editor.connection.alias).filter(
            key=key, jurisdiction="NY", effective_on=date(2026, 3, 1), value=value
        ).update(confirm=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0022_ca_former_assistance_pass_through")]

    operations = [migrations.RunPython(confirm, migrations.RunPython.noop)]

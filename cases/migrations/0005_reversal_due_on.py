"""A reversal now carries the due date of the entry it reverses (quality line 24 finds reversed
charges by their own columns): fill it on the reversals written before."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    LedgerEntry = apps.get_model("cases", "LedgerEntry")
    reversed_due = LedgerEntry.objects.filter(pk=OuterRef("reverses_id")).values("due_on")[:1]
    LedgerEntry.objects.filter(entry_type="reversal", due_on__isnull=True, reverses__due_on__isnull=False).update(
        due_on=Subquery(reversed_due))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_ledger_lean_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]

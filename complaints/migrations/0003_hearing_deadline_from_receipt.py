"""Resolved complaints: the stated state hearing deadline runs from *receipt* of the written
resolution (its date plus CASEWORKS_MAILING_ALLOWANCE_DAYS; Cal. Code Civ. Proc. 1013(a)), not from
its date. Deadlines are only ever lengthened here, never shortened: a later date than the one on a
letter already sent only gives the family more time. Not reversible in data (the reverse is a
no-op: the earlier dates were too short)."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations


def lengthen(apps, schema_editor):
    from core.business_days import add_calendar_days

    Complaint = apps.get_model("complaints", "Complaint")  # noqa: N806
    DeadlineSetting = apps.get_model("complaints", "DeadlineSetting")  # noqa: N806
    db = schema_editor.connection.alias
    allowance = timedelta(days=settings.CASEWORKS_MAILING_ALLOWANCE_DAYS)
    changed = []
    for complaint in Complaint.objects.using(db).filter(resolved_on__isnull=False, hearing_deadline__isnull=False):
        received = complaint.resolved_on + allowance
        days = (DeadlineSetting.objects.using(db)
                .filter(jurisdiction=complaint.jurisdiction, key="hearing_request", effective_from__lte=received)
                .order_by("-effective_from").values_list("days", flat=True).first()) or 90
        deadline = add_calendar_days(received, days, complaint.jurisdiction)
        if deadline > complaint.hearing_deadline:
            complaint.hearing_deadline = deadline
            changed.append(complaint)
    Complaint.objects.using(db).bulk_update(changed, ["hearing_deadline"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_seed_deadline_settings")]

    operations = [migrations.RunPython(lengthen, migrations.RunPython.noop)]

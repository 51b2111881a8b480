"""Complaint and hearing timeframes move to ``core.LegalParameter`` (issue 11.1).

Every ``DeadlineSetting`` row an administrator added or changed (anything but the seeded value on
the seeded date) becomes a LegalParameter row of the same key, date and days, unless one exists;
the seeded values are the rows ``core.legal_seed`` already wrote (core 0008). The office's
reminder lead time (``due_soon``) is not a legal number: it becomes the setting
``CASEWORKS_COMPLAINT_DUE_SOON_DAYS``. Then the table goes.
"""

from datetime import date

from django.db import migrations

KEYS = {
    "resolution": "complaint.resolution_days",
    "extension_max": "complaint.extension_max_days",
    "known_limit": "complaint.known_limit_days",
    "referral_forward": "complaint.referral_forward_days",
    "hearing_request": "hearing.request_days",
    "no_resolution": "hearing.no_resolution_days",
    "hearing_held": "hearing.held_days",
    "hearing_decision": "hearing.decision_days",
}
SEEDED_ON = date(2000, 1, 1)
SEEDED_DAYS = {"resolution": 30, "extension_max": 30, "known_limit": 90, "referral_forward": 5,
               "hearing_request": 90, "no_resolution": 30, "hearing_held": 45, "hearing_decision": 75}


def carry_over(apps, schema_editor):
    db = schema_editor.connection.alias
    setting = apps.get_model("complaints", "DeadlineSetting")
    legal = apps.get_model("core", "LegalParameter")
    for row in setting.objects.using(db).filter(key__in=KEYS):
        if row.effective_from == SEEDED_ON and row.days == SEEDED_DAYS[row.key]:
            continue
        legal.objects.using(db).update_or_create(
            key=f"{row.jurisdiction.lower()}.{KEYS[row.key]}", jurisdiction=row.jurisdiction,
            effective_on=row.effective_from,
            defaults={"value": row.days, "citation": row.source[:200], "confirm": row.needs_confirmation,
                      "note": "Carried over from the complaints timeframe table."})


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_hearing_deadline_from_receipt"),
        ("core", "0009_seed_remedy_and_deadline_parameters"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="HistoricalDeadlineSetting"),
        migrations.DeleteModel(name="DeadlineSetting"),
    ]

"""Seed the complaint and hearing timeframes for both profiles (editable in admin)."""

from datetime import date

from django.db import migrations

ROWS = [
    # key, days, source, needs confirmation
    ("resolution", 30, "Fam. Code 17800; 22 CCR 120100", False),
    ("extension_max", 30, "Fam. Code 17800 (director may extend by 30 days)", False),
    ("known_limit", 90, "Fam. Code 17800", False),
    ("referral_forward", 5, "DOMAIN.md: complaint about another county forwarded within 5 days", True),
    ("due_soon", 5, "Office practice: reminder lead time (not a legal number)", False),
    ("hearing_request", 90, "Fam. Code 17801", False),
    ("no_resolution", 30, "Fam. Code 17801", False),
    ("hearing_held", 45, "DOMAIN.md: hearing held within 45 days", True),
    ("hearing_decision", 75, "DOMAIN.md: decision within 75 days", True),
]
EFFECTIVE = date(2000, 1, 1)
NY_NOTE = "NY profile: same workflow; value mirrors California until the office sets its own"


def seed(apps, schema_editor):
    DeadlineSetting = apps.get_model("complaints", "DeadlineSetting")
    for jurisdiction in ("CA", "NY"):
        for key, days, source, confirm in ROWS:
            DeadlineSetting.objects.get_or_create(
                jurisdiction=jurisdiction, key=key, effective_from=EFFECTIVE,
                defaults={
                    "days": days,
                    "source": source if jurisdiction == "CA" else f"{NY_NOTE} ({source})"[:200],
                    "needs_confirmation": confirm or jurisdiction == "NY",
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("complaints", "DeadlineSetting").objects.filter(effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

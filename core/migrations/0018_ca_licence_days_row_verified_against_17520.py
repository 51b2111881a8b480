"""The California licence row ``ca.remedy.license_suspension.days_past_due`` (30, compared "more than"),
seeded ``confirm``, is verified against Fam. Code 17520(a)(4): "'Compliance with a judgment or order
for support' means that, as set forth in a judgment or order for child or family support, the obligor
is no more than 30 calendar days in arrears in making payments in full for current support, …"; an
obligor more than 30 days in arrears is out of compliance, the test of the certified list
(17520(a)(3): "support obligors found to be out of compliance with a judgment or order for support").
The value does not change; the row loses its ``confirm`` flag and cites the paragraph, with a history
entry, as core 0013 did. ``ca.remedy.license_suspension.months_min`` keeps its flag: the text of the
four-month condition was not found.

Only the row still as seeded (same value, same citation, still ``confirm``) is changed: a row an
administrator corrected is left as it is. Numbered after core 0017; renumber if another core 0018
lands first.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

FEDERAL_FROM = date(1999, 10, 1)
KEY = "ca.remedy.license_suspension.days_past_due"
VALUE = Decimal(30)
OLD_CITE = "Fam. Code 17520"
NEW_CITE = "Fam. Code 17520(a)(4)"
REASON = "Verified against Fam. Code 17520(a)(4) (core 0018)"


def _apply(apps, schema_editor, *, forward: bool):
    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    history = apps.get_model("core", "HistoricalLegalParameter")
    before, after = (OLD_CITE, NEW_CITE) if forward else (NEW_CITE, OLD_CITE)
    row = (
        legal.objects.using(db)
        .filter(key=KEY, jurisdiction="CA", effective_on=FEDERAL_FROM, value=VALUE, citation=before, confirm=forward)
        .first()
    )
    if row is None:
        return
    row.confirm, row.citation = not forward, after
    row.save(update_fields=["confirm", "citation"])
    history.objects.using(db).create(
        id=row.pk,
        key=row.key,
        jurisdiction=row.jurisdiction,
        effective_on=row.effective_on,
        value=row.value,
        citation=row.citation,
        confirm=row.confirm,
        note=row.note,
        history_date=timezone.now(),
        history_change_reason=REASON if forward else f"Undo: {REASON}",
        history_type="~",
    )


def verify(apps, schema_editor):
    _apply(apps, schema_editor, forward=True)


def unverify(apps, schema_editor):
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0017_ca_hearing_dismissal_notice_days")]

    operations = [migrations.RunPython(verify, unverify)]

"""The seeded state tax offset rules cited "42 USC 666(a)(3); state tax offset program": the notice
letter prints the citation as it is, so a Spanish letter carried an English phrase. Citations are
words-free references now (``rules_seed``); this rewrites the rows that still hold the seeded text.
A version an office wrote with a citation of its own is left as written. The rules' history keeps
what each version said.

Reversible: the rows holding the new text get the old one back (a version an office wrote since
with the same words-free citation would get it too; none is expected).
"""

from django.db import migrations

OLD = "42 USC 666(a)(3); state tax offset program"
NEW = "42 USC 666(a)(3)"


def _rewrite(apps, old: str, new: str) -> None:
    RemedyRule = apps.get_model("enforcement", "RemedyRule")  # noqa: N806
    RemedyRule.objects.filter(remedy="state_tax_offset", citation=old).update(citation=new)


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0025_iwo_begin_withholding_days")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]

"""The pass-through rows (``<jur>.pass_through.one_child`` / ``.two_or_more``, read by
``cases.allocation.pass_through_table``) corrected against the states' texts:

- New York: 18 NYCRR 352.15(b)(1)-(2) pays "up to the first $100" (one public assistance individual
  under the age of 21) or "$200" (two or more) "of current support collections received or the
  monthly support obligation, whichever is less", "Effective January 1, 2010" (OTDA 10-ADM-04). The
  seed had dated $100 / $200 from 2008-01-01: those two rows are deleted, new ones start on
  2010-01-01. Before, the pass-through was $50 whatever the number of children (Empire Justice
  Center, 2003): the rows from 1999-10-01, seeded 0 as a placeholder, become $50 (still ``confirm``).
- California: the $50 of Welf. & Inst. Code 11475.3 (later Fam. Code 17504) is verified against the
  text (citation completed, ``confirm`` cleared); Fam. Code 17504 as added by Stats. 2020, ch. 11
  (AB 79) pays "the first one hundred dollars ($100) … for a family with one child, or the first two
  hundred dollars ($200) for a family with two or more children", operative "on January 1, 2022, or
  when" CDSS and DCSS notify the Legislature that the systems can perform the automation, "whichever
  date is later": new rows from 2022-01-01, marked ``confirm`` (the notice was not found).

The same rows as ``core.legal_seed`` (a fresh install seeds them directly; this brings an existing
one to the same place). Only a row still as seeded (same value, citation and ``confirm``) is changed
or deleted, and a new row is only added when its day is free: a row an administrator corrected is
left as it is. Each change writes a history entry.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

REASON = "Pass-through corrected against 18 NYCRR 352.15 and Fam. Code 17504 (core 0014)"
FEDERAL_FROM = date(1999, 10, 1)
NY_2008 = date(2008, 1, 1)
NY_2010 = date(2010, 1, 1)
CA_1999 = date(1999, 1, 1)
CA_2022 = date(2022, 1, 1)

NY_657_OLD = "42 USC 657(a)(6)(B); NY SSL 131-a"
NY_NONE_OLD = "No NY amount was configured before 2008: 0 (confirm the state's election for these years)."
NY_657 = "42 USC 657(a)(6)(B); NY SSL 131-a; former 18 NYCRR 352.15 ($50)"
NY_50 = (
    'Monthly, whatever the number of children, until 2009 (Empire Justice Center, 2003: "The maximum '
    'pass through payment is $50, regardless of the number of children").'
)
NY_158_OLD = "NY SSL 131-a/158 pass-through; 42 USC 657(a)(6)(B)"
NY_352 = "18 NYCRR 352.15(b)(1)-(2); 347.2(g); 42 USC 657(a)(6)(B)"
NY_CAP = "of current support collected or the monthly support obligation, whichever is less."
CA_11475_OLD = "CA Welf. & Inst. Code 11475.3"
CA_11475 = "CA Welf. & Inst. Code 11475.3 (later Fam. Code 17504)"
CA_17504 = "Fam. Code 17504(a), (c) (Stats. 2020, ch. 11, AB 79)"
CA_WHEN = (
    "Operative Jan. 1, 2022 or when CDSS and DCSS notify the Legislature that the automation can be "
    "done, whichever is later (17504(c)): the notice was not found; confirm the date."
)

# (key, jurisdiction, effective_on, value, citation, confirm, note) before and after.
CHANGED = [
    (
        (f"ny.pass_through.{name}", "NY", FEDERAL_FROM, 0, NY_657_OLD, True, NY_NONE_OLD),
        (f"ny.pass_through.{name}", "NY", FEDERAL_FROM, 50, NY_657, True, NY_50),
    )
    for name in ("one_child", "two_or_more")
] + [
    (
        ("ca.pass_through.one_child", "CA", CA_1999, 50, CA_11475_OLD, True, "Monthly, one child."),
        ("ca.pass_through.one_child", "CA", CA_1999, 50, CA_11475, False, "Monthly, one child."),
    ),
    (
        (
            "ca.pass_through.two_or_more",
            "CA",
            CA_1999,
            50,
            CA_11475_OLD,
            True,
            "Monthly, two or more children (the same $50).",
        ),
        (
            "ca.pass_through.two_or_more",
            "CA",
            CA_1999,
            50,
            CA_11475,
            False,
            "Monthly, two or more children (the same $50).",
        ),
    ),
]
REMOVED = [
    ("ny.pass_through.one_child", "NY", NY_2008, 100, NY_158_OLD, True, "Monthly, one child."),
    ("ny.pass_through.two_or_more", "NY", NY_2008, 200, NY_158_OLD, True, "Monthly, two or more children."),
]
ADDED = [
    ("ny.pass_through.one_child", "NY", NY_2010, 100, NY_352, False, f"Monthly, one child under 21: up to $100 {NY_CAP}"),
    (
        "ny.pass_through.two_or_more",
        "NY",
        NY_2010,
        200,
        NY_352,
        False,
        f"Monthly, two or more children under 21: up to $200 {NY_CAP}",
    ),
    ("ca.pass_through.one_child", "CA", CA_2022, 100, CA_17504, True, f"Monthly, one child. {CA_WHEN}"),
    ("ca.pass_through.two_or_more", "CA", CA_2022, 200, CA_17504, True, f"Monthly, two or more children. {CA_WHEN}"),
]
FIELDS = ("key", "jurisdiction", "effective_on", "value", "citation", "confirm", "note")


def _as_seeded(legal, db, row):
    """The row still exactly as written (value, citation, confirm), or None."""
    key, jurisdiction, on, value, citation, confirm, _note = row
    return (
        legal.objects.using(db)
        .filter(
            key=key, jurisdiction=jurisdiction, effective_on=on, value=Decimal(value), citation=citation, confirm=confirm
        )
        .first()
    )


def _record(history, db, row, kind, reason, now):
    history.objects.using(db).create(
        id=row.pk,
        **{field: getattr(row, field) for field in FIELDS},
        history_date=now,
        history_change_reason=reason,
        history_type=kind,
    )


def _create(legal, history, db, spec, reason, now):
    key, jurisdiction, on = spec[:3]
    if legal.objects.using(db).filter(key=key, jurisdiction=jurisdiction, effective_on=on).exists():
        return
    row = legal.objects.using(db).create(**dict(zip(FIELDS, (*spec[:3], Decimal(spec[3]), *spec[4:]), strict=True)))
    _record(history, db, row, "+", reason, now)


def _delete(legal, history, db, spec, reason, now):
    row = _as_seeded(legal, db, spec)
    if row is None:
        return
    _record(history, db, row, "-", reason, now)
    row.delete()


def _apply(apps, schema_editor, *, forward: bool):
    db = schema_editor.connection.alias
    legal = apps.get_model("core", "LegalParameter")
    history = apps.get_model("core", "HistoricalLegalParameter")
    now = timezone.now()
    reason = REASON if forward else f"Undo: {REASON}"
    for old, new in CHANGED:
        before, after = (old, new) if forward else (new, old)
        row = _as_seeded(legal, db, before)
        if row is None:
            continue
        row.value, row.citation, row.confirm, row.note = Decimal(after[3]), after[4], after[5], after[6]
        row.save(update_fields=["value", "citation", "confirm", "note"])
        _record(history, db, row, "~", reason, now)
    for spec in REMOVED if forward else ADDED:
        _delete(legal, history, db, spec, reason, now)
    for spec in ADDED if forward else REMOVED:
        _create(legal, history, db, spec, reason, now)


def correct(apps, schema_editor):
    _apply(apps, schema_editor, forward=True)


def uncorrect(apps, schema_editor):
    _apply(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0013_incentive_rows_verified_against_658a")]

    operations = [migrations.RunPython(correct, uncorrect)]

"""A receipt's identity becomes its sender and its reference without regard to letter case
(``Collection``: ``agency``, ``reference_key``, unique together as
``collection_sender_reference_unique``); the reference alone is no longer unique. For every
receipt already recorded:

- ``agency``: a receipt posted through the partner API (``received_via`` api) is its agency's,
  read from its "collection.posted"/"collection.held" event, whose actor label the API wrote as
  ``API: <agency name>``. One whose agency cannot be told (an agency renamed since, a key with no
  agency) stays the office's.
- ``reference_key``: the reference casefolded (``Collection.reference_key_of``): SQL ``LOWER``
  for ASCII references, Python for the few others (SQLite's LOWER is ASCII-only; casefold may
  lengthen one).
- References were unique letter for letter, so one sender may hold "ded-1" and "DED-1" (the
  same payment posted twice: the defect this closes). The oldest keeps the key and answers for
  the reference from now on; the later ones keep their row, money and reference as typed, with no
  key (null: outside the constraint). Nothing is reversed here: a payment posted twice is
  corrected by a reversal, by a person.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import connection, migrations, models
from django.db.models import Count, Min
from django.db.models.functions import Coalesce, Lower


API_LABEL = "API: "
CHUNK = 2000


def reference_key_of(reference: str) -> str:  # Collection.reference_key_of, as of this migration
    return reference.strip().casefold()


def agencies_fill(Collection, apps) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    DomainEvent = apps.get_model("core", "DomainEvent")
    PartnerAgency = apps.get_model("accounts", "PartnerAgency")
    content_type = ContentType.objects.filter(app_label="cases", model="collection").first()
    agencies = dict(PartnerAgency.objects.values_list("name", "pk"))
    if content_type is None or not agencies:
        return
    api_ids = Collection.objects.filter(received_via="api").values("pk")
    ids_of: dict[int, list[int]] = {}
    events = (
        DomainEvent.objects.filter(
            subject_type=content_type,
            subject_id__in=api_ids,
            verb__in=("collection.posted", "collection.held"),
            actor_label__startswith=API_LABEL,
        )
        .values_list("subject_id", "actor_label")
        .order_by()
    )
    for subject_id, label in events.iterator(chunk_size=CHUNK):
        agency_id = agencies.get(label[len(API_LABEL) :])
        if agency_id is not None:
            ids_of.setdefault(agency_id, []).append(subject_id)
    for agency_id, ids in ids_of.items():
        for start in range(0, len(ids), CHUNK):
            Collection.objects.filter(pk__in=ids[start : start + CHUNK]).update(agency_id=agency_id)


def keys_fill(Collection) -> None:
    Collection.objects.update(reference_key=Lower("source_reference"))
    beyond_ascii = Collection.objects.filter(source_reference__regex=r"[^ -~]").values_list("pk", "source_reference")
    for pk, reference in beyond_ascii.iterator(chunk_size=CHUNK):
        Collection.objects.filter(pk=pk).update(reference_key=reference_key_of(reference))


def repeats_unkeyed(Collection) -> None:
    repeated = (
        Collection.objects.values("reference_key", "agency_id")
        .annotate(n=Count("pk"), first=Min("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    for group in repeated:
        Collection.objects.filter(reference_key=group["reference_key"], agency_id=group["agency_id"]).exclude(
            pk=group["first"]
        ).update(reference_key=None)


def forwards(apps, schema_editor) -> None:
    Collection = apps.get_model("cases", "Collection")
    agencies_fill(Collection, apps)
    keys_fill(Collection)
    repeats_unkeyed(Collection)
    db = schema_editor.connection if schema_editor is not None else connection
    if db.vendor == "postgresql":
        # The foreign-key checks of the rows updated, now rather than at commit: PostgreSQL builds
        # no index on a table with checks queued ("pending trigger events"), and the constraint's
        # index comes next. (Django's foreign keys are all INITIALLY DEFERRED: so they are again.)
        with db.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_apirequesttally"),
        ("cases", "0033_employment_recorded_twice"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0027_ca_arrears_interest_rate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="collection",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The partner whose API key posted it; empty for the desk, files and generated history.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="collections",
                to="accounts.partneragency",
            ),
        ),
        migrations.AddField(
            model_name="collection",
            name="reference_key",
            field=models.CharField(blank=True, editable=False, max_length=192, null=True),
        ),
        migrations.AddField(
            model_name="historicalcollection",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The partner whose API key posted it; empty for the desk, files and generated history.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.partneragency",
            ),
        ),
        migrations.AddField(
            model_name="historicalcollection",
            name="reference_key",
            field=models.CharField(blank=True, editable=False, max_length=192, null=True),
        ),
        migrations.AlterField(
            model_name="collection",
            name="source_reference",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="historicalcollection",
            name="source_reference",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="collection",
            constraint=models.UniqueConstraint(
                models.F("reference_key"),
                Coalesce("agency", models.Value(0), output_field=models.BigIntegerField()),
                name="collection_sender_reference_unique",
            ),
        ),
    ]

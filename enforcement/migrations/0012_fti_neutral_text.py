"""Text that staff without FTI clearance read no longer says that a payment was a federal tax refund
offset (IRS Publication 1075; ``cases/ledger/fti.py``).

Before, the offset import wrote that where every viewer of the case reads it:
- collection references ``FTO-<hash>`` (shown on statements, the held list, search, the partner API):
  renamed ``COL-<hash>``, the prefix the import now writes, so that a file imported again still finds
  its collections by reference (and in the collections' field history, and in event summaries);
- the events of a held or released offset, whose summaries carried the hold reason ("Joint-return tax
  offset: held until …") and the release note "Joint-return hold ended (45 CFR 303.72(h))": the reason
  and that note are taken out (the collection itself still holds its reason for those cleared);
- the import's name as who posted them, "offset collections file": now "collections file";
- the work items of a reversed offset, kind ``offset_adjustment`` titled "Federal tax offset
  adjustment: …": given the neutral kind and title the import now writes.

Events are append-only to the application; this migration is the one correction made to them, and
it changes only the text named above. Reversing it changes nothing back.
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace, Substr

OLD_PREFIX, NEW_PREFIX = "FTO-", "COL-"
FTI_SOURCES = ("federal_tax_offset",)
OLD_KIND, NEW_KIND = "offset_adjustment", "payment_adjustment"
NEW_TITLE = "Payment adjustment: an amount already distributed was reversed by the payer; recover it"
OLD_RELEASE_NOTE = "Joint-return hold ended (45 CFR 303.72(h))"


def _renamed(field: str):
    return Concat(Value(NEW_PREFIX), Substr(field, len(OLD_PREFIX) + 1))


def _without_reason(summary: str, verb: str) -> str:
    if verb == "collection.held" and " — held: " in summary:
        return summary.split(" — held: ", 1)[0] + " — held"
    if verb == "collection.released" and " (was held: " in summary:
        head, _, tail = summary.partition(" (was held: ")
        note = tail.split("). ", 1)[1] if "). " in tail else ""
        note = "Hold ended." if note.strip() == OLD_RELEASE_NOTE else note
        return f"{head} (was held). {note}".strip()
    return summary


def forwards(apps, schema_editor):
    Collection = apps.get_model("cases", "Collection")
    HistoricalCollection = apps.get_model("cases", "HistoricalCollection")
    WorkItem = apps.get_model("cases", "WorkItem")
    DomainEvent = apps.get_model("core", "DomainEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for model in (Collection, HistoricalCollection):
        model.objects.filter(source_reference__startswith=OLD_PREFIX).update(
            source_reference=_renamed("source_reference")
        )
    DomainEvent.objects.filter(summary__contains=OLD_PREFIX).update(
        summary=Replace(F("summary"), Value(OLD_PREFIX), Value(NEW_PREFIX))
    )
    DomainEvent.objects.filter(actor_label="offset collections file").update(actor_label="collections file")
    collection_type = ContentType.objects.filter(app_label="cases", model="collection").first()
    if collection_type is not None:
        offsets = Collection.objects.filter(source__in=FTI_SOURCES).values("pk")
        events = DomainEvent.objects.filter(
            subject_type=collection_type,
            subject_id__in=offsets,
            verb__in=["collection.held", "collection.released"],
        )
        for event in events.only("pk", "verb", "summary", "data").iterator():
            summary = _without_reason(event.summary, event.verb)
            data = dict(event.data or {})
            if "previous_hold_reason" in data:
                data["previous_hold_reason"] = ""
            if data.get("note") == OLD_RELEASE_NOTE:
                data["note"] = "Hold ended."
            if summary != event.summary or data != event.data:
                DomainEvent.objects.filter(pk=event.pk).update(summary=summary, data=data)
    adjustments = WorkItem.objects.filter(kind=OLD_KIND)
    adjustments.filter(dedupe_key__startswith="offset-adjustment:").update(
        dedupe_key=Concat(Value("payment-adjustment:"), Substr("dedupe_key", len("offset-adjustment:") + 1))
    )
    adjustments.update(kind=NEW_KIND, title=NEW_TITLE)
    HistoricalWorkItem = apps.get_model("cases", "HistoricalWorkItem")
    HistoricalWorkItem.objects.filter(kind=OLD_KIND).update(kind=NEW_KIND, title=NEW_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_search_covering_indexes"),
        ("core", "0011_accesslog_kind_without_pattern_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enforcement", "0011_income_withholding_orders"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

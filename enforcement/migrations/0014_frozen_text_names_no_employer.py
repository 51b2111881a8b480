"""Frozen text written before this change named the NCP's employer; it names none now (FVI, 42 USC
654(26): the employer locates the NCP, and the indicator can be set after the text was written).

What it rewrites, each deterministically from the row's own fields (the title, its dedupe key, the
action's figures) and the order the key names:

- work items opened by an e-IWO acknowledgment (``enforcement.services.eiwo``): kind
  ``iwo_lump_sum`` ("Lump sum of $X notified by <employer>: decide a lump sum IWO"), kind
  ``iwo_rejected`` ("IWO <n> rejected by <employer>: <reason>") and kind ``locate`` with a dedupe
  key ``iwo-left:`` ("Locate: the NCP left <employer> on <date>…") get the titles the service writes
  now: "the employer", and the order's control number (its page withholds the employer while the
  NCP has the indicator);
- work items of kind ``iwo_new_hire`` ("Send the income withholding order to <employer> (new hire;
  …)") say "the new employer", and income withholding actions a new hire pointed at an employer
  (``figures["source"] == "new hire"``) have the partner "the new employer";
- the same text where it was copied: the work items' and actions' field history (admin's history
  pages) and the domain events about them (a work item's events repeat its title; an activated
  action's says "sent to <partner>"). Events are append-only for the application; this one-off
  rewrite of the copies, with ``UPDATE`` statements, is what stops the case page showing them.
  A rewritten action's ``updated_at`` moves to now, so the partner API's ``updated_since`` hands it
  out again with the new partner.

A title that does not read as the service wrote it (edited by hand) is left as it is: nothing in it
can be told apart from what a person typed. Not rewritten: a rejection's notes (the employer's own
remark) and locate results' notes (``cases.redaction.locate_notes`` withholds them when shown). Work
items are read and written in chunks of 2,000. Reversible as a no-op: the employer names are not kept.
"""

import re

from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Now

NEW_EMPLOYER = "the new employer"
NEW_HIRE_TITLE = f"Send the income withholding order to {NEW_EMPLOYER} (new hire; 42 USC 653a(g)(1))"
LUMP_SUM = re.compile(r"Lump sum of (?P<amount>\$[\d,]+\.\d{2}) notified by .+: decide a lump sum IWO", re.S)
REJECTED = re.compile(r"IWO (?P<control>\S+) rejected by .+: (?P<reason>[^:]*)", re.S)
LEFT = re.compile(
    r"Locate: the NCP left .+ on (?P<date>.+?)(?P<rest> \(new employer reported: confirm and issue the IWO\))?",
    re.S,
)
NEW_HIRE = re.compile(r"Send the income withholding order to .+ \(new hire; 42 USC 653a\(g\)\(1\)\)", re.S)
SENT_TO = re.compile(r"(?P<remedy>.+) sent to (?P<partner>.+)", re.S)


CHUNK = 2000


def _order_pk(dedupe_key: str | None) -> int | None:
    """``iwo-lump:<pk>:<date>``, ``iwo-left:<pk>``, ``iwo-rejected:<pk>`` → the order's pk."""
    parts = (dedupe_key or "").split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _neutral_title(kind: str, title: str, control: str | None) -> str | None:
    """The title the service writes now, or ``None`` when ``title`` is not one it wrote."""
    on_order = f" on IWO {control}" if control else ""
    of_order = f" of IWO {control}" if control else ""
    if kind == "iwo_lump_sum" and (m := LUMP_SUM.fullmatch(title)):
        return f"Lump sum of {m['amount']} notified by the employer{on_order}: decide a lump sum IWO"
    if kind == "iwo_rejected" and (m := REJECTED.fullmatch(title)):
        return f"IWO {m['control']} rejected by the employer: {m['reason']}"[:200]
    if kind == "locate" and (m := LEFT.fullmatch(title)):
        return f"Locate: the NCP left the employer{of_order} on {m['date']}{m['rest'] or ''}"
    if kind == "iwo_new_hire" and NEW_HIRE.fullmatch(title):
        return NEW_HIRE_TITLE
    return None


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _events(apps, app_label: str, model: str, subject_ids: list[int]):
    """The domain events about ``subject_ids`` (none on a database without the content type yet)."""
    ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806
    DomainEvent = apps.get_model("core", "DomainEvent")  # noqa: N806
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        return DomainEvent.objects.none()
    return DomainEvent.objects.filter(subject_type=content_type, subject_id__in=subject_ids).only(
        "pk", "subject_id", "summary"
    )


def work_item_titles(apps, schema_editor):
    WorkItem = apps.get_model("cases", "WorkItem")  # noqa: N806
    HistoricalWorkItem = apps.get_model("cases", "HistoricalWorkItem")  # noqa: N806
    DomainEvent = apps.get_model("core", "DomainEvent")  # noqa: N806
    IncomeWithholdingOrder = apps.get_model("enforcement", "IncomeWithholdingOrder")  # noqa: N806
    rows = list(
        WorkItem.objects.filter(
            Q(kind__in=["iwo_lump_sum", "iwo_rejected", "iwo_new_hire"])
            | Q(kind="locate", dedupe_key__startswith="iwo-left:")
        )
        .order_by("pk")
        .values_list("pk", "kind", "title", "dedupe_key")
    )
    for chunk in _chunks(rows):
        order_pks = {_order_pk(key) for _pk, _kind, _title, key in chunk} - {None}
        controls = dict(IncomeWithholdingOrder.objects.filter(pk__in=order_pks).values_list("pk", "control_number"))
        titles = {}  # pk → (old, new)
        for pk, kind, title, key in chunk:
            new = _neutral_title(kind, title, controls.get(_order_pk(key)))
            if new is not None and new != title:
                titles[pk] = (title, new)
        if not titles:
            continue
        items = [WorkItem(pk=pk, title=new) for pk, (_old, new) in titles.items()]
        WorkItem.objects.bulk_update(items, ["title"], batch_size=500)
        versions = []
        for version in HistoricalWorkItem.objects.filter(id__in=titles).only("history_id", "id", "title"):
            old, new = titles[version.id]
            if version.title == old:
                version.title = new
                versions.append(version)
        HistoricalWorkItem.objects.bulk_update(versions, ["title"], batch_size=500)
        events = []
        for event in _events(apps, "cases", "workitem", list(titles)):
            old, new = titles[event.subject_id]
            if old in event.summary:
                event.summary = event.summary.replace(old, new)[:500]
                events.append(event)
        DomainEvent.objects.bulk_update(events, ["summary"], batch_size=500)


def new_hire_partners(apps, schema_editor):
    EnforcementAction = apps.get_model("enforcement", "EnforcementAction")  # noqa: N806
    HistoricalEnforcementAction = apps.get_model("enforcement", "HistoricalEnforcementAction")  # noqa: N806
    DomainEvent = apps.get_model("core", "DomainEvent")  # noqa: N806
    named = EnforcementAction.objects.filter(figures__source="new hire").exclude(partner__in=[NEW_EMPLOYER, ""])
    versions = HistoricalEnforcementAction.objects.filter(figures__source="new hire").exclude(
        partner__in=[NEW_EMPLOYER, ""]
    )
    olds: dict[int, set[str]] = {}
    for action_id, partner in [*named.values_list("pk", "partner"), *versions.values_list("id", "partner")]:
        olds.setdefault(action_id, set()).add(partner)
    named.update(partner=NEW_EMPLOYER, updated_at=Now())  # the partner API's updated_since finds them again
    versions.update(partner=NEW_EMPLOYER)
    for chunk in _chunks(sorted(olds)):
        events = []
        for event in _events(apps, "enforcement", "enforcementaction", chunk):
            m = SENT_TO.fullmatch(event.summary)
            if m and m["partner"] in olds[event.subject_id]:
                event.summary = f"{m['remedy']} sent to {NEW_EMPLOYER}"
                events.append(event)
        DomainEvent.objects.bulk_update(events, ["summary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0011_accesslog_kind_without_pattern_index"),
        ("cases", "0001_squashed_0023_search_covering_indexes"),
        ("enforcement", "0013_trace_number_unique_per_file"),
    ]

    operations = [
        migrations.RunPython(work_item_titles, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(new_hire_partners, migrations.RunPython.noop, elidable=True),
    ]

"""Bank levies proposed by a FIDM match before this change named the NCP's bank as their partner
(frozen text) unless the NCP already had the family violence indicator; they name none now, for
anyone: "the financial institution" (42 USC 654(26): an account locates its holder, and the
indicator can be set after the text was written). The bank stays on the ``BankMatch`` row, which
pages and the NCP's notice read through the whereabouts rule.

What it rewrites, as migration 0014 did for the new-hire actions' employer:

- bank levy actions a FIDM match proposed (``figures["source"] == "FIDM match"``) whose partner is
  another text: "the financial institution". A rewritten action's ``updated_at`` moves to now, so
  the partner API's ``updated_since`` hands it out again with the new partner;
- the same text where it was copied: the actions' field history (admin's history pages) and the
  activation event of an activated levy ("<remedy> sent to <partner>"). Events are append-only for
  the application; this one-off rewrite of the copy, with ``UPDATE`` statements, is what stops the
  action's and the case's pages showing it.

Reversible as a no-op: the bank names are still on the ``BankMatch`` rows, but which text each
action had is not kept.
"""

from django.db import migrations
from django.db.models.functions import Now

FINANCIAL_INSTITUTION = "the financial institution"
SOURCE = "FIDM match"
CHUNK = 2000


def levy_partners(apps, schema_editor):
    EnforcementAction = apps.get_model("enforcement", "EnforcementAction")  # noqa: N806
    HistoricalEnforcementAction = apps.get_model("enforcement", "HistoricalEnforcementAction")  # noqa: N806
    DomainEvent = apps.get_model("core", "DomainEvent")  # noqa: N806
    ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806
    kept = [FINANCIAL_INSTITUTION, ""]
    named = EnforcementAction.objects.filter(remedy="bank_levy", figures__source=SOURCE).exclude(partner__in=kept)
    versions = HistoricalEnforcementAction.objects.filter(remedy="bank_levy", figures__source=SOURCE).exclude(
        partner__in=kept
    )
    olds: dict[int, set[str]] = {}
    for action_id, partner in [*named.values_list("pk", "partner"), *versions.values_list("id", "partner")]:
        olds.setdefault(action_id, set()).add(partner)
    named.update(partner=FINANCIAL_INSTITUTION, updated_at=Now())  # the partner API's updated_since finds them
    versions.update(partner=FINANCIAL_INSTITUTION)
    content_type = ContentType.objects.filter(app_label="enforcement", model="enforcementaction").first()
    if content_type is None:
        return
    ids = sorted(olds)
    for start in range(0, len(ids), CHUNK):
        events = []
        for event in DomainEvent.objects.filter(
            subject_type=content_type, subject_id__in=ids[start : start + CHUNK], verb="enforcement.action_activated"
        ).only("pk", "subject_id", "summary"):
            for old in olds[event.subject_id]:
                if event.summary.endswith(f" sent to {old}"):
                    event.summary = event.summary[: -len(old)] + FINANCIAL_INSTITUTION
                    events.append(event)
                    break
        DomainEvent.objects.bulk_update(events, ["summary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0023_ny_2026_poverty_confirmed"),
        ("enforcement", "0021_iwo_original_resumes_termination"),
    ]

    operations = [migrations.RunPython(levy_partners, migrations.RunPython.noop, elidable=True)]

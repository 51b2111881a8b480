"""Merging duplicate people, and undoing a merge the same day.

A merge moves everything that points at the duplicate (participations, addresses, employment,
locate attempts, FVI overrides, and the rows other apps keep about a person: payee accounts, bank
matches, complaints) to the survivor in one transaction. The relations are found through the
model's metadata, so a relation added later is moved too without this module knowing its app.
The duplicate is kept, marked ``merged_into`` the survivor, so the merge can be undone: the
merge event on the survivor lists every row it moved, and the undo moves exactly those back.

Flags combine to the stricter: the family violence indicator (42 USC 654(26)) set on either is
set on the survivor. Two different SSNs are two people: such a merge is refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.models import DomainEvent
from core.services import event_record

from ..models import CaseParticipant, Person

MERGE_VERB = "person.merged"
UNDO_VERB = "person.merge_undone"
UNDO_WINDOW = "the same day"  # shown in refusals; the rule is the local calendar day of the merge


def _relations():
    """(model, field name) for every foreign key to Person, except the merge link itself."""
    for rel in Person._meta.related_objects:
        if rel.many_to_many or rel.field.name == "merged_into":
            continue
        yield rel.related_model, rel.field.name


@transaction.atomic
def person_merge(*, survivor: Person, duplicate: Person, by: User, reason: str) -> DomainEvent:
    """Merge ``duplicate`` into ``survivor`` (see the module docstring); returns the merge event."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are the same person."})
    if survivor.pk == duplicate.pk:
        raise ValidationError("A person cannot be merged into themselves.")
    # Lock both rows (lower id first) so two merges of the same people cannot interleave.
    locked = Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    people = {p.pk: p for p in locked}
    survivor, duplicate = people[survivor.pk], people[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError("One of these records was already merged into another.")
    if survivor.ssn_index and duplicate.ssn_index and survivor.ssn_index != duplicate.ssn_index:
        raise ValidationError("These records have different SSNs: they are two people and cannot be merged.")

    moved: dict[str, list[int]] = {}
    dropped_participations = []
    # A duplicate on a case where the survivor already has the same role: that participation goes
    # (the survivor's stays); it is recorded so an undo can restore it.
    for row in (
        CaseParticipant.objects.filter(person=duplicate)
        .filter(case__participants__person=survivor)
        .values("pk", "case_id", "role")
    ):
        if CaseParticipant.objects.filter(person=survivor, case_id=row["case_id"], role=row["role"]).exists():
            dropped_participations.append({"case_id": row["case_id"], "role": row["role"]})
            CaseParticipant.objects.filter(pk=row["pk"]).delete()
    for model, field_name in _relations():
        ids = list(model._default_manager.filter(**{field_name: duplicate}).values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field_name: survivor})
            moved[f"{model._meta.label_lower}.{field_name}"] = ids

    before = {"family_violence": survivor.family_violence, "ssn_taken": False}
    changed = []
    if duplicate.family_violence and not survivor.family_violence:
        survivor.family_violence = True
        changed.append("family_violence")
    if duplicate.ssn and not survivor.ssn:
        survivor.ssn = duplicate.ssn
        before["ssn_taken"] = True
        changed.append("ssn")
    # The duplicate leaves the live records before the survivor takes its SSN: an SSN is on one live
    # record only (the unique index person_live_ssn_unique).
    duplicate.merged_into = survivor
    duplicate.merged_at = timezone.now()
    duplicate.save(update_fields=["merged_into", "merged_at", "updated_at"])
    if changed:
        survivor.save()

    summary = (
        f"{duplicate.display_name} (person {duplicate.pk}) merged into {survivor.display_name} (person {survivor.pk})"
    )
    data = {
        "survivor_id": survivor.pk,
        "duplicate_id": duplicate.pk,
        "reason": reason,
        "moved": moved,
        "dropped_participations": dropped_participations,
        "survivor_before": before,
        "changed": changed,
    }
    event = event_record(verb=MERGE_VERB, subject=survivor, actor=by, summary=f"{summary}: {reason}", data=data)
    event_record(
        verb=MERGE_VERB,
        subject=duplicate,
        actor=by,
        summary=f"{summary}: {reason}",
        data={**data, "merge_event_id": event.pk},
    )
    return event


def merge_undo_refusal(event: DomainEvent, *, on=None) -> str:
    """Why ``event`` cannot be undone now ("" when it can)."""
    if event.verb != MERGE_VERB or "merge_event_id" in event.data:
        return "That event is not a merge."
    on = on or timezone.localdate()
    if timezone.localdate(event.occurred_at) != on:
        return (
            f"A merge can be undone only {UNDO_WINDOW}; this one was made on {timezone.localdate(event.occurred_at)}."
        )
    if DomainEvent.objects.filter(verb=UNDO_VERB, data__merge_event_id=event.pk).exists():
        return "This merge was already undone."
    return ""


@transaction.atomic
def person_merge_undo(*, event: DomainEvent, by: User) -> Person:
    """Undo the merge recorded by ``event`` (the survivor's merge event), on the day it was made."""
    event = DomainEvent.objects.select_for_update().get(pk=event.pk)
    refusal = merge_undo_refusal(event)
    if refusal:
        raise ValidationError(refusal)
    data = event.data
    survivor = Person.objects.select_for_update().get(pk=data["survivor_id"])
    duplicate = Person.objects.select_for_update().get(pk=data["duplicate_id"])
    relations = {f"{model._meta.label_lower}.{name}": (model, name) for model, name in _relations()}
    for key, ids in data["moved"].items():
        model, field_name = relations[key]
        model._default_manager.filter(pk__in=ids, **{field_name: survivor}).update(**{field_name: duplicate})
    for row in data["dropped_participations"]:
        CaseParticipant.objects.get_or_create(case_id=row["case_id"], person=duplicate, role=row["role"])
    before = data["survivor_before"]
    if duplicate.ssn_index and not before.get("ssn_taken") and survivor.ssn_index == duplicate.ssn_index:
        # Two live records of one SSN (a pair merged before the unique index): not to be restored.
        raise ValidationError("These records have the same SSN: they are one person and the merge cannot be undone.")
    if "family_violence" in data["changed"]:
        survivor.family_violence = before["family_violence"]
    if before.get("ssn_taken"):
        survivor.ssn = ""
    if data["changed"]:
        survivor.save()
    duplicate.merged_into = None
    duplicate.merged_at = None
    duplicate.save(update_fields=["merged_into", "merged_at", "updated_at"])
    summary = f"Merge of person {duplicate.pk} into person {survivor.pk} undone"
    for subject in (survivor, duplicate):
        event_record(verb=UNDO_VERB, subject=subject, actor=by, summary=summary, data={"merge_event_id": event.pk})
    return duplicate

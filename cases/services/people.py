"""A person's record kept current (their details; an SSN corrected or removed), merging duplicate
people, and undoing a merge the same day.

A merge moves everything that points at the duplicate (participations, addresses, employment,
locate attempts, FVI overrides, documents and the person whose whereabouts a document shows,
letters, and the rows other apps keep about a person: payee accounts, bank matches, offset
certifications and collections, complaints as complainant) to the survivor in one transaction.
The relations are every foreign key to Person found through the model's metadata, those declared
without a reverse accessor (``related_name="+"``) included (``person_relations``), so a relation
added later is moved too without this module knowing its app; the field history's rows stay as
they were.
Rows of which a person may have only one (an active payee account, an open bank match of an
account, a current offset certification) are first made to fit by their app's
``core.hooks.person_merging`` hook; what a hook changed is in the event and the undo puts it back.
The duplicate is kept, marked ``merged_into`` the survivor, so the merge can be undone: the
merge event on the survivor lists every row it moved, and the undo moves exactly those back.

Flags combine to the stricter: the family violence indicator (42 USC 654(26)) set on either is
set on the survivor. Two different SSNs are two people: such a merge is refused. A fact one record
holds and the other lacks (``MERGE_FACTS``: a date of death, established paternity...) is kept;
the same fact recorded differently on each refuses the merge, and so does a merged record the
person and paternity pages would refuse (``_merged_check``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import User
from core.dates import date_refusal
from core.db import advisory_xact_lock
from core.fields import blind_index
from core.history import is_history_model
from core.hooks import person_merging
from core.models import DomainEvent, ScopeDenied
from core.services import event_about
from core.stale import Shown, fingerprint, refuse_if_changed, shown_changes

from ..choices import PaternityStatus
from ..models import Case, CaseParticipant, Person
from ..models.people import ssn_validator
from ..models.scope import user_county
from ..redaction import PERSON_WHEREABOUTS_FIELDS
from .cases import ssn_lock_name
from .person_lock import person_locked_live
from .whereabouts import fvi_change_record

MERGE_VERB = "person.merged"
UNDO_VERB = "person.merge_undone"
UNDO_WINDOW = "the same day"  # shown in refusals; the rule is the local calendar day of the merge


@dataclass(frozen=True)
class MergeFact:
    """Something recorded about a person that one record may hold and the other lack (a death, a
    legal determination): ``fields`` taken together, ``rank`` how much of it a record holds (0:
    none). The merge keeps the most (the survivor takes the duplicate's fields when they rank
    higher); two records holding it at the same rank with different values are two accounts of
    one fact, and the merge is refused rather than pick one."""

    label: str  # "These records differ on the <label>"
    fields: tuple[str, ...]
    rank: Callable[[Person], int]
    # Held by both at different ranks, what the lesser holds must agree with the other (a genetic
    # test ordered on another date is another test: neither is dropped for the other).
    partial_must_agree: bool = False


_PATERNITY_RANK: dict[str, int] = {
    PaternityStatus.NOT_NEEDED: 0,
    PaternityStatus.PENDING: 1,
    PaternityStatus.ESTABLISHED: 2,
}
MERGE_FACTS = (
    MergeFact("date of death", ("deceased_on",), lambda p: int(p.deceased_on is not None)),
    # Established (a date and how: an acknowledgment, an order) outranks pending.
    MergeFact(
        "paternity establishment",
        ("paternity_status", "paternity_established_on", "paternity_method"),
        lambda p: _PATERNITY_RANK.get(p.paternity_status, 0),
    ),
    MergeFact(
        "genetic test",
        ("genetic_test_ordered_on", "genetic_test_result"),
        lambda p: int(p.genetic_test_ordered_on is not None) + int(bool(p.genetic_test_result)),
        partial_must_agree=True,
    ),
    MergeFact("birth in or out of wedlock", ("born_in_wedlock",), lambda p: int(p.born_in_wedlock is not None)),
)


def _facts_disagree(fact: MergeFact, mine: Person, theirs: Person) -> bool:
    """Whether two records holding ``fact`` hold it differently: at the same rank, any value that
    differs; at different ranks (``partial_must_agree``), a value both hold that differs."""
    pairs = [(getattr(mine, name), getattr(theirs, name)) for name in fact.fields]
    if fact.rank(mine) == fact.rank(theirs):
        return any(a != b for a, b in pairs)
    return fact.partial_must_agree and any(a not in (None, "") and b not in (None, "") and a != b for a, b in pairs)


def _facts_taken(survivor: Person, duplicate: Person) -> list[MergeFact]:
    """The facts the survivor takes from the duplicate (``MergeFact``); a conflict is refused, and
    so is a merged record the person and paternity pages would refuse (``_merged_check``)."""
    taken = []
    for fact in MERGE_FACTS:
        mine, theirs = fact.rank(survivor), fact.rank(duplicate)
        if mine > 0 and theirs > 0 and _facts_disagree(fact, survivor, duplicate):
            raise ValidationError(
                f"These records differ on the {fact.label}: correct the record that is wrong, then merge them."
            )
        if theirs > mine:
            taken.append(fact)
    _merged_check(survivor, duplicate, taken)
    return taken


def _merged_check(survivor: Person, duplicate: Person, taken: list[MergeFact]) -> None:
    """The survivor as the merge would leave it, checked as its pages check it: its details
    (``_details_check``: death not before birth...) and its paternity (``_paternity_check``: no
    paternity established by a genetic test that excludes the man tested...). Facts combined one by
    one can make a record neither said: such a merge is refused, naming what is wrong."""
    from .participants import PATERNITY_FIELDS, PaternityData, _paternity_check

    names = [name for fact in taken for name in fact.fields]
    if not names:
        return
    merged = copy.copy(survivor)
    for name in names:
        setattr(merged, name, getattr(duplicate, name))
    try:
        _details_check(merged, [name for name in names if name not in PATERNITY_FIELDS])
        if set(names) & set(PATERNITY_FIELDS):
            _paternity_check(PaternityData(*(getattr(merged, name) for name in PATERNITY_FIELDS)))
    except ValidationError as exc:
        raise ValidationError(
            "Merged, these records would say what neither says and the record's pages refuse: "
            f"{' '.join(exc.messages)} Correct the record that is wrong, then merge them."
        ) from exc


def _two_roles_refuse(survivor: Person, duplicate: Person) -> None:
    """A CP, an NCP and a child of one case are distinct people, the case itself says so: two
    records on one case in different roles are refused (the same role on it is a duplicate entry)."""
    rows = CaseParticipant.objects.filter(person__in=[survivor, duplicate]).values_list("case_id", "person_id", "role")
    roles: dict[int, dict[int, set[str]]] = {}
    for case_id, person_id, role in rows:
        roles.setdefault(case_id, {}).setdefault(person_id, set()).add(role)
    for case_id, on_case in roles.items():
        if len(on_case) == 2 and on_case[survivor.pk] != on_case[duplicate.pk]:
            number = Case.objects.filter(pk=case_id).values_list("case_number", flat=True).get()
            raise ValidationError(
                f"These records are two parties of case {number} in different roles: they are two people "
                "and cannot be merged."
            )


def _person_field(name: str) -> models.Field:
    return cast(models.Field, Person._meta.get_field(name))


def _field_json(person: Person, name: str) -> Any:
    return _person_field(name).value_to_string(person) if getattr(person, name) is not None else None


def _row_json(row: models.Model) -> dict[str, Any]:
    """Every column of ``row`` (attribute name → its text, None kept), for an event's data."""
    return {
        f.attname: None if getattr(row, f.attname) is None else f.value_to_string(row)
        for f in row._meta.concrete_fields
    }


def _field_value(model: type[models.Model], attname: str, value: Any) -> Any:
    """A column's value from its text (``_row_json``)."""
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return None if value is None else field.to_python(value)


def person_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key and one-to-one to Person, the ones declared without
    a reverse accessor (``related_name="+"``: a document's whereabouts mark, a complaint's
    complainant, an offset collection's person) included, except the merge link itself and the
    field history's copies (a past version stays as it was)."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue
        model = cast(type[models.Model], rel.related_model)
        if not rel.field.concrete or is_history_model(model) or (model is Person and rel.field.name == "merged_into"):
            continue
        found.append((model, rel.field.name))
    return found


NO_COUNTY_MERGE = "A user with no county writes nothing: merging people (or undoing a merge) is not yours to do."


def merge_write_refusal(user: User | None) -> str:
    """Why ``user`` may not merge people or undo a merge ("" when they may): a merge rewrites the
    parties of both people's cases, whatever their county, and a user with no county writes
    nothing (docs/roles.md). Pages say it instead of their form. ``None``: the system (a command)."""
    return "" if user is None or user_county(user) else NO_COUNTY_MERGE


def _merge_write_refuse(user: User | None, obj: models.Model) -> None:
    """``merge_write_refusal`` as a denial naming ``obj`` (``ScopeDenied``: a 403, logged as any
    write out of scope), nothing changed."""
    refusal = merge_write_refusal(user)
    if refusal:
        raise ScopeDenied(obj, "merge", refusal)


@transaction.atomic
def person_merge(*, survivor: Person, duplicate: Person, by: User, reason: str) -> DomainEvent:
    """Merge ``duplicate`` into ``survivor`` (see the module docstring); returns the merge event.
    A user with no county is refused (``ScopeDenied``, ``merge_write_refusal``)."""
    _merge_write_refuse(by, duplicate)
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
    facts = _facts_taken(survivor, duplicate)
    _two_roles_refuse(survivor, duplicate)

    moved: dict[str, list[int]] = {}
    # One participation per case and role: where both records are on a case in the same role, one
    # goes; it is recorded whole so that an undo recreates it as it was (dates, end and reason).
    dropped_participations = []
    on_case: dict[tuple[int, str], dict[int, CaseParticipant]] = {}
    for participation in CaseParticipant.objects.filter(person__in=[survivor, duplicate]).order_by("pk"):
        on_case.setdefault((participation.case_id, participation.role), {})[participation.person_id] = participation
    for both in on_case.values():
        if len(both) == 2:
            # The current one stays (a child ended on one record is current on the other: the case
            # still has the child); else the survivor's.
            ended = both[survivor.pk].ended_on is not None and both[duplicate.pk].ended_on is None
            dropped = both[survivor.pk] if ended else both[duplicate.pk]
            dropped_participations.append(_row_json(dropped))
            dropped.delete()
    # Rows of other apps that cannot simply move (one row per person: core.hooks.person_merging).
    prepared = [
        asdict(change) for prepare in person_merging for change in prepare(survivor=survivor, duplicate=duplicate)
    ]
    for model, field_name in person_relations():
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
    for fact in facts:  # what the duplicate records that the survivor lacks is kept
        for name in fact.fields:
            before[name] = _field_json(survivor, name)
            setattr(survivor, name, getattr(duplicate, name))
            changed.append(name)
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
        "prepared": prepared,
        "survivor_before": before,
        "changed": changed,
    }
    summary = f"{summary}: {reason}" + "".join(f"; {change['note']}" for change in prepared)
    event = event_about(survivor, verb=MERGE_VERB, by=by, summary=summary, data=data)
    event_about(duplicate, verb=MERGE_VERB, by=by, summary=summary, data={**data, "merge_event_id": event.pk})
    return event


def merge_undo_refusal(event: DomainEvent, *, on: date | None = None) -> str:
    """Why ``event`` cannot be undone now ("" when it can)."""
    return merge_undo_refusals([event], on=on)[event.pk]


def merge_undo_refusals(events: Iterable[DomainEvent], *, on: date | None = None) -> dict[int, str]:
    """``merge_undo_refusal`` of each of ``events`` (by event id), in two queries however many
    there are (the undos made, the survivors merged on since): for a list of merges."""
    events = list(events)
    on = on or timezone.localdate()
    refusals: dict[int, str] = {}
    for event in events:
        if event.verb != MERGE_VERB or "merge_event_id" in event.data:
            refusals[event.pk] = "That event is not a merge."
        elif (made_on := timezone.localdate(event.occurred_at)) != on:
            refusals[event.pk] = f"A merge can be undone only {UNDO_WINDOW}; this one was made on {made_on}."
    open_ = [event for event in events if event.pk not in refusals]
    if not open_:
        return refusals
    undone = set(
        DomainEvent.objects.filter(verb=UNDO_VERB, data__merge_event_id__in=[event.pk for event in open_]).values_list(
            "data__merge_event_id", flat=True
        )
    )
    merged_on = dict(
        Person.objects.filter(
            pk__in={event.data["survivor_id"] for event in open_}, merged_into__isnull=False
        ).values_list("pk", "merged_into_id")
    )
    for event in open_:
        survivor_id = event.data["survivor_id"]
        if event.pk in undone:
            refusals[event.pk] = "This merge was already undone."
        elif survivor_id in merged_on:
            # The rows this merge moved went on with the survivor: undo the later merge first.
            refusals[event.pk] = (
                f"The record that stayed (person {survivor_id}) was merged into person {merged_on[survivor_id]} "
                "since: undo that merge first."
            )
        else:
            refusals[event.pk] = ""
    return refusals


@transaction.atomic
def person_merge_undo(*, event: DomainEvent, by: User) -> Person:
    """Undo the merge recorded by ``event`` (the survivor's merge event), on the day it was made.
    A user with no county is refused (``ScopeDenied``, ``merge_write_refusal``)."""
    _merge_write_refuse(by, event)
    event = DomainEvent.objects.select_for_update().get(pk=event.pk)
    refusal = merge_undo_refusal(event)
    if refusal:
        raise ValidationError(refusal)
    data = event.data
    survivor = Person.objects.select_for_update().get(pk=data["survivor_id"])
    duplicate = Person.objects.select_for_update().get(pk=data["duplicate_id"])
    if survivor.merged_into_id:  # merged on while this undo waited for the row
        raise ValidationError(merge_undo_refusal(event))
    relations = {f"{model._meta.label_lower}.{name}": (model, name) for model, name in person_relations()}
    for key, ids in data["moved"].items():
        model, field_name = relations[key]
        model._default_manager.filter(pk__in=ids, **{field_name: survivor}).update(**{field_name: duplicate})
    for row in data["dropped_participations"]:
        if "id" not in row:  # recorded before merges kept the whole row
            CaseParticipant.objects.get_or_create(case_id=row["case_id"], person=duplicate, role=row["role"])
            continue
        restored = CaseParticipant(**{name: _field_value(CaseParticipant, name, value) for name, value in row.items()})
        restored.save(force_insert=True)
        # created_at is set on insert (auto_now_add): the row's own is put back.
        CaseParticipant.objects.filter(pk=restored.pk).update(
            created_at=_field_value(CaseParticipant, "created_at", row["created_at"])
        )
    _prepared_undo(data.get("prepared", []))
    before = data["survivor_before"]
    if duplicate.ssn_index and not before.get("ssn_taken") and survivor.ssn_index == duplicate.ssn_index:
        # Two live records of one SSN (a pair merged before the unique index): not to be restored.
        raise ValidationError("These records have the same SSN: they are one person and the merge cannot be undone.")
    if (
        duplicate.ssn_index
        and Person.objects.filter(ssn_index=duplicate.ssn_index, merged_into__isnull=True)
        .exclude(pk__in=[survivor.pk, duplicate.pk])
        .exists()
    ):
        # Its SSN was given to another record since (``person_ssn_correct``: a merged record's SSN is free).
        raise ValidationError("This record's SSN is now on file for another person: the merge cannot be undone.")
    # The stricter flag wins (42 USC 654(26)): the duplicate's rows were the merged record's, shown
    # under its indicator; set there (by the merge or since), it stays set on the record given back.
    fvi_kept = survivor.family_violence and not duplicate.family_violence
    if fvi_kept:  # saved with the rest of the duplicate below: one save, one history row
        fvi_change_record(
            duplicate,
            True,
            case=None,
            by=by,
            summary=f"Family violence indicator kept from the merged record (merge into person {survivor.pk} undone)",
            data={"merge_event_id": event.pk},
        )
    if "family_violence" in data["changed"]:
        survivor.family_violence = before["family_violence"]
    for fact in MERGE_FACTS:
        # A fact taken from the duplicate goes back, unless it was changed on the survivor since.
        if fact.fields[0] in data["changed"] and all(
            getattr(survivor, name) == getattr(duplicate, name) for name in fact.fields
        ):
            for name in fact.fields:
                value = before[name]
                setattr(survivor, name, None if value is None else _person_field(name).to_python(value))
    if before.get("ssn_taken") and survivor.ssn_index == duplicate.ssn_index:
        # The SSN the survivor took goes back (one corrected on the survivor since stays).
        survivor.ssn = ""
    if data["changed"]:
        survivor.save()
    duplicate.merged_into = None
    duplicate.merged_at = None
    duplicate.save(update_fields=["merged_into", "merged_at", "family_violence", "updated_at"])
    summary = f"Merge of person {duplicate.pk} into person {survivor.pk} undone"
    if fvi_kept:
        summary += f"; person {duplicate.pk} keeps the family violence indicator of the merged record"
    for subject in (survivor, duplicate):
        event_about(
            subject, verb=UNDO_VERB, by=by, summary=summary, data={"merge_event_id": event.pk, "fvi_kept": fvi_kept}
        )
    return duplicate


def _prepared_undo(prepared: list[dict[str, Any]]) -> None:
    """What the ``person_merging`` hooks changed, put back (the rows are the duplicate's again by
    now): a value changed since the merge stays; one that no longer fits (an account made active
    since, on the same person) refuses the undo."""
    for change in reversed(prepared):
        model = apps.get_model(change["model"])
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=change["pk"], **{change["field"]: change["after"]}).update(
                    **{change["field"]: change["before"]}
                )
        except IntegrityError as exc:
            raise ValidationError(
                f"The merge cannot be undone: what it changed ({change['note']}) no longer fits the records."
            ) from exc


# A person's details ----------------------------------------------------------------------------

UPDATED_VERB = "person.updated"
SSN_CORRECTED_VERB = "person.ssn_corrected"
SSN_REMOVED_VERB = "person.ssn_removed"
# The details a caseworker keeps current (``person_update``) and their labels in messages and
# events; the SSN has its own page and rules (``person_ssn_correct``), the FVI and addresses theirs.
DETAIL_LABELS = {
    "first_name": "first name",
    "middle_name": "middle name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "phone": "phone",
    "email": "e-mail",
    "preferred_language": "preferred language",
    "needs_interpreter": "needs an interpreter",
    "language_note": "language note",
    "deceased_on": "date of death",
}
DETAIL_FIELDS = tuple(DETAIL_LABELS)
NAME_FIELDS = frozenset({"first_name", "middle_name", "last_name", "date_of_birth"})
MERGED_REFUSAL = "This record was merged into another person's record: change that record instead; nothing was changed."
SSN_TAKEN = (
    "This SSN is on file for another person. If they are the same person, a coordinator can merge the two "
    "records (Duplicates report); nothing was changed."
)
SSN_UNCHANGED = "This is the SSN on file already: nothing to change."
SSN_NONE_TO_REMOVE = "There is no SSN on file to remove."
SSN_IN_REASON = "Do not type an SSN in the reason: the reason is kept in the person's events."
REASON_MAX = 500
# Nine digits with nothing but separators between them (any run of spaces, dashes, dots, slashes...
# "219-09-9999", "219.09.9999", "219 - 09 - 9999", "219/09/9999"): an SSN typed into free text.
_SSN_IN_TEXT = re.compile(r"(?<!\d)\d(?:[\W_]*\d){8}(?!\d)")


def ssn_in_text(text: str) -> bool:
    """Whether ``text`` holds what may be an SSN: nine digits in a row, whatever separates them
    as long as it is no letter. The check of every reason that is kept in an event."""
    return bool(_SSN_IN_TEXT.search(text or ""))


@dataclass
class PersonUpdate:
    """What ``person_update`` did: the row, the fields it changed, and whether another live record
    is now a probable match (same birth date, similar name: the duplicates report will list them)."""

    person: Person
    changed: list[str] = field(default_factory=list)
    possible_duplicate: bool = False


def _details_check(person: Person, changed: list[str]) -> None:
    """The rules of a person's details, on the row as it will be saved (a colleague's change
    included): no date in the future or before 1900, death not before birth; each changed field's own validators."""
    errors: dict[str, list[str]] = {}
    for name in ("date_of_birth", "deceased_on"):
        value: date | None = getattr(person, name)
        if name in changed and (problem := date_refusal(value, future=False)):
            errors.setdefault(name, []).append(problem)
    if (
        {"date_of_birth", "deceased_on"} & set(changed)
        and person.date_of_birth
        and person.deceased_on
        and person.deceased_on < person.date_of_birth
    ):
        errors.setdefault("deceased_on", []).append("The date of death cannot be before the date of birth.")
    try:
        person.clean_fields(exclude=[f.name for f in Person._meta.fields if f.name not in changed])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_update(*, person: Person, data: dict[str, Any], by: User | None, shown: Shown | None = None) -> PersonUpdate:
    """Change a person's details (``DETAIL_FIELDS`` in ``data``; others are ignored) under the row's
    lock, saving only what changed (field history) and one ``person.updated`` event naming the
    changed fields, never their values.

    From a page (``shown``): only the fields the user changed there apply, a colleague's change made
    since stays, and the same field changed by both is refused (``core.stale.shown_changes``). A
    whereabouts field the page did not show (an FVI person's phone or e-mail, 42 USC 654(26): the
    page offers an empty "replace" box instead) is applied as given, and counts as changed even when
    it equals the value on file (the answer tells nothing of it). A merged record is refused."""
    person = person_locked_live(person, refusal=MERGED_REFUSAL)
    posted = {name: data[name] for name in DETAIL_FIELDS if name in data}
    for name in ("phone", "email", "first_name", "middle_name", "last_name", "language_note"):
        if name in posted:
            posted[name] = (posted[name] or "").strip()
    unseen = {
        name: posted.pop(name)
        for name in PERSON_WHEREABOUTS_FIELDS
        if name in posted and shown is not None and name not in shown.prints
    }
    mine = {**shown_changes(row=person, shown=shown, posted=posted, labels=DETAIL_LABELS), **unseen}
    # A withheld field typed in its "replace" box counts as changed even when it is the value on
    # file: otherwise the answer ("Nothing changed." / "Details saved.") and the event would tell
    # whether a guess of an FVI person's phone or e-mail is the one on file (42 USC 654(26)).
    changed = [
        name
        for name, value in mine.items()
        if name in unseen or fingerprint(getattr(person, name)) != fingerprint(value)
    ]
    if not changed:
        return PersonUpdate(person=person)
    for name in changed:
        setattr(person, name, mine[name])
    _details_check(person, changed)
    person.save(update_fields=[*changed, "updated_at"])  # save() adds name_search when a name changes
    event_about(
        person,
        verb=UPDATED_VERB,
        by=by,
        summary="Details changed: " + ", ".join(DETAIL_LABELS[name] for name in changed),
        data={"fields": changed},
    )
    return PersonUpdate(
        person=person, changed=changed, possible_duplicate=bool(NAME_FIELDS & set(changed)) and _probable_twin(person)
    )


def _probable_twin(person: Person) -> bool:
    """Whether another live record is a probable match of ``person`` (the rule of case opening and
    the duplicates report; two different SSNs are two people)."""
    from ..people import person_matches

    found = person_matches(
        first_name=f"{person.first_name} {person.middle_name}".strip(),
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        exclude_ids=[person.pk],
    )
    return any(p.pk not in found.ssn_differs for p in found.probable) if found.probable else False


# An SSN corrected or removed ---------------------------------------------------------------------


class SsnOnFileForAnother(ValidationError):
    """The SSN typed is another live person's: refused, naming no one. ``holder`` is for the
    view's audit log (``cases.access.ssn_answers_record``) only."""

    def __init__(self, holder: Person | None) -> None:
        super().__init__({"ssn": ValidationError(SSN_TAKEN, code="ssn_on_file_other_person")})
        self.holder = holder


class SsnSameAsOnFile(ValidationError):
    """The SSN typed is the one on file: nothing to change (an answer about the SSN: logged)."""

    def __init__(self, person: Person) -> None:
        super().__init__({"ssn": ValidationError(SSN_UNCHANGED, code="ssn_unchanged")})
        self.person = person


def _live_holder(index: str, *, besides: Person) -> Person | None:
    return Person.objects.filter(ssn_index=index, merged_into__isnull=True).exclude(pk=besides.pk).first()


@transaction.atomic
def person_ssn_correct(*, person: Person, ssn: str, reason: str, by: User | None, shown: Shown | None = None) -> Person:
    """Correct a person's SSN (``ssn`` the nine digits), or remove it (``ssn=""``: the one on file is
    wrong and the right one is not known). The new-hire, bank-match and federal offset files match
    people by SSN only, so a wrong one silently stops enforcement.

    Takes the SSN's advisory lock (as case opening does, ``ssn_lock_name``), then the person's row
    lock. Refused, nothing changed: a merged record; an invalid SSN; the SSN on file already
    (``SsnSameAsOnFile``); an SSN on file for another live person (``SsnOnFileForAnother``, naming
    no one; two corrections racing to one SSN meet the unique index person_live_ssn_unique and get
    the same answer); no reason, a reason over 500 characters or one holding an SSN. Writes
    ``person.ssn_corrected`` / ``person.ssn_removed`` with the reason and no digit; the field history
    keeps the last four and the blind index (the SSN itself is left out of history). From a page
    (``shown``: the fingerprint of the blind index on file when it was opened): refused when the SSN
    on file was changed meanwhile (``core.stale.refuse_if_changed``)."""
    reason = (reason or "").strip()
    ssn = (ssn or "").replace("-", "").replace(" ", "")
    if not reason:
        raise ValidationError({"reason": "Say why the SSN on file is wrong."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX} characters."})
    if ssn_in_text(reason):
        raise ValidationError({"reason": SSN_IN_REASON})
    if ssn:
        try:
            ssn_validator(ssn)
        except ValidationError as exc:
            raise ValidationError({"ssn": exc.messages}) from None
        advisory_xact_lock(ssn_lock_name(ssn))  # before the row lock, in case opening's order
    person = person_locked_live(person, refusal=MERGED_REFUSAL)
    refuse_if_changed(
        row=person, shown=shown, current={"ssn_index": person.ssn_index}, happened="The SSN on file was changed"
    )
    if not ssn and not person.ssn_index:
        raise ValidationError(SSN_NONE_TO_REMOVE)
    index = blind_index(ssn) if ssn else ""
    if ssn and index == person.ssn_index:
        raise SsnSameAsOnFile(person)
    if ssn and (holder := _live_holder(index, besides=person)) is not None:
        raise SsnOnFileForAnother(holder)
    person.ssn = ssn  # save() writes its last four and blind index
    try:
        with transaction.atomic():
            person.save(update_fields=["ssn", "ssn_last4", "ssn_index", "updated_at"])
    except IntegrityError:
        # Another writer that does not take the SSN's lock gave it to someone else meanwhile.
        raise SsnOnFileForAnother(_live_holder(index, besides=person)) from None
    verb = SSN_CORRECTED_VERB if ssn else SSN_REMOVED_VERB
    event_about(
        person,
        verb=verb,
        by=by,
        summary=f"{'SSN corrected' if ssn else 'SSN removed'}: {reason}",
        data={"reason": reason},
    )
    return person

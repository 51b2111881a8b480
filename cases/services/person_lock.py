"""The first step of a change to a person: the row locked and read again, a merged record refused;
for a file, many people's rows locked at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from ..models import Person


def person_locked_live(person: Person, *, refusal: str) -> Person:
    """The person's row, locked for a change, fresh from the database; a record merged into another
    is refused with ``refusal`` (each change says where it goes instead)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise ValidationError(refusal, code="merged")
    return person


LOCK_CHUNK = 20_000  # ids per locking statement


def people_lock(person_ids: Iterable[int]) -> None:
    """Lock these people's rows until the transaction ends, in id order (two writers locking sets
    that overlap never wait on each other in a cycle), a chunk of ids per statement: the set-based
    first step of a file that changes many people's records (their jobs), so that it and any other
    writer of the same person (the desk, another file) take turns and each reads what the one
    before wrote."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), LOCK_CHUNK):
        list(
            Person.objects.select_for_update()
            .filter(pk__in=ids[start : start + LOCK_CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )

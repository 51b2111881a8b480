"""The first step of a change to a person: the row locked and read again, a merged record refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..models import Person


def person_locked_live(person: Person, *, refusal: str) -> Person:
    """The person's row, locked for a change, fresh from the database; a record merged into another
    is refused with ``refusal`` (each change says where it goes instead)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise ValidationError(refusal, code="merged")
    return person

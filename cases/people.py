"""One person, one record: finding a person before creating one, and merging duplicates.

A person is the same person when their SSN matches (through the keyed blind index: the SSN itself
is encrypted and never compared). A *probable* match has the same date of birth and the same or a
similar name: accents, case, punctuation and the order of the names do not matter ("José
Muñoz-Peña" is "Jose Munoz Pena", and "Pena, Jose" too). The caseworker decides about probable
matches; an SSN match is reused without asking.

Scoring is done in Python with one rule on every database, so PostgreSQL and SQLite agree. The
candidates come from one indexed query by date of birth (case opening: flat in the number of
people); the office-wide duplicates report pairs people within a date of birth, and on PostgreSQL
lets ``pg_trgm``'s ``similarity()`` drop the obviously different pairs before Python scores them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from django.db import connection
from django.db.models import Count

from core.fields import blind_index

from .models import Person

# SequenceMatcher ratio at or above which two names (same date of birth) are a probable match:
# catches a typo, a dropped letter or accent, a hyphenated surname written with a space.
NAME_SIMILARITY = 0.8
# pg_trgm pre-filter for the office report: well below NAME_SIMILARITY so it never drops a pair
# Python would keep (trigram similarity runs lower than SequenceMatcher on short names).
TRIGRAM_PREFILTER = 0.2


def name_key(*parts: str) -> str:
    """Lower-case letters and single spaces, accents removed: ``"Muñoz-Peña "`` → ``"munoz pena"``."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    letters = "".join(c if c.isalpha() else " " for c in text if not unicodedata.combining(c))
    return " ".join(letters.lower().split())


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """How alike two names are, 0 to 1, whichever order each was written in."""
    a = name_key(first_a, last_a)
    b_forward, b_swapped = name_key(first_b, last_b), name_key(last_b, first_b)
    if not a or not b_forward:
        return 0.0
    if a in (b_forward, b_swapped) or sorted(a.split()) == sorted(b_forward.split()):
        return 1.0
    return max(SequenceMatcher(None, a, b_forward).ratio(), SequenceMatcher(None, a, b_swapped).ratio())


def is_probable_match(a: Person, b: Person) -> bool:
    return (
        a.date_of_birth is not None
        and a.date_of_birth == b.date_of_birth
        and name_similarity(a.first_name, a.last_name, b.first_name, b.last_name) >= NAME_SIMILARITY
    )


@dataclass
class Matches:
    """Who a person being entered may already be: ``exact`` by SSN, ``probable`` by name and birth."""

    exact: Person | None = None
    probable: list[Person] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.exact is not None or bool(self.probable)


def _live_people():
    return Person.objects.filter(merged_into__isnull=True)


def person_matches(
    *, first_name: str, last_name: str, date_of_birth: date | None, ssn: str = "", exclude_ids: Iterable[int] = ()
) -> Matches:
    """The existing people this entry may be: at most two queries, whatever the office's size."""
    exclude = set(exclude_ids)
    exact = None
    if ssn:
        exact = _live_people().filter(ssn_index=blind_index(ssn)).exclude(pk__in=exclude).order_by("pk").first()
    probable: list[Person] = []
    if date_of_birth is not None:
        candidates = _live_people().filter(date_of_birth=date_of_birth).exclude(pk__in=exclude)
        if exact is not None:
            candidates = candidates.exclude(pk=exact.pk)
        probable = [
            p
            for p in candidates.order_by("last_name", "first_name", "pk")
            if name_similarity(first_name, last_name, p.first_name, p.last_name) >= NAME_SIMILARITY
        ]
    return Matches(exact=exact, probable=probable)


def visible_match_ids(*, user, people: Iterable[Person]) -> set[int]:
    """Which of these possible matches ``user`` may see: people on a case in the user's scope
    (``cases.search.visible_people``, the person page's rule). Matching is office-wide, so that no
    one enters a person twice; what is shown of a match, and who may pick it, is not. One query."""
    from .search import visible_people

    ids = {p.pk for p in people}
    if not ids:
        return set()
    return set(visible_people(user).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    reason: str  # "same SSN" or "same date of birth, similar name"


def duplicate_pairs(*, limit: int = 200) -> list[DuplicatePair]:
    """Probable duplicate pairs in the office (same SSN, or same birth date and similar name)."""
    pairs: dict[tuple[int, int], str] = {}
    shared_ssn = (
        _live_people()
        .exclude(ssn_index="")
        .values("ssn_index")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("ssn_index")
    )
    by_index: dict[str, list[int]] = defaultdict(list)
    for index, pk in (
        _live_people().filter(ssn_index__in=shared_ssn).order_by("ssn_index", "pk").values_list("ssn_index", "pk")
    ):
        by_index[index].append(pk)
    for ids in by_index.values():
        for other in ids[1:]:
            pairs[(ids[0], other)] = "same SSN"
    for a, b in _same_birth_candidate_pairs():
        if (a.pk, b.pk) not in pairs and is_probable_match(a, b):
            pairs[(a.pk, b.pk)] = "same date of birth, similar name"
        if len(pairs) >= limit:
            break
    chosen = sorted(pairs.items())[:limit]
    people = _live_people().in_bulk({pk for pair, _ in chosen for pk in pair})
    return [DuplicatePair(people[a], people[b], reason) for (a, b), reason in chosen if a in people and b in people]


def _same_birth_candidate_pairs() -> Iterable[tuple[Person, Person]]:
    """Pairs of live people born the same day (lower id first), pre-filtered by pg_trgm on PostgreSQL."""
    if connection.vendor == "postgresql":
        table = Person._meta.db_table
        sql = f"""
            SELECT a.id, b.id FROM {table} a JOIN {table} b
              ON a.date_of_birth = b.date_of_birth AND a.id < b.id
             WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL
               AND similarity(lower(a.first_name || ' ' || a.last_name), lower(b.first_name || ' ' || b.last_name))
                   + similarity(lower(a.last_name || ' ' || a.first_name), lower(b.first_name || ' ' || b.last_name))
                   > %s
             ORDER BY a.id, b.id"""  # noqa: S608 - the table name is the model's, values are bound
        with connection.cursor() as cursor:
            cursor.execute(sql, [TRIGRAM_PREFILTER])
            id_pairs = cursor.fetchall()
        people = _live_people().in_bulk({pk for pair in id_pairs for pk in pair})
        for a, b in id_pairs:
            yield people[a], people[b]
        return
    by_birth: dict[date, list[Person]] = defaultdict(list)
    shared = (
        _live_people()
        .exclude(date_of_birth=None)
        .values("date_of_birth")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("date_of_birth")
    )
    for person in _live_people().filter(date_of_birth__in=shared).order_by("date_of_birth", "pk"):
        by_birth[person.date_of_birth].append(person)
    for group in by_birth.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                yield a, b

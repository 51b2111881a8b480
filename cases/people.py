"""One person, one record: finding a person before creating one, and merging duplicates.

A person is the same person when their SSN matches (through the keyed blind index: the SSN itself
is encrypted and never compared), and two different SSNs are two people. A *probable* match has the
same date of birth and the same or a similar name: accents, case, punctuation and the order of the
names do not matter ("José Muñoz-Peña" is "Jose Munoz Pena", and "Pena, Jose" too; "Đorđević" is
"Dordevic", close to "Djordjevic"); nor do a suffix ("Jr", "Sr", "II"-"IV"), the particles of a
surname ("De La Cruz" is "Cruz"), or a name left out: every word of the shorter name in the longer
one ("Ana Garcia" is "Ana Garcia Lopez", both born that day), each word the same or one letter or
so off ("Nunes" for "Nunez"). Sharing a surname is not enough ("Ana Lopez" is not "Maria Lopez").
The caseworker decides about probable matches; an SSN match is reused without asking.

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

from anyascii import anyascii
from django.db import connection
from django.db.models import Count

from core.fields import blind_index

from .models import Person

# How alike two words of a name must be (SequenceMatcher ratio; words of four letters or more) to
# count as the same word: a typo, a dropped letter ("Nunes"/"Nunez", "Reid"/"Reed"). Shorter words
# must be equal ("Li"/"Lu", "Ana"/"Ava" are other names).
WORD_SIMILARITY = 0.75
# A name's words run together against another's ("Delacruz"/"De La Cruz", "Mc Donald"/"McDonald"):
# the letters alike at least this much. High, so that a shared surname alone never reaches it.
JOINED_SIMILARITY = 0.9
# name_similarity at or above which two names (same date of birth) are a probable match.
NAME_SIMILARITY = WORD_SIMILARITY
# pg_trgm pre-filter for the office report, on ``name_search`` (transliterated, any word order):
# well below what any pair Python keeps scores (a two-word name inside a five-word one, or a typo
# in each word of a two-word name, stays above it).
TRIGRAM_PREFILTER = 0.15
# Words that are no name by themselves: a generational suffix anywhere, and the particles of a
# surname before its last word ("de la Cruz", "van der Berg", "Garcia y Lopez"); "Le" and "Do" are
# surnames of their own and stay.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "la", "las", "los", "da", "das", "dos", "du", "van", "von", "der", "den", "y"}
)


def name_key(*parts: str) -> str:
    """Lower-case letters and single spaces, accents removed: ``"Muñoz-Peña "`` → ``"munoz pena"``."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    letters = "".join(c if c.isalpha() else " " for c in text if not unicodedata.combining(c))
    return " ".join(letters.lower().split())


def _words(part: str, *, surname: bool = False) -> list[str]:
    """One part of a name as words: transliterated (``anyascii``: "Đ" is "D", which NFKD leaves
    alone), the suffixes gone, and in a surname the particles before its last word ("Van" or "Y"
    in a first name is a name)."""
    words = name_key(anyascii(part or "")).split()
    words = [w for w in words if w not in NAME_SUFFIXES] or words
    if not surname:
        return words
    return [w for i, w in enumerate(words) if w not in NAME_PARTICLES or i == len(words) - 1] or words


def _word_alike(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def _words_within(short: list[str], long: list[str]) -> float:
    """Each word of ``short`` paired with its own word of ``long``, equal ones first: the least alike
    pair's likeness (0 when a word finds no partner alike enough)."""
    left = list(long)
    unpaired = []
    for word in short:
        if word in left:
            left.remove(word)
        else:
            unpaired.append(word)
    least = 1.0
    for word in unpaired:
        best = max(left, key=lambda other: _word_alike(word, other), default="")
        score = _word_alike(word, best) if best else 0.0
        if score < WORD_SIMILARITY:
            return 0.0
        left.remove(best)
        least = min(least, score)
    return least


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """How alike two names are, 0 to 1, whichever order each was written in (see the module
    docstring): 1 when every word of the shorter name is in the longer one; at or above
    ``NAME_SIMILARITY`` when each is there but a letter or so off, or when the letters run together
    are nearly the same."""
    a = _words(first_a) + _words(last_a, surname=True)
    b = _words(first_b) + _words(last_b, surname=True)
    if not a or not b:
        return 0.0
    short, long = sorted((a, b), key=len)
    # One word left (a first name alone, a surname of particles) is no name to match on.
    within = _words_within(short, long) if len(short) >= 2 or len(long) == 1 else 0.0
    joined_a = name_key(anyascii(f"{first_a} {last_a}")).replace(" ", "")
    joined_b = {name_key(anyascii(f"{x} {y}")).replace(" ", "") for x, y in ((first_b, last_b), (last_b, first_b))}
    joined = max(SequenceMatcher(None, joined_a, other).ratio() for other in joined_b) if joined_a else 0.0
    return max(within, joined if joined >= JOINED_SIMILARITY else 0.0)


def is_probable_match(a: Person, b: Person) -> bool:
    """Same date of birth and a similar name, and not two different SSNs (two people)."""
    return (
        a.date_of_birth is not None
        and a.date_of_birth == b.date_of_birth
        and not ssns_differ(a.ssn_index, b.ssn_index)
        and name_similarity(a.first_name, a.last_name, b.first_name, b.last_name) >= NAME_SIMILARITY
    )


def ssns_differ(index_a: str, index_b: str) -> bool:
    """Two SSNs on file (blind indexes) that are not the same: two people (``person_merge`` refuses them)."""
    return bool(index_a and index_b and index_a != index_b)


@dataclass
class Matches:
    """Who a person being entered may already be: ``exact`` by SSN, ``probable`` by name and birth.

    ``ssn_differs`` are the probable matches with another SSN on file than the one entered: not
    this person (two SSNs are two people) and never to be picked, but shown, since the SSN typed may
    be the mistake."""

    exact: Person | None = None
    probable: list[Person] = field(default_factory=list)
    ssn_differs: set[int] = field(default_factory=set)

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
    index = blind_index(ssn) if ssn else ""
    if index:
        exact = _live_people().filter(ssn_index=index).exclude(pk__in=exclude).order_by("pk").first()
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
    return Matches(
        exact=exact, probable=probable, ssn_differs={p.pk for p in probable if ssns_differ(index, p.ssn_index)}
    )


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
    """Probable duplicate pairs in the office: same SSN (only merged records share one since the
    unique index, migration 0024: kept as a check), or same birth date and similar name
    (``is_probable_match``, the rule of case opening; a pair with two different SSNs is two people
    and is not listed, as ``person_merge`` refuses it)."""
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
    """Pairs of live people born the same day (lower id first) and not two different SSNs,
    pre-filtered by pg_trgm on PostgreSQL: ``name_search`` is transliterated and trigrams ignore the
    order of the words. Pairs are formed within a birth date only (indexed), never across the office."""
    if connection.vendor == "postgresql":
        table = Person._meta.db_table
        sql = f"""
            SELECT a.id, b.id FROM {table} a JOIN {table} b
              ON a.date_of_birth = b.date_of_birth AND a.id < b.id
             WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL
               AND (a.ssn_index = '' OR b.ssn_index = '' OR a.ssn_index = b.ssn_index)
               AND similarity(a.name_search, b.name_search) > %s
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

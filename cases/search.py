"""Find anyone (issue 15.1): one box for a case number, a person's name, a date of birth, the last
four of an SSN, an employer or a payment reference.

Every result is read through the user's case scope (``cases.models.scope``): a person is found only
through a case the user may see, an employer only through the people it employs on such cases, a
payment only on such a case. A user with no county (and no statewide permission) finds nothing.

Set-based: each kind is one query (plus one prefetch for the cases' participants), whatever the
number of rows; each kind shows at most ``LIMIT`` rows and says when there are more.

Names are compared on ``Person.name_search`` (accents, case, punctuation and order do not matter:
"Peña Jose" finds "José Peña"). On PostgreSQL ``LIKE '% pe%'`` is served by a trigram index
(migration 0015); on SQLite it is a scan.

FVI (42 USC 654(26)): results carry names and case numbers only, never whereabouts. An employer is
whereabouts of the people it employs, so an employer search never lists an FVI person
(``cases.redaction.visible_employments``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower, StrIndex

from .filtersets import CASE_NUMBER_RE
from .models import Case, CaseParticipant, Collection, Person
from .redaction import visible_employments

LIMIT = 25
# Rows of one kind read before sorting (see _among_first_matches). 300, not 1000: a common name
# costs in proportion (rows read, scope checked, fetched again to sort); 1000 put a county user's
# search at 3.5 million people over 150 ms under load (bench/search.py).
CANDIDATES = 300
MAX_QUERY = 100
MAX_WORDS = 4

# Dates of birth as people type them (US order first: 03/04/1990 is March 4).
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m-%d-%Y",
    "%m.%d.%Y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%m%d%Y",
)
SSN_LAST4_RE = re.compile(r"^(?:(?:\*{3}|x{3})-?(?:\*{2}|x{2})-?|ssn:?\s*)?(\d{4})$", re.IGNORECASE)


class SearchQueryError(ValueError):
    """A query that cannot be searched (too long, a NUL byte)."""


def parse_date(text: str) -> date | None:
    cleaned = re.sub(r"[,\s]+", " ", text.strip().rstrip("."))
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2100:
            return parsed
    return None


def name_words(text: str) -> list[str]:
    key = Person.search_key(text).split()
    return key[:MAX_WORDS]


@dataclass
class Group:
    kind: str
    label: str
    rows: list = field(default_factory=list)
    more: bool = False


@dataclass
class SearchResults:
    query: str
    groups: list[Group] = field(default_factory=list)
    # What the query was read as, for the audit log and the page ("ssn_last4", "date_of_birth", ...).
    read_as: list[str] = field(default_factory=list)
    # People found by a sensitive key (SSN last four, date of birth): the audit names each.
    sensitive_people: list[Person] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.restrict(user, "view")


def visible_people(user) -> QuerySet[Person]:
    """People on at least one case ``user`` may see (merged-away records excluded).

    A user who sees every case (statewide) needs no case in the test: being on any case is
    enough, one look in the participants' person index. Joining each participant to
    ``cases_case`` only to find no condition there cost a second index probe per candidate, and
    a common name reads a thousand candidates."""
    cases = visible_cases(user)
    on_visible_case = CaseParticipant.objects.filter(person=OuterRef("pk"))
    if cases.query.has_filters():  # a county, a key's counties, or nothing at all (none())
        on_visible_case = on_visible_case.filter(case__in=cases)
    return Person.objects.filter(Exists(on_visible_case), merged_into__isnull=True)


def _limited(queryset) -> tuple[list, bool]:
    rows = list(queryset[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def _among_first_matches(queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to its first ``CANDIDATES`` matches in no order, to be sorted after.

    A common last name matches tens of thousands of rows in a statewide office (about 90,000
    "Garcia"s in 3.5 million people): sorting them all to show 25 took a second. A search box
    shows 25 and asks for more words when there are more (``more``); the 25 are sorted among the
    first matches found, which are all of them whenever the search is specific enough to read the
    whole list."""
    candidates = queryset.order_by().values("pk")[:CANDIDATES]
    # The candidates carry every condition (scope, words, FVI): the outer query only fetches them.
    return queryset.model._default_manager.filter(pk__in=candidates)


def _name_word_filter(queryset: QuerySet[Person], word: str, i: int, *, alone: bool) -> QuerySet[Person]:
    """People with a name word starting with ``word`` (``name_search`` is " jose pena ").

    One word: ``LIKE '% pena%'``. For a common word PostgreSQL reads the table until it has
    ``CANDIDATES`` matches, which is quicker than any index.

    Several words: PostgreSQL intersects the trigram index's lists. The trigrams of a word start
    ("  p", " pe") are shared by a fifth of all names and made most of that time (about 40 ms
    for two common names at 3.5 million people), so each word of three letters or more is
    looked up by its own trigrams (``LIKE '%pena%'``) and its start checked on the rows found
    (``strpos(name_search, ' pena') > 0``). A shorter word has no trigram of its own."""
    if alone or len(word) < 3:
        return queryset.filter(name_search__contains=f" {word}")
    at = f"_word{i}_at"
    return (
        queryset.filter(name_search__contains=word)
        .alias(**{at: StrIndex("name_search", Value(f" {word}"))})
        .filter(**{f"{at}__gt": 0})
    )


def _cases(queryset: QuerySet[Case]) -> QuerySet[Case]:
    participants = CaseParticipant.objects.select_related("person").order_by("role", "id")
    return (
        queryset.select_related("balance", "caseworker")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("case_number")
    )


def _people(queryset: QuerySet[Person]) -> QuerySet[Person]:
    # Sorted on lower(name), which no index serves: on PostgreSQL an ORDER BY last_name made the
    # planner walk the last-name index through every person to find 26 "Garcia"s (about a second
    # at 100,000 cases) instead of taking the few thousand from the trigram index and sorting them.
    return queryset.order_by(Lower("last_name"), Lower("first_name"), "id")


def search(*, user, query: str) -> SearchResults:
    """What ``user`` may find for ``query``, grouped by kind. Raises ``SearchQueryError`` for a
    query that cannot be searched."""
    text = (query or "").strip()
    if "\x00" in text:
        raise SearchQueryError("The search contains a character that cannot be searched.")
    if len(text) > MAX_QUERY:
        raise SearchQueryError(f"Search for at most {MAX_QUERY} characters.")
    results = SearchResults(query=text)
    if not text:
        return results

    cases = visible_cases(user)
    people = visible_people(user)

    # A case number: NY-000123, ny123, CA-42.
    case_number = bool(CASE_NUMBER_RE.match(text.replace(" ", "")))
    if case_number:
        compact = text.replace(" ", "")
        digits = re.sub(r"\D", "", compact)
        number = f"{compact[:2].upper()}-{int(digits):06d}"
        rows, more = _limited(_cases(cases.filter(case_number__iexact=number)))
        results.read_as.append("case_number")
        results.groups.append(Group("cases", "Cases", rows, more))

    # The last four of an SSN: matched on the stored last-four column (the SSN itself is encrypted
    # and never decrypted for a search). A sensitive read: the view logs it.
    ssn = SSN_LAST4_RE.match(text)
    if ssn:
        rows, more = _limited(_people(people.filter(ssn_last4=ssn.group(1))))
        results.read_as.append("ssn_last4")
        results.sensitive_people += rows
        results.groups.append(Group("people_ssn", "People by the last four of their SSN", rows, more))

    born = parse_date(text) if any(c.isdigit() for c in text) else None
    if born is not None:
        rows, more = _limited(_people(people.filter(date_of_birth=born)))
        results.read_as.append("date_of_birth")
        results.sensitive_people += rows
        results.groups.append(Group("people_dob", f"People born on {born:%b} {born.day}, {born.year}", rows, more))

    # A payment reference (the source's own reference, or the batch it came in), without regard to
    # letter case: by its key as a receipt's identity compares it (Collection.reference_key_of).
    if len(text) >= 4 and " " not in text:
        payments = (
            Collection.objects.filter(case__in=cases)
            .filter(
                Q(reference_key=Collection.reference_key_of(text))
                | Q(reference_key__isnull=True, source_reference__iexact=text)
                | Q(batch_reference__iexact=text)
            )
            .select_related("case")
            .order_by("-received_on", "-id")
        )
        rows, more = _limited(payments)
        if rows:
            results.read_as.append("payment_reference")
            results.groups.append(Group("payments", "Payments", rows, more))

    # A case number, the last four of an SSN or a date is not a name: "NY-000123" would otherwise
    # look for every name with a word starting "ny", and every employer named like the number.
    words = name_words(text) if not (case_number or ssn or born is not None) else []
    if words and any(len(w) >= 2 for w in words):
        matching = people
        for i, word in enumerate(words):
            matching = _name_word_filter(matching, word, i, alone=len(words) == 1)
        rows, more = _limited(_people(_among_first_matches(matching)))
        results.read_as.append("name")
        results.groups.append(Group("people", "People", rows, more))

        # An employer by name: the people it employs now, on cases the user may see, never an
        # FVI person (an employer locates them during the working day). The first by employer
        # name, read in that order: the employers' name index is walked (about 40,000 employers
        # in a statewide office), each matching employer's current employments checked until
        # LIMIT are found. The name is matched on the joined employer row: through a subquery
        # (employer IN (...)) PostgreSQL looked each walked employer up a second time.
        if len(text) >= 3:
            employed = (
                visible_employments()
                .filter(employer__name__icontains=text, ended_on__isnull=True, person__in=people)
                .select_related("employer", "person")
                .order_by("employer__name", "person__last_name", "id")
            )
            rows, more = _limited(employed)
            if rows:
                results.read_as.append("employer")
                results.groups.append(Group("employers", "People by employer", rows, more))

    return results

"""What of a person may be shown, and to whom: the one place that applies the family violence
indicator (FVI) to every channel — pages, letters and PDFs, CSV exports, the partner API, admin,
search results and change history.

The rule (42 USC 654(26); 45 CFR 303.21): where the FVI is set, the person's *whereabouts* are
never released, to any role. A child lives with the custodial parent: anything that locates the
child locates the parent, so a child's whereabouts are withheld too while a custodial parent on any
of the child's cases has the FVI (derived here, each time it is asked: no flag is copied to the
child, so no write path — case opening, the desk, a merge, admin, an import — can forget it, and the
child's own indicator stays the child's). Whereabouts are everything that locates them: addresses, phone,
e-mail, their employment (the employer, its address and phone locate them during the working day)
and free text recorded while locating them (locate attempt notes). The single exception is a court's
one-time override (``cases.services.fvi_override_use``), which returns the addresses on that one
logged response and nowhere else.

Callers ask here instead of reading ``person.family_violence`` themselves (it is not the whole rule):
- pages and letters: ``person_card(person=..., user=...)`` gives what may be shown;
- querysets of whereabouts rows: ``visible_addresses`` / ``visible_employments``;
- any object (admin, history): ``protects(obj)``; documents on a case: ``document_shown(document)``,
  their titles ``document_title(document)``;
- serializers and exports: ``redact_person_data(person, data)``; letters: ``mailing_address(person)``;
- lists of people: ``people_mark(people)`` (or ``parent_fvi_exists`` as an annotation named
  ``PARENT_FVI``) reads the parents' indicator for all of them in one query, so asking each is free;
- copies of whereabouts kept with a row, read at display time (the indicator can be set after the
  copy was taken): ``locate_notes(attempt)``, ``letter_address_text(letter)``, and the phone and
  e-mail a complainant or hearing appellant gave: ``contact_copy(person=..., email=..., phone=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .choices import ParticipantRole
from .models import Address, CaseParticipant, Employment, LocateAttempt, Person, SentLetter

WITHHELD = "Withheld (family violence indicator, 42 USC 654(26))"

# Person columns that locate them; every other column (name, date of birth, SSN under its own rule)
# is identity, not whereabouts.
PERSON_WHEREABOUTS_FIELDS = ("phone", "email")
# Rows that locate a person; the free-text columns of rows recorded while locating one, and the
# columns of rows that keep a copy of a person's whereabouts (a letter's mailing block as printed,
# and the address row it was printed from).
WHEREABOUTS_MODELS: tuple[type[Model], ...] = (Address, Employment)
WHEREABOUTS_TEXT_FIELDS: dict[type[Model], tuple[str, ...]] = {
    LocateAttempt: ("notes",),
    SentLetter: ("address", "address_text"),
}


# The attribute (an annotation, or set by ``people_mark``) saying whether a person is a child on a
# case on which a custodial parent has the FVI; read by ``parent_fvi`` instead of a query.
PARENT_FVI = "parent_fvi"


def _children_of_fvi_parents() -> QuerySet[CaseParticipant]:
    """Children's participations on cases on which a custodial parent has the FVI (the conditions on
    ``case__participants`` hold for the same participant row: one ``filter`` call). A participation
    that ended (``ended_on``: emancipated, moved …) counts too: where the child lives may still
    locate the parent, and nothing on file says it does not."""
    return CaseParticipant.objects.filter(
        role=ParticipantRole.CHILD,
        case__participants__role=ParticipantRole.CP,
        case__participants__person__family_violence=True,
    )


def parent_fvi_exists(person_ref: str | OuterRef = "pk") -> Exists:
    """``EXISTS``: the person (``person_ref``, a column of the outer query) is a child on a case on
    which a custodial parent has the FVI. Annotate it as ``PARENT_FVI`` on a list of people."""
    ref = OuterRef(person_ref) if isinstance(person_ref, str) else person_ref
    return Exists(_children_of_fvi_parents().filter(person_id=ref))


def parent_fvi(person: Person) -> bool:
    """Whether ``person`` is a child on a case on which a custodial parent has the FVI: the child
    lives with that parent, and where the child is locates them (42 USC 654(26)). From the
    annotation or ``people_mark`` when the caller gave it; else one query."""
    known = getattr(person, PARENT_FVI, None)
    if known is not None:
        return bool(known)
    if person.pk is None:
        return False
    return _children_of_fvi_parents().filter(person_id=person.pk).exists()


def people_mark(people: Iterable[Person | None]) -> None:
    """Read ``parent_fvi`` for all of ``people`` in one query (none when none needs it): for lists,
    so that asking each person afterwards costs nothing."""
    unknown = [p for p in people if p is not None and p.pk is not None and getattr(p, PARENT_FVI, None) is None]
    if not unknown:
        return
    ids = {p.pk for p in unknown}
    marked = set(_children_of_fvi_parents().filter(person_id__in=ids).values_list("person_id", flat=True))
    for person in unknown:
        setattr(person, PARENT_FVI, person.pk in marked)


def whereabouts_shown(person: Person, *, user=None) -> bool:
    """Whether ``user`` may see where ``person`` is. No role may for an FVI person, nor for a child
    on a case on which a custodial parent has the FVI (``parent_fvi``); the court's override is a
    separate, one-time, logged release. Anyone who may open the person otherwise."""
    return not (person.family_violence or parent_fvi(person))


def document_shown(document, *, user=None) -> bool:
    """Whether ``user`` may open a document on a case (``cases.CaseDocument``). A document marked as
    showing the whereabouts of a person is withheld while that person has the FVI (read now, so a
    document attached before the indicator was set is withheld too)."""
    person = document.shows_whereabouts_of
    return person is None or whereabouts_shown(person, user=user)


DOCUMENT_WITHHELD_TITLE = "Document withheld (family violence indicator)"


def document_title(document, *, user=None) -> str:
    """A case document's title as a page may show it: a title may say where someone is ("Lease, 12 Elm
    St"), so a withheld document (``document_shown``) is shown under a neutral title, on every page
    that lists it. For a list, ``people_mark`` the documents' ``shows_whereabouts_of`` first."""
    return document.title if document_shown(document, user=user) else DOCUMENT_WITHHELD_TITLE


def protected_q(prefix: str = "") -> Q:
    """Rows of (or belonging to, through ``prefix``, e.g. ``"person__"``) a person whose whereabouts
    are withheld: an FVI person, or a child on a case on which a custodial parent has the FVI."""
    return Q(**{f"{prefix}family_violence": True}) | Q(parent_fvi_exists(f"{prefix}pk"))


def visible_addresses(queryset: QuerySet[Address] | None = None) -> QuerySet[Address]:
    return (Address.objects.all() if queryset is None else queryset).exclude(protected_q("person__"))


def visible_employments(queryset: QuerySet[Employment] | None = None) -> QuerySet[Employment]:
    return (Employment.objects.all() if queryset is None else queryset).exclude(protected_q("person__"))


def _person_id(obj: Model) -> int | None:
    if isinstance(obj, Person):
        return obj.pk
    return getattr(obj, "person_id", None)


def protects(obj: Model) -> bool:
    """Whether ``obj`` is a protected person (``protected_q``: an FVI person, or a child of an FVI
    custodial parent), or a whereabouts row (or a historical version of one) of one. Reads the
    *current* indicators: a history row written before the FVI was set is protected too."""
    instance = getattr(obj, "instance", obj) if hasattr(obj, "history_id") else obj
    model = type(instance)
    if not (model is Person or model in WHEREABOUTS_MODELS or model in WHEREABOUTS_TEXT_FIELDS):
        return False
    person_id = _person_id(instance)
    return person_id is not None and Person.objects.filter(protected_q(), pk=person_id).exists()


def _payor_protected(collection) -> bool:
    """A collection's employer locates its payor (the case's NCP): withheld when the NCP's
    whereabouts are (``protected_q``)."""
    return (
        bool(collection.case_id)
        and Person.objects.filter(
            protected_q(), participations__case_id=collection.case_id, participations__role=ParticipantRole.NCP
        ).exists()
    )


def withheld_fields(obj: Model) -> tuple[str, ...]:
    """The columns of ``obj`` that must not be shown (empty when nothing is protected)."""
    instance = getattr(obj, "instance", obj) if hasattr(obj, "history_id") else obj
    model = type(instance)
    if model._meta.label == "cases.Collection":
        return ("employer",) if _payor_protected(instance) else ()
    if model._meta.label == "cases.CaseDocument":
        return () if document_shown(instance) else ("title", "file", "original_name", "sha256")
    if not protects(instance):
        return ()
    if model is Person:
        return PERSON_WHEREABOUTS_FIELDS
    if model in WHEREABOUTS_TEXT_FIELDS:
        return WHEREABOUTS_TEXT_FIELDS[model]
    return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "person")


def redact_person_data(person: Person, data: dict[str, Any], *, user=None) -> dict[str, Any]:
    """``data`` (a serializer's or an export's row for ``person``) with the whereabouts withheld."""
    if whereabouts_shown(person, user=user):
        return data
    return {key: (WITHHELD if key in PERSON_WHEREABOUTS_FIELDS and value else value) for key, value in data.items()}


def locate_notes(attempt: LocateAttempt) -> str:
    """A locate attempt's notes, unless they are about a person whose whereabouts are withheld (they
    may say where they are). For a list, ``people_mark`` the attempts' people first."""
    if attempt.notes and not whereabouts_shown(attempt.person):
        return WITHHELD
    return attempt.notes


def letter_address_text(letter: SentLetter) -> str:
    """The mailing block a sent letter printed (``SentLetter.address_text``, a copy taken when it was
    sent), unless its person has the FVI now: a letter sent before the indicator was set printed
    their address then, and the indicator is read at display time. Give the letter with its
    ``person`` (``select_related("person")``) and ``people_mark`` the letters' people: no query per
    letter. A letter sent through the
    confidential mailing arrangement printed the office's arrangement, never an address: shown."""
    person = letter.person
    if not letter.address_text or letter.confidential or person is None:
        return letter.address_text
    return letter.address_text if whereabouts_shown(person) else WITHHELD


def mailing_address(person: Person, *, last_known: bool = False) -> Address | None:
    """The current address a letter to ``person`` may print, or ``None``: an FVI person's letters
    carry no address (``cases.letters.recipient_block`` prints the office's confidential mailing
    arrangement instead). An address mail came back from (``undeliverable_on``) is not used, unless
    ``last_known``: a notice the law requires in writing whatever the office knows of the address
    (the notice of intent to close, 45 CFR 303.11(d)(1), typically to a recipient who cannot be
    reached) goes to the last address known when no deliverable one is on file."""
    if not whereabouts_shown(person):
        return None
    deliverable = (
        person.addresses.filter(valid_to__isnull=True, undeliverable_on__isnull=True)
        .order_by("-valid_from", "-id")
        .first()
    )
    if deliverable is not None or not last_known:
        return deliverable
    return person.addresses.order_by("-valid_from", "-id").first()


@dataclass(frozen=True)
class ContactCopy:
    """The phone and e-mail someone gave on another row (a complaint, a hearing request), as a page
    may show them (``contact_copy``)."""

    email: str
    phone: str
    withheld: bool = False
    # The case person they are about (``None``: a complainant who is no case person).
    person: Person | None = None

    @property
    def revealed_fields(self) -> list[str]:
        """The copied columns shown of a case person's, for the sensitive-read log (none of someone
        who is no case person: what they gave is not a case person's whereabouts on file)."""
        if self.withheld or self.person is None:
            return []
        return [name for name, value in (("contact_email", self.email), ("contact_phone", self.phone)) if value]


def contact_copy(*, person: Person | None, email: str, phone: str, user=None) -> ContactCopy:
    """The ``email`` and ``phone`` a complainant or appellant gave, kept on their complaint or
    hearing request, as they may be shown: when they are a case person (``person``) whose
    whereabouts are withheld (``whereabouts_shown``, read now: the indicator may be set after the
    complaint was filed) both are withheld, as on the person page: the phone and e-mail they gave
    about their own matter locate them as much as the ones on their record (42 USC 654(26))."""
    if person is not None and not whereabouts_shown(person, user=user) and (email or phone):
        return ContactCopy(email="", phone="", withheld=True, person=person)
    return ContactCopy(email=email, phone=phone, person=person)


@dataclass(frozen=True)
class PersonCard:
    """What a page or letter may show of a person's whereabouts."""

    person: Person
    protected: bool
    # Protected because a custodial parent on one of the child's cases has the FVI (the child's own
    # indicator is not set): the page says why.
    with_parent: bool = False
    phone: str = ""
    email: str = ""
    addresses: list[Address] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)

    @property
    def revealed_fields(self) -> list[str]:
        """The whereabouts this card shows, for the sensitive-read log."""
        if self.protected:
            return []
        shown = [name for name in PERSON_WHEREABOUTS_FIELDS if getattr(self, name)]
        if self.addresses:
            shown.append("addresses")
        if self.employments:
            shown.append("employments")
        return shown


def person_card(*, person: Person, user=None) -> PersonCard:
    if person.family_violence:
        return PersonCard(person=person, protected=True)
    if parent_fvi(person):
        return PersonCard(person=person, protected=True, with_parent=True)
    return PersonCard(
        person=person,
        protected=False,
        phone=person.phone,
        email=person.email,
        addresses=list(person.addresses.all()),
        employments=list(person.employments.select_related("employer")),
    )


__all__ = [
    "PARENT_FVI",
    "PERSON_WHEREABOUTS_FIELDS",
    "WHEREABOUTS_MODELS",
    "WHEREABOUTS_TEXT_FIELDS",
    "DOCUMENT_WITHHELD_TITLE",
    "WITHHELD",
    "ContactCopy",
    "PersonCard",
    "contact_copy",
    "document_title",
    "letter_address_text",
    "locate_notes",
    "mailing_address",
    "parent_fvi",
    "parent_fvi_exists",
    "people_mark",
    "person_card",
    "protected_q",
    "protects",
    "redact_person_data",
    "visible_addresses",
    "visible_employments",
    "whereabouts_shown",
    "withheld_fields",
]

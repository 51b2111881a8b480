"""What of a person may be shown, and to whom: the one place that applies the family violence
indicator (FVI) to every channel — pages, letters and PDFs, CSV exports, the partner API, admin,
search results and change history.

The rule (42 USC 654(26); 45 CFR 303.21): where the FVI is set, the person's *whereabouts* are
never released, to any role. Whereabouts are everything that locates them: addresses, phone,
e-mail, their employment (the employer, its address and phone locate them during the working day)
and free text recorded while locating them (locate attempt notes). The single exception is a court's
one-time override (``cases.services.fvi_override_use``), which returns the addresses on that one
logged response and nowhere else.

Callers ask here instead of reading ``person.family_violence`` themselves:
- pages and letters: ``person_card(person=..., user=...)`` gives what may be shown;
- querysets of whereabouts rows: ``visible_addresses`` / ``visible_employments``;
- any object (admin, history): ``protects(obj)``; documents on a case: ``document_shown(document)``;
- serializers and exports: ``redact_person_data(person, data)``; letters: ``mailing_address(person)``;
- copies of whereabouts kept with a row, read at display time (the indicator can be set after the
  copy was taken): ``locate_notes(attempt)``, ``letter_address_text(letter)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

from .models import Address, Employment, LocateAttempt, Person, SentLetter

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


def whereabouts_shown(person: Person, *, user=None) -> bool:
    """Whether ``user`` may see where ``person`` is. No role may for an FVI person (the court's
    override is a separate, one-time, logged release); anyone who may open the person otherwise."""
    return not person.family_violence


def document_shown(document, *, user=None) -> bool:
    """Whether ``user`` may open a document on a case (``cases.CaseDocument``). A document marked as
    showing the whereabouts of a person is withheld while that person has the FVI (read now, so a
    document attached before the indicator was set is withheld too)."""
    person = document.shows_whereabouts_of
    return person is None or whereabouts_shown(person, user=user)


def protected_q(prefix: str = "") -> Q:
    """Rows of (or belonging to, through ``prefix``, e.g. ``"person__"``) an FVI person."""
    return Q(**{f"{prefix}family_violence": True})


def visible_addresses(queryset: QuerySet[Address] | None = None) -> QuerySet[Address]:
    return (Address.objects.all() if queryset is None else queryset).exclude(protected_q("person__"))


def visible_employments(queryset: QuerySet[Employment] | None = None) -> QuerySet[Employment]:
    return (Employment.objects.all() if queryset is None else queryset).exclude(protected_q("person__"))


def _person_id(obj: Model) -> int | None:
    if isinstance(obj, Person):
        return obj.pk
    return getattr(obj, "person_id", None)


def protects(obj: Model) -> bool:
    """Whether ``obj`` is an FVI person, or a whereabouts row (or a historical version of one) of
    an FVI person. Reads the person's *current* indicator: a history row written before the FVI
    was set is protected too."""
    instance = getattr(obj, "instance", obj) if hasattr(obj, "history_id") else obj
    model = type(instance)
    if not (model is Person or model in WHEREABOUTS_MODELS or model in WHEREABOUTS_TEXT_FIELDS):
        return False
    person_id = _person_id(instance)
    return person_id is not None and Person.objects.filter(pk=person_id, family_violence=True).exists()


def _payor_protected(collection) -> bool:
    """A collection's employer locates its payor (the case's NCP): withheld when the NCP has the FVI."""
    from .choices import ParticipantRole

    return (
        bool(collection.case_id)
        and Person.objects.filter(
            participations__case_id=collection.case_id, participations__role=ParticipantRole.NCP, family_violence=True
        ).exists()
    )


def withheld_fields(obj: Model) -> tuple[str, ...]:
    """The columns of ``obj`` that must not be shown (empty when nothing is protected)."""
    instance = getattr(obj, "instance", obj) if hasattr(obj, "history_id") else obj
    model = type(instance)
    if model._meta.label == "cases.Collection":
        return ("employer",) if _payor_protected(instance) else ()
    if model._meta.label == "cases.CaseDocument":
        return () if document_shown(instance) else ("file", "original_name", "sha256")
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
    """A locate attempt's notes, unless they are about an FVI person (they may say where they are)."""
    if attempt.notes and attempt.person.family_violence:
        return WITHHELD
    return attempt.notes


def letter_address_text(letter: SentLetter) -> str:
    """The mailing block a sent letter printed (``SentLetter.address_text``, a copy taken when it was
    sent), unless its person has the FVI now: a letter sent before the indicator was set printed
    their address then, and the indicator is read at display time. Give the letter with its
    ``person`` (``select_related("person")``): no query per letter. A letter sent through the
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
class PersonCard:
    """What a page or letter may show of a person's whereabouts."""

    person: Person
    protected: bool
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
    if not whereabouts_shown(person, user=user):
        return PersonCard(person=person, protected=True)
    return PersonCard(
        person=person,
        protected=False,
        phone=person.phone,
        email=person.email,
        addresses=list(person.addresses.all()),
        employments=list(person.employments.select_related("employer")),
    )


__all__ = [
    "PERSON_WHEREABOUTS_FIELDS",
    "WHEREABOUTS_MODELS",
    "WHEREABOUTS_TEXT_FIELDS",
    "WITHHELD",
    "PersonCard",
    "letter_address_text",
    "locate_notes",
    "mailing_address",
    "person_card",
    "protected_q",
    "protects",
    "redact_person_data",
    "visible_addresses",
    "visible_employments",
    "whereabouts_shown",
    "withheld_fields",
]

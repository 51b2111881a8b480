"""Addressing letters to the people of a case (issue 15.7): the mailing block, through the shared
redaction, and the language the person reads (issue 15.6).

A letter to a person with the family violence indicator carries the office's confidential mailing
arrangement (``CASEWORKS_FVI_MAILING_ARRANGEMENT``) and never their address (42 USC 654(26)):
``cases.redaction.mailing_address`` returns nothing for them, and nothing here reads an address
any other way.
"""

from __future__ import annotations

from core.letters import MailingBlock, fvi_mailing_lines, letter_language

from .languages import language_code
from .models import Address, Person
from .redaction import mailing_address, whereabouts_shown


def address_lines(address: Address) -> list[str]:
    lines = [address.line1]
    if address.line2:
        lines.append(address.line2)
    lines.append(f"{address.city}, {address.state} {address.postal_code}".strip())
    return lines


def recipient_block(
    person: Person, *, name: str | None = None, last_known: bool = False
) -> tuple[MailingBlock, Address | None]:
    """The mailing block of a letter to ``person`` and the address row it prints (``None`` for an
    FVI person, or when no deliverable address is on file; with ``last_known``, the last address
    known then: ``cases.redaction.mailing_address``)."""
    name = name or person.display_name
    if not whereabouts_shown(person):
        return MailingBlock(name=name, lines=fvi_mailing_lines(), confidential=True), None
    address = mailing_address(person, last_known=last_known)
    if address is None:
        return MailingBlock(name=name, lines=[]), None
    return MailingBlock(name=name, lines=address_lines(address), person=person), address


def person_or_contact_block(person: Person | None, *, name: str) -> tuple[MailingBlock, Address | None]:
    """The mailing block of a letter to someone who may be a case person (a complainant, a hearing
    appellant): a case person's own block (``recipient_block``: FVI → the confidential
    arrangement); anyone else gets their name only: no postal address is on file for them, and an
    e-mail address is no address for an envelope window (their letters are e-mailed,
    ``cases.services.letter_deliver``)."""
    if person is not None:
        return recipient_block(person, name=name)
    return MailingBlock(name=name, lines=[]), None


def person_language(person: Person | None) -> str:
    """The language of letters to ``person``: their code if the office writes in it, else the default."""
    return letter_language(person.preferred_language if person is not None else None)


def matter_language(*chosen: str, person: Person | None = None) -> str:
    """The language of letters about one matter (a complaint, a hearing request): the first language
    ``chosen`` for it (as typed: "Español", "Spanish", "es"; most specific first) that the office
    writes in, else the person's (``person_language``).

    What someone says on a complaint or a hearing request is their word for that matter and wins
    over the person's record, which may never have been asked (it defaults to English); it is not
    copied onto the record: a language given for one matter does not silently change every other
    letter the person receives."""
    for text in chosen:
        code = language_code(text)
        if code and letter_language(code) == code:
            return code
    return person_language(person)

"""A person's whereabouts after the case opened: a new address (reported, found by a locate
attempt, a forwarding address on returned mail) and the family violence indicator (FVI).

Whereabouts of an FVI person may be recorded but are never shown back (``cases.redaction``,
42 USC 654(26); 45 CFR 303.21): nothing written here (event summaries and data, messages) carries an
address, for anyone. Setting the indicator protects the person from the next request on, in every
channel, because every channel reads it when it shows something. Removing it releases their
addresses, phone and employer to everyone who may open their cases: a separate permission
(``cases.clear_fvi``), a reason, an event and a confidentiality row in the security log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.dates import date_refusal, display_date, not_in_future
from core.models import AccessLog, DomainEvent
from core.services import access_log_record, acting_user, event_about, repeat_refuse

from ..choices import IV_D_JURISDICTIONS, AddressSource, ParticipantRole
from ..models import Address, Case, Person
from ..redaction import protected_q, whereabouts_shown
from .employment import employments_unhold
from .person_lock import person_locked_live

ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code")
# USPS codes: the IV-D jurisdictions (the states, DC, PR, VI, GU), the other territories (AS, MP)
# and the military post offices (AA, AE, AP).
US_STATE_CODES = IV_D_JURISDICTIONS | {"AS", "MP", "AA", "AE", "AP"}
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
REASON_MAX = 1000
# What a caseworker may give as the source of an address recorded by hand ("application" is case
# opening's own).
ADDRESS_SOURCES_BY_HAND = [
    (value, label) for value, label in AddressSource.choices if value != AddressSource.APPLICATION
]


def postal_code_clean(value: str) -> str:
    """A ZIP code, 5 digits or ZIP+4 ("12203", "12203-1234"; "122031234" is read as ZIP+4)."""
    value = (value or "").strip()
    if re.fullmatch(r"\d{9}", value):
        value = f"{value[:5]}-{value[5:]}"
    if not ZIP_RE.match(value):
        raise ValidationError("Enter a ZIP code: 5 digits, or ZIP+4 (12203-1234).")
    return value


def state_clean(value: str) -> str:
    value = (value or "").strip().upper()
    if value not in US_STATE_CODES:
        raise ValidationError("Enter the two-letter postal code of a US state or territory (NY, CA, PR...).")
    return value


def _address_data_clean(data: dict[str, Any]) -> dict[str, Any]:
    """The address as it will be saved, or a ``ValidationError`` naming each field wrong."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in ADDRESS_FIELDS:
        cleaned[name] = " ".join(str(data.get(name) or "").split())
    for name in ("line1", "city"):
        if not cleaned[name]:
            errors.setdefault(name, []).append("This field is required.")
    for name, check in (("state", state_clean), ("postal_code", postal_code_clean)):
        try:
            cleaned[name] = check(cleaned[name])
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    cleaned["valid_from"] = data.get("valid_from")
    if not isinstance(cleaned["valid_from"], date):
        errors.setdefault("valid_from", []).append("Enter the date the person has lived there from.")
    elif problem := date_refusal(cleaned["valid_from"], future=False):
        errors.setdefault("valid_from", []).append(problem)
    cleaned["source"] = data.get("source") or ""
    if cleaned["source"] not in AddressSource.values:
        errors.setdefault("source", []).append("Choose where the address came from.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def address_record(
    *, person: Person, data: dict[str, Any], by: User | None, case: Case | None = None, keep_current: bool = False
) -> Address:
    """Record ``person``'s new address (``data``: line1, line2, city, state, postal_code, valid_from,
    source): the current address(es) close the day before it starts, and letters use the new one
    from now on (``cases.redaction.mailing_address``). Under the person's row lock, in one
    transaction. Refused: a merged record (record it on the survivor), a date in the future or
    before 1900, and, for a person without the family violence indicator, a date before the
    current address started and the same address again (a double-clicked form, or the address
    already current). An FVI person's address is recorded whatever is on file (see the comment
    in the body: no answer may tell the address on file). The event names the source, never the address (an FVI person's
    whereabouts are never released; nobody's are written into the case history). ``case``: the
    case whose history shows the event. ``keep_current``: the address already current is no error
    (a locate attempt that finds the person where the file says): nothing is added, it is returned;
    not for an FVI person, whose address is recorded whatever is on file on this path too."""
    cleaned = _address_data_clean(data)
    with transaction.atomic():
        person = person_locked_live(
            person, refusal="This record was merged into another: record the address on that person."
        )
        valid_from: date = cleaned["valid_from"]
        same = Address.objects.filter(
            person=person,
            valid_to__isnull=True,
            undeliverable_on__isnull=True,
            **{f"{name}__iexact": cleaned[name] for name in ADDRESS_FIELDS},
        )
        # An FVI person's whereabouts are withheld (42 USC 654(26)): no answer may depend on the
        # address on file, or typing guesses would find it (a refusal "already the current address",
        # or "the current one is on file from <date>"). The address typed is recorded whatever is
        # on file: the same address again is a new row from its date (the old row closes, as for
        # any move: the history stays right); one starting before the current address is a past
        # address, ending the day before the current one started.
        # That holds for a "found" locate attempt too (``keep_current``): the address found where
        # the file says adds nothing for anyone else, but for an FVI person it is recorded as typed.
        withheld = not whereabouts_shown(person)
        if not withheld and keep_current and (current_same := same.order_by("pk").first()) is not None:
            return current_same
        if not withheld:
            repeat_refuse(
                parent=person,
                same=same,
                window=None,
                locked=True,
                message=lambda current: (
                    f"This is already the person's current address (from {display_date(current.valid_from)}): "
                    "nothing was added."
                ),
            )
        current = list(Address.objects.select_for_update().filter(person=person, valid_to__isnull=True))
        latest = max((a.valid_from for a in current), default=None)
        if latest is not None and valid_from < latest:
            if not withheld:
                raise ValidationError(
                    {
                        "valid_from": f"The current address is on file from {display_date(latest)}: "
                        "the new one cannot start before it."
                    }
                )
            # An FVI person's address from before the current one: kept as a past address ending the
            # day before the current one started; the current address stays current.
            return _address_save(person=person, cleaned=cleaned, case=case, by=by, ends_on=latest - timedelta(days=1))
        for old in current:
            # Replaced on the day it started: it ends that day (an address never ends before it starts).
            old.valid_to = max(valid_from - timedelta(days=1), old.valid_from)
            old.save(update_fields=["valid_to", "updated_at"])
        return _address_save(person=person, cleaned=cleaned, case=case, by=by, closed=current)


def _address_save(
    *,
    person: Person,
    cleaned: dict[str, Any],
    case: Case | None,
    by: User | None,
    closed: Sequence[Address] = (),
    ends_on: date | None = None,
) -> Address:
    """Save the new address (ending ``ends_on`` when it is a past one) and its event: the source and
    the rows it closed, never the address."""
    address = Address(person=person, **cleaned, valid_to=ends_on)
    address.full_clean()
    address.save()
    event_about(
        person,
        verb="address.recorded",
        case_id=case.pk if case is not None else None,
        by=by,
        summary=f"New address recorded, source: {address.get_source_display()}",
        data={
            "address_id": address.pk,
            "source": address.source,
            "valid_from": address.valid_from.isoformat(),
            "closed": [a.pk for a in closed],
        },
    )
    return address


def fvi_set_event(person: Person) -> DomainEvent | None:
    """The event that set ``person``'s indicator now in force (``None`` when it was set at case
    opening, by a merge or in admin, which write none)."""
    if not person.family_violence:
        return None
    return (
        DomainEvent.objects.filter(
            verb="person.fvi_set", subject_type__app_label="cases", subject_type__model="person", subject_id=person.pk
        )
        .order_by("-occurred_at", "-id")
        .first()
    )


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what was disclosed and by whom."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"At most {REASON_MAX} characters."})
    return reason


def _fvi_save(person: Person, value: bool, *, case: Case | None, by: User | None, summary: str, data: dict) -> None:
    """Write the indicator (the person locked by the caller) and record it (``fvi_change_record``)."""
    fvi_change_record(person, value, case=case, by=by, summary=summary, data=data)
    person.save(update_fields=["family_violence", "updated_at"])


def fvi_change_record(
    person: Person, value: bool, *, case: Case | None, by: User | None, summary: str, data: dict
) -> None:
    """Set the indicator on ``person`` (locked by the caller) without saving it, and record it about
    the person, on the case it was changed from (if any), citing the law: for a service that saves
    the person once with its own changes (``family_violence`` among the fields it saves)."""
    person.family_violence = value
    event_about(
        person,
        verb="person.fvi_set" if value else "person.fvi_cleared",
        case_id=case.pk if case is not None else None,
        by=by,
        summary=summary,
        data={**data, "law": "42 USC 654(26)"},
    )


def person_fvi_set(
    *, person: Person, reason: str, reported_on: date, by: User | None, case: Case | None = None
) -> Person:
    """Set the family violence indicator (42 USC 654(26); 45 CFR 303.21): from the next request on
    no page, letter, export or partner answer shows the person's whereabouts (``cases.redaction``
    reads it each time). ``reason``: what was disclosed and by whom (kept in the event, which shows
    no whereabouts); ``reported_on``: the day it was reported (not in the future). Set already:
    refused, saying since when."""
    reason = _reason_clean(reason)
    not_in_future(reported_on, "reported_on")
    with transaction.atomic():
        person = person_locked_live(
            person, refusal="This record was merged into another: set the indicator on that person."
        )
        if person.family_violence:
            event = fvi_set_event(person)
            since = f" on {display_date(event.occurred_at)}" if event is not None else ""
            raise ValidationError(f"The family violence indicator is already set{since}: nothing was changed.")
        _fvi_save(
            person,
            True,
            case=case,
            by=by,
            summary=f"Family violence indicator set (reported {display_date(reported_on)})",
            data={"reason": reason, "reported_on": reported_on.isoformat()},
        )
    return person


def _children_of(person: Person) -> list[Person]:
    """The people who are children on a case on which ``person`` is a custodial parent and who
    have a job awaiting confirmation (the only ones ``person_fvi_clear`` may have to release)."""
    return list(
        Person.objects.filter(
            employments__awaits_confirmation=True,
            employments__ended_on__isnull=True,
            participations__role=ParticipantRole.CHILD,
            participations__case__participants__role=ParticipantRole.CP,
            participations__case__participants__person=person,
        )
        .exclude(pk=person.pk)
        .exclude(protected_q())  # whereabouts still withheld (an indicator of their own, another parent's)
        .distinct()
        .order_by("pk")
    )


def person_fvi_clear(*, person: Person, reason: str, by: User | None, case: Case | None = None, request=None) -> Person:
    """Remove the family violence indicator: the person's addresses, phone and employer become
    visible to everyone who may open their cases, and their jobs awaiting confirmation are confirmed,
    income withholding following as for a new job (``employment.employments_unhold``). Needs ``cases.clear_fvi`` (the view checks it);
    the reason is kept in the event and in a confidentiality row of the security log
    (``AccessLog.Kind.OVERRIDE``). Not set: refused."""
    reason = _reason_clean(reason)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.family_violence:
            raise ValidationError("This person has no family violence indicator: nothing was changed.")
        _fvi_save(
            person,
            False,
            case=case,
            by=by,
            summary="Family violence indicator removed: whereabouts visible again",
            data={"reason": reason},
        )
        # Nothing withheld is left to guess at: jobs typed at the desk drive withholding now. Unless
        # the person's whereabouts are still withheld through a custodial parent's indicator (a
        # minor parent living with their mother, ``redaction.parent_fvi``): the hold stays.
        # The children on cases on which the person is a custodial parent lived behind her indicator
        # (``parent_fvi``): a minor parent among them whose whereabouts are now shown (no indicator
        # of their own, no other custodial parent's) has their held jobs confirmed too.
        if whereabouts_shown(person):
            employments_unhold(person=person, by=by)
        for child in _children_of(person):
            employments_unhold(person=child, by=by)
        access_log_record(
            kind=AccessLog.Kind.OVERRIDE,
            request=request,
            user=acting_user(by),
            obj=person,
            fields=["addresses", "phone", "email", "employments"],
            detail={
                "action": "fvi_cleared",
                "person_id": person.pk,
                "case": case.case_number if case is not None else "",
                "reason": reason,
            },
        )
    return person


__all__ = [
    "ADDRESS_SOURCES_BY_HAND",
    "address_record",
    "fvi_set_event",
    "person_fvi_clear",
    "person_fvi_set",
    "postal_code_clean",
    "state_clean",
]

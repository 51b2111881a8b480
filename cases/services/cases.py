"""Case life cycle: create, stage changes (dated domain events), locate, orders, notes,
reassignment, closure, and the federal timeframes cached on the case (cases.deadlines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from accounts.models import User
from core.dates import display_date, not_in_future
from core.db import advisory_xact_lock
from core.fields import blind_index
from core.models import DomainEvent
from core.numbering import save_with_unique_number
from core.services import acting_user, event_about, repeat_refuse, row_repeat_refuse, saved_with_event
from core.stale import Shown, refuse_if_changed

from ..choices import (
    COORDINATOR_UNIT,
    LOCATE_ADDRESS_SOURCE,
    CaseStage,
    CaseStatus,
    ClosureReason,
    InterstateRole,
    LocateResult,
    OrderStatus,
    ParticipantRole,
    WorkItemKind,
    WorkItemStatus,
)
from ..deadlines import next_deadline
from ..models import (
    Address,
    Case,
    CaseBalance,
    CaseNote,
    CaseParticipant,
    LocateAttempt,
    Person,
    SupportOrder,
    WorkItem,
)
from ..models.people import ssn_validator
from ..selectors import order_next_version
from .assistance import case_assistance_open
from .order_versions import ObligationData, obligation_create, order_supersede
from .whereabouts import address_record
from .work import work_item_create, work_item_settle_check

# 45 CFR 303.11(b)(1): no current order and arrears under $500 (DOMAIN.md).
CLOSURE_LOW_ARREARS_LIMIT = Decimal("500.00")


def _today() -> date:
    return timezone.localdate()


def case_number_next(jurisdiction: str) -> str:
    """The next case number of the office (``NY-000123``), continuing from the highest in use.

    Numbers of another shape (the e-IWO bench's ``NY-B12345678``) are not counted. The highest is
    read backwards along the case number's unique index (one row); past ``NY-999999`` that is not the
    highest as text (``NY-1000000`` sorts below it), which the number then found taken shows, and
    the longest number is looked for instead (``cases.generate._next_number``'s order)."""
    prefix = f"{jurisdiction}-"
    numbered = Case.objects.filter(case_number__regex=rf"^{re.escape(prefix)}[0-9]+$")

    def after(highest: str | None) -> str:
        return f"{prefix}{int(highest[len(prefix) :]) + 1 if highest else 1:06d}"

    number = after(numbered.order_by("-case_number").values_list("case_number", flat=True).first())
    if Case.objects.filter(case_number=number).exists():
        longest = numbered.order_by(Length("case_number").desc(), "-case_number")
        number = after(longest.values_list("case_number", flat=True).first())
    return number


def case_deadline_refresh(case: Case) -> None:
    """Recompute the cached next deadline (saved only when it changed)."""
    upcoming = next_deadline(case)
    due, kind = (upcoming.due_on, upcoming.kind) if upcoming else (None, "")
    if (case.next_deadline_on, case.next_deadline_kind) != (due, kind):
        case.next_deadline_on, case.next_deadline_kind = due, kind
        if case.pk:
            case.save(update_fields=["next_deadline_on", "next_deadline_kind", "updated_at"])


@dataclass
class PartyData:
    """A person to add to a new case (a child may carry paternity data in ``extra``)."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    ssn: str = ""
    family_violence: bool = False
    extra: dict = field(default_factory=dict)
    address: dict | None = None
    # The caseworker's answer when the person may already exist (cases.people.person_matches):
    # the existing person picked from the probable matches, or why a new record is right anyway.
    existing_person_id: int | None = None
    new_person_reason: str = ""
    # The caseworker's answer when the SSN is on file for a person of another name or birth date
    # (``SsnOnFileDiffers``): the SSN is right, the record on file is this person.
    ssn_match_confirmed: bool = False


class ProbableMatches(ValidationError):
    """Some parties may already exist: the caseworker must pick the person or confirm a new one.

    ``matches`` maps the party's key (``cp``, ``ncp``, ``child``, ``child2`` …) to its candidates;
    the error is keyed ``<key>_existing_person`` so a form shows it on that party's choice."""

    def __init__(self, matches: dict[str, list[Person]]) -> None:
        self.matches = matches
        super().__init__(
            {
                f"{key}_existing_person": ValidationError(
                    "This person may already be on file: pick the record if it is shown, or confirm a new one "
                    "and say why.",
                    code="probable_match",
                )
                for key in matches
            }
        )


PICKED_SSN_DIFFERS = (
    "That record has a different SSN on file: two SSNs are two people. Check the SSN entered; if it is "
    "right, this is a new person (say why)."
)


class SsnOnFileDiffers(ValidationError):
    """The SSN entered for some parties is on file for a person whose name or birth date differs
    (a slip in one digit would link a stranger's record): the caseworker checks the SSN, or confirms
    the record on file is this person (``PartyData.ssn_match_confirmed``). Nothing of that record
    is said (it may be outside the caseworker's scope). Keyed ``<key>_ssn``.

    ``on_file`` maps each party's key to the record whose SSN it is: the answer says the SSN typed
    is that record's, a sensitive read the view logs (``cases.access.ssn_answers_record``); never
    shown."""

    def __init__(self, on_file: dict[str, Person]) -> None:
        self.on_file = on_file
        keys = list(on_file)
        self.parties = keys
        super().__init__(
            {f"{key}_ssn": ValidationError(SSN_ON_FILE_DIFFERS, code="ssn_on_file_differs") for key in keys}
        )


SSN_ON_FILE_DIFFERS = (
    "This SSN is on file for a person whose name or date of birth differs from those entered. Check the "
    "SSN; if it is right (a new surname, a corrected birth date), confirm it is the same person."
)


def _entered_differs(person: Person, party: PartyData) -> list[str]:
    """What the caseworker entered that the record found by SSN does not bear out: its name (not
    even a probable match's) or its birth date (both known)."""
    from ..people import NAME_SIMILARITY, name_similarity

    differs = []
    if name_similarity(party.first_name, party.last_name, person.first_name, person.last_name) < NAME_SIMILARITY:
        differs.append("name")
    if party.date_of_birth and person.date_of_birth and party.date_of_birth != person.date_of_birth:
        differs.append("date_of_birth")
    return differs


def _ssn_link_confirmable(person: Person, *, seen: bool) -> bool:
    """Whether the caseworker's "the record on file is this person" may link ``person`` (found by the
    SSN typed, under another name or birth date) to the new case: only a person they may already see
    (``seen``: on a case of their scope, ``cases.people.visible_match_ids``) and without the family violence
    indicator. Linking puts the record on the new case, so in ``by``'s scope: a record of another
    county would be opened to them by an SSN and a tick alone (45 CFR 303.21), and an FVI person
    would be joined to the parties typed beside them on one caseworker's word (42 USC 654(26)).
    Such a confirmation is routed to a coordinator instead (``_parties_resolve``)."""
    return seen and not person.family_violence


SSN_LINK_ROUTED_NOTES = (
    "The SSN entered for the {party} on {occasion} is on file for person {person_id} under another name or "
    "birth date, a record the caseworker may not link (on cases they cannot see, or under the family violence "
    "indicator). The caseworker confirmed the SSN; the {party} was entered as a new record without it. Check "
    "whether the two are one person: if so merge this record into person {person_id} (Duplicate people), "
    "otherwise have the SSN corrected."
)
FVI_SSN_ROUTED_NOTES = (
    "The SSN, name and birth date entered for the {party} on {occasion} are those of person {person_id}, "
    "who has the family violence indicator: a caseworker does not join that record to the parties typed beside "
    "it. The {party} was entered as a new record without the SSN and with the indicator. Check whether the two "
    "are one person and whether these parties may be on one case: if so merge this record into person "
    "{person_id} (Duplicate people)."
)
FVI_PICK_ROUTED_NOTES = (
    "On {occasion} the caseworker picked person {person_id} from the possible matches as the {party}; "
    "that person has the family violence indicator: a caseworker does not join that record to the parties typed "
    "beside it. The {party} was entered as a new record with the indicator. Check whether the two are one "
    "person and whether these parties may be on one case: if so merge this record into person {person_id} "
    "(Duplicate people)."
)


@dataclass(frozen=True)
class _Routed:
    """A party not linked to the record on file it names, for a coordinator's ``PERSON_CHECK`` item:
    ``person`` the record on file, ``by_ssn`` whether the SSN typed found it (else the caseworker
    picked it: the SSN typed, on no record, stays on the new one), ``notes`` the item's text."""

    person: Person
    by_ssn: bool
    notes: str


def _ssn_link_routed(key: str, person: Person, *, differs: list[str], seen: bool) -> tuple[_Routed, dict]:
    """A party found by its SSN on a record the caseworker may not link: its route and match note
    (``differs``: what entered differs from the record, ``_entered_differs``)."""
    template = SSN_LINK_ROUTED_NOTES if differs else FVI_SSN_ROUTED_NOTES
    note = {
        "party": key,
        "how": "new: SSN on file for a record the caseworker may not link",
        "ssn_on_file_person_id": person.pk,
        "visible_to_caseworker": seen,
        "entered_differs": differs,
        **({"confirmed_by_caseworker": True} if differs else {}),
        "routed_to_coordinator": True,
    }
    return _Routed(person, by_ssn=True, notes=template), note


def _pick_routed(key: str, person: Person) -> tuple[_Routed, dict]:
    """A party picked from the possible matches on an FVI record: its route and match note."""
    note = {
        "party": key,
        "how": "new: picked a record the caseworker may not link",
        "picked_person_id": person.pk,
        "routed_to_coordinator": True,
    }
    return _Routed(person, by_ssn=False, notes=FVI_PICK_ROUTED_NOTES), note


def _party_key(role: str, index: int) -> str:
    return role if index == 0 else f"{role}{index + 1}"


def _parties_resolve(
    parties: list[tuple[str, PartyData | Person]], *, by: User
) -> tuple[dict[str, Person], list[dict], dict[str, _Routed]]:
    """Find each new party among the people on file before anyone is created (one person, one
    record): an SSN match through the blind index is the same person and is reused (asked first
    when the name or birth date entered differs from the record's: ``SsnOnFileDiffers``); probable
    matches (same birth date, same or similar name) need the caseworker's answer, or the whole
    case is refused with ``ProbableMatches`` and nothing is written. A match with another SSN on
    file than the one entered is shown but cannot be picked (two SSNs are two people, as
    ``person_merge`` holds): the SSN typed may be the mistake.

    Matching is office-wide, picking is not: ``by`` may pick only a match they may see (a person on
    a case of their scope, ``cases.people.visible_match_ids``); one outside it is refused like a
    person who is no match at all, since nothing of that record was shown to tell them apart (a
    name and a birth date are not an identity; an SSN is, and links the record by itself). A new
    person beside such matches is allowed with a reason, and the note names the matches ``by`` could
    not see: the coordinators' duplicates report pairs the two records by the same rule, to check
    and merge (45 CFR 303.21: a record is disclosed only to those who may see it).

    A confirmed SSN on file under another name or birth date links the record only when ``by`` may
    see it and it has no family violence indicator (``_ssn_link_confirmable``); otherwise the party
    is a new record without the SSN and the record on file is returned in the third value (the
    party's key → ``_Routed``) for a coordinator's work item: the case still opens (45 CFR 303.2(b)).
    A person with the family violence indicator is never linked on the caseworker's word alone, by
    SSN (even under the same name and birth date) or picked from the possible matches: routed the
    same way (42 USC 654(26)). The notes say which records found by SSN ``by`` could not see
    (``not_visible_to_caseworker``)."""
    from ..people import person_matches, visible_match_ids

    found: dict[str, Person] = {}
    notes: list[dict] = []
    undecided: dict[str, list[Person]] = {}
    ssn_doubtful: dict[str, Person] = {}
    routed: dict[str, _Routed] = {}
    for key, party in parties:
        if isinstance(party, Person):
            found[key] = party
            continue
        matches = person_matches(
            first_name=party.first_name, last_name=party.last_name, date_of_birth=party.date_of_birth, ssn=party.ssn
        )
        if matches.exact is not None:
            differs = _entered_differs(matches.exact, party)
            if differs and not party.ssn_match_confirmed:
                ssn_doubtful[key] = matches.exact
                continue
            seen = bool(visible_match_ids(user=by, people=[matches.exact]))
            if (differs and not _ssn_link_confirmable(matches.exact, seen=seen)) or matches.exact.family_violence:
                routed[key], note = _ssn_link_routed(key, matches.exact, differs=differs, seen=seen)
                notes.append(note)
                continue
            found[key] = matches.exact
            notes.append(
                {
                    "party": key,
                    "person_id": matches.exact.pk,
                    "how": "same SSN",
                    **({"entered_differs": differs, "confirmed_by_caseworker": True} if differs else {}),
                    **({} if seen else {"not_visible_to_caseworker": True}),
                }
            )
        elif party.existing_person_id is not None:
            chosen = next((p for p in matches.probable if p.pk == party.existing_person_id), None)
            if chosen is None or not visible_match_ids(user=by, people=[chosen]):
                raise ValidationError({f"{key}_existing_person": "That person is not one of the possible matches."})
            if chosen.pk in matches.ssn_differs:
                raise ValidationError({f"{key}_existing_person": PICKED_SSN_DIFFERS})
            if chosen.family_violence:
                routed[key], note = _pick_routed(key, chosen)
                notes.append(note)
                continue
            found[key] = chosen
            # The SSN typed is saved on the record (``_person_entered_again``): the files matched
            # by SSN alone (new hires, bank matches, tax offset) then find this person.
            notes.append(
                {
                    "party": key,
                    "person_id": chosen.pk,
                    "how": "picked by the caseworker",
                    **({"ssn_added": True} if party.ssn else {}),
                }
            )
        elif matches.probable and not party.new_person_reason.strip():
            undecided[key] = matches.probable
        elif matches.probable:
            seen_ids = visible_match_ids(user=by, people=matches.probable)
            not_seen = [p.pk for p in matches.probable if p.pk not in seen_ids]
            notes.append(
                {
                    "party": key,
                    "how": "new despite possible matches",
                    "candidates": [p.pk for p in matches.probable],
                    **({"not_visible_to_caseworker": not_seen} if not_seen else {}),
                    "reason": party.new_person_reason.strip()[:500],
                }
            )
    if ssn_doubtful:
        raise SsnOnFileDiffers(ssn_doubtful)
    if undecided:
        raise ProbableMatches(undecided)
    return found, notes, routed


def ssn_lock_name(ssn: str) -> str:
    """The advisory lock every writer of an SSN takes until its transaction ends (case opening,
    an SSN corrected on a person): the SSN is in the name as its blind index only."""
    return f"cases.person.ssn:{blind_index(ssn)}"


def _parties_lock(parties: list[PartyData | Person]) -> None:
    """Take turns with any other case opening entering the same SSN or birth date, from matching
    to the insert (until this transaction ends): two clerks entering the same new person at the same
    moment make one record, the second finding the first's. The locks are taken in one order, so
    two openings cannot wait on each other; the SSN is in a lock's name as its blind index only."""
    names = set()
    for party in parties:
        if isinstance(party, PartyData):
            if party.ssn:
                names.add(ssn_lock_name(party.ssn))
            if party.date_of_birth:
                names.add(f"cases.person.born:{party.date_of_birth.isoformat()}")
    for name in sorted(names):
        advisory_xact_lock(name)


MATCHED_MERGED = (
    "A record found for this case was merged into another person's record while the case was being "
    "opened: nothing was saved; submit it again to match the record that stayed."
)


def matched_people_lock(existing: dict[str, Person], match_notes: list[dict], routed: dict[str, _Routed]) -> None:
    """The records matching found (``_parties_resolve``'s three values), locked in id order (as a
    merge locks its two) and read again before any is put on a case: a merge committed since
    matching (matching reads without locks, and the SSN's turn a case opening takes is not a
    merge's) left one of them merged away, where a case party must not be (no SSN match, search or
    report reaches a merged record): refused, nothing saved, to be matched again. A merge (or an
    indicator set) since matching may also have given one the family violence indicator: a party
    matched by its SSN or picked from the possible matches is then routed to a coordinator as
    matching routes an FVI record (42 USC 654(26)): moved from ``existing`` to ``routed``, its note
    replaced. A merge that starts after this waits for the opening and then moves its new
    participation with the rest."""
    if not existing:
        return
    ids = sorted({person.pk for person in existing.values()})
    locked = {person.pk: person for person in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if any(person.merged_into_id for person in locked.values()):
        raise ValidationError({"__all__": MATCHED_MERGED})
    for index, note in enumerate(match_notes):
        key = note["party"]
        person = locked.get(note.get("person_id"))  # linked notes only: a routed or new party has none
        if key not in existing or person is None or not person.family_violence or existing[key].family_violence:
            continue
        if note["how"] == "same SSN":
            seen = not note.get("not_visible_to_caseworker")
            route, new_note = _ssn_link_routed(key, person, differs=note.get("entered_differs", []), seen=seen)
        else:  # picked by the caseworker
            route, new_note = _pick_routed(key, person)
        routed[key], match_notes[index] = route, {**new_note, "indicator_set_since_matching": True}
        del existing[key]


def _person_entered_again(person: Person, data: PartyData) -> Person:
    """What the caseworker entered for a person already on file that the record lacks, saved on it
    (row locked; field history): the SSN when the record has none, and the family violence
    indicator (the stricter flag wins, 42 USC 654(26)). An SSN on file that differs (another clerk's
    meanwhile) refuses the case: two SSNs are two people."""
    adds_ssn = bool(data.ssn) and not person.ssn_index
    if not adds_ssn and not (data.family_violence and not person.family_violence):
        return person
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = ["updated_at"]
    if data.ssn and person.ssn_index and person.ssn_index != blind_index(data.ssn):
        raise ValidationError({"__all__": PICKED_SSN_DIFFERS})
    if data.ssn and not person.ssn_index:
        ssn_validator(data.ssn)
        person.ssn = data.ssn  # save() writes its last four and blind index
        changed += ["ssn", "ssn_last4", "ssn_index"]
    if data.family_violence and not person.family_violence:
        person.family_violence = True
        changed.append("family_violence")
    person.save(update_fields=changed)
    return person


def _person_create(data: PartyData, *, on: date) -> Person:
    person = Person(
        first_name=data.first_name,
        last_name=data.last_name,
        date_of_birth=data.date_of_birth,
        ssn=data.ssn,
        family_violence=data.family_violence,
        **data.extra,
    )
    person.full_clean()
    person.save()
    if data.address:
        address = Address(person=person, valid_from=on, source="application", **data.address)
        address.full_clean()
        address.save()
    return person


class CaseAlreadyOpened(ValidationError):
    """The same application opened again by the same person a moment ago (``_case_open_repeat_refuse``):
    ``case`` is the case the first submission opened, for the page to point to."""

    def __init__(self, case: Case) -> None:
        self.case = case
        super().__init__(
            f"This case was already opened a moment ago: case {case.case_number}. Nothing was opened again."
        )


def _party_entered_as(party: PartyData | Person) -> Q:
    """The participants (of a case just opened) that ``party`` was entered as: the record given or
    picked, the record of the SSN typed, or a record of the name and birth date typed (a new one)."""
    if isinstance(party, Person):
        return Q(person=party)
    entered = Q(
        person__first_name__iexact=party.first_name.strip(),
        person__last_name__iexact=party.last_name.strip(),
        person__date_of_birth=party.date_of_birth,
    )
    if party.ssn:
        entered |= Q(person__ssn_index=blind_index(party.ssn))
    if party.existing_person_id is not None:
        entered |= Q(person_id=party.existing_person_id)
    return entered


def _case_open_repeat_refuse(case: Case, *, parties: list[tuple[str, PartyData | Person]], by: User) -> None:
    """The same application (county, date received, the same people in the same roles: no party
    fewer, none more) opened again
    by the same person a moment later — a double-clicked "Open case", a resent POST — is refused,
    naming the case the first opened (``CaseAlreadyOpened``). Checked before matching, with what
    was typed: the second submission finds the first's new records on file and would otherwise
    reuse them and open a second case for the family. The two take turns on the user's lock."""
    user = acting_user(by)
    if user is None:
        return
    same = Case.objects.filter(
        county=case.county,
        jurisdiction=case.jurisdiction,
        application_received_on=case.application_received_on,
    ).filter(Exists(DomainEvent.objects.filter(verb="case.opened", case_id=OuterRef("pk"), actor=user)))
    for role, party in parties:
        participants = CaseParticipant.objects.filter(case=OuterRef("pk"), role=role)
        same = same.filter(Exists(participants.filter(_party_entered_as(party))))
    # The same people, not more: a case with a party this submission lacks (a second application
    # with one child fewer) is another application, matched and opened as any other.
    same = same.annotate(
        parties_on_case=Coalesce(
            Subquery(
                CaseParticipant.objects.filter(case=OuterRef("pk"))
                .order_by()
                .values("case")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
    ).filter(parties_on_case=len(parties))
    repeat_refuse(parent=f"cases.case_open:{user.pk}", same=same, at="created_at", message=CaseAlreadyOpened)


@transaction.atomic
def case_create(
    *,
    county: str,
    jurisdiction: str,
    assistance_status: str,
    application_received_on: date,
    cp: PartyData | Person,
    ncp: PartyData | Person,
    children: list[PartyData | Person],
    by: User,
    caseworker=None,
    ncp_location_known: bool = False,
    interstate_role: str = InterstateRole.NONE,
    other_state: str = "",
    other_state_case_id: str = "",
    opened_on: date | None = None,
) -> Case:
    """Open a IV-D case within 20 calendar days of the application (45 CFR 303.2(b)).

    With the NCP's whereabouts known the case goes to establishment (the 90-day clock of
    303.4(d) starts); otherwise to locate (75 days, 303.3(b)(3)). An initiating interstate case
    starts the 20-day referral clock of 303.7. The same application opened again by the same
    person a moment later (a double click) opens nothing: ``CaseAlreadyOpened`` names the case.
    """
    opened_on = opened_on or _today()
    not_in_future(application_received_on, "application_received_on")
    not_in_future(opened_on, "opened_on")
    if opened_on < application_received_on:
        raise ValidationError({"opened_on": "A case cannot open before its application was received."})
    if not children:
        raise ValidationError({"children": "A case needs at least one child."})
    case = Case(
        county=county,
        jurisdiction=jurisdiction,
        assistance_status=assistance_status,
        application_received_on=application_received_on,
        opened_on=opened_on,
        caseworker=caseworker,
        interstate_role=interstate_role,
        other_state=other_state,
        other_state_case_id=other_state_case_id,
        interstate_needed_on=opened_on if interstate_role == InterstateRole.INITIATING else None,
        stage=CaseStage.ESTABLISHMENT if ncp_location_known else CaseStage.LOCATE,
        stage_changed_on=opened_on,
        ncp_located_on=opened_on if ncp_location_known else None,
        locate_needed_on=None if ncp_location_known else opened_on,
    )
    case.full_clean(exclude=["case_number"])  # drawn at the insert
    keyed = [
        (_party_key(role, i), role, party)
        for role, group in ((ParticipantRole.CP, [cp]), (ParticipantRole.NCP, [ncp]), (ParticipantRole.CHILD, children))
        for i, party in enumerate(group)
    ]
    _case_open_repeat_refuse(case, parties=[(role, party) for _, role, party in keyed], by=by)
    _parties_lock([party for _, _, party in keyed])
    existing, match_notes, routed = _parties_resolve([(key, party) for key, _, party in keyed], by=by)
    matched_people_lock(existing, match_notes, routed)
    case_deadline_refresh(case)
    save_with_unique_number(  # two clerks at once: the second meets the number and draws again
        case, draw=lambda: case_number_next(case.jurisdiction), field="case_number"
    )
    for key, role, party in keyed:
        person = party_person(key, party, existing=existing, routed=routed, on=opened_on)
        CaseParticipant.objects.create(case=case, person=person, role=role)
    CaseBalance.objects.get_or_create(case=case)
    case_assistance_open(case=case, by=by)
    event_about(
        case,
        verb="case.opened",
        by=by,
        summary=f"Case {case.case_number} opened ({case.get_stage_display()})",
        data={
            "application_received_on": application_received_on.isoformat(),
            "opened_on": opened_on.isoformat(),
            "stage": case.stage,
            **({"people_matched": match_notes} if match_notes else {}),
        },
    )
    for key, route in routed.items():
        role = next(role for k, role, _ in keyed if k == key)
        routed_item_create(case=case, key=key, role=role, route=route, on=opened_on, by=by)
    matching_found_attach(case, match_notes=match_notes, existing=existing, routed=routed)
    return case


def party_person(
    key: str, party: PartyData | Person, *, existing: dict[str, Person], routed: dict[str, _Routed], on: date
) -> Person:
    """The record ``party`` (``key``) becomes once ``_parties_resolve`` answered: the person found on
    file (with what was entered that it lacks), or a new record (a routed party's without the SSN
    found on file, and with the indicator of an FVI record on file)."""
    if key in routed:
        # This party is a new record until a coordinator decides. An SSN found on file stays on
        # the record it is on (the SSN's unique index allows one live record per SSN); the
        # indicator of an FVI record on file is the new record's too (the stricter flag wins).
        data, on_file = cast(PartyData, party), routed[key].person
        return _person_create(
            replace(
                data,
                ssn="" if routed[key].by_ssn else data.ssn,
                family_violence=data.family_violence or on_file.family_violence,
            ),
            on=on,
        )
    if key not in existing:
        return _person_create(cast(PartyData, party), on=on)
    if isinstance(party, PartyData):
        return _person_entered_again(existing[key], party)
    return existing[key]


def routed_item_create(
    *, case: Case, key: str, role: str, route: _Routed, on: date, by: User, occasion: str = "opening this case"
) -> None:
    """A coordinator's ``PERSON_CHECK`` item for a party not linked to the record on file it names
    (``_parties_resolve``); ``key`` tells this party's item from another's on the case."""
    role_label = ParticipantRole(role).label.lower()
    work_item_create(
        case=case,
        title=(
            f"SSN entered for the {role_label} is on another record: check and merge"
            if route.by_ssn
            else f"The {role_label} picked is a record to check: check and merge"
        ),
        kind=WorkItemKind.PERSON_CHECK,
        due_on=on,
        unit=COORDINATOR_UNIT,
        dedupe_key=f"{'ssn-on-file' if route.by_ssn else 'picked'}:{case.pk}:{key}",
        by=by,
        notes=route.notes.format(party=role_label, person_id=route.person.pk, occasion=occasion),
    )


def matching_found_attach(
    target: object, *, match_notes: list[dict], existing: dict[str, Person], routed: dict[str, _Routed]
) -> None:
    """What matching found, on ``target`` for the page to log and say (``cases.access.ssn_answers_record``):
    ``people_matched`` (the notes), ``ssn_links_unseen`` (linked by SSN, not on a case ``by`` could
    see), ``ssn_links_routed`` / ``picks_routed`` (routed to a coordinator: found by the SSN typed,
    an answer about it, or picked)."""
    target.people_matched = match_notes  # type: ignore[attr-defined]
    target.ssn_links_unseen = {  # type: ignore[attr-defined]
        note["party"]: existing[note["party"]] for note in match_notes if note.get("not_visible_to_caseworker") is True
    }
    target.ssn_links_routed = {k: r.person for k, r in routed.items() if r.by_ssn}  # type: ignore[attr-defined]
    target.picks_routed = {k: r.person for k, r in routed.items() if not r.by_ssn}  # type: ignore[attr-defined]


def case_stage_change(
    *, case: Case, stage: str, on: date | None = None, by: User | None = None, actor_label: str = "", reason: str = ""
) -> Case:
    """Move the case to ``stage`` on ``on`` (a dated domain event) and refresh its deadlines."""
    on = on or _today()
    if stage not in CaseStage.values or stage == CaseStage.CLOSED:
        raise ValidationError({"stage": "Choose an open stage (close a case with a closure reason)."})
    if not case.is_open:
        raise ValidationError({"stage": "The case is closed."})
    previous = case.stage
    if previous == stage:
        return case
    case.stage, case.stage_changed_on = stage, on
    if stage == CaseStage.LOCATE and case.ncp_located_on is None and case.locate_needed_on is None:
        case.locate_needed_on = on
    case.save(update_fields=["stage", "stage_changed_on", "locate_needed_on", "updated_at"])
    case_deadline_refresh(case)
    event_about(
        case,
        verb="case.stage_changed",
        by=by,
        actor_label=actor_label,
        summary=f"Stage {previous} → {stage}" + (f": {reason}" if reason else ""),
        data={"from": previous, "to": stage, "on": on.isoformat()},
    )
    return case


def _has_active_order(case: Case) -> bool:
    """An order in force: active, or ended but with current support still due until its end date
    (``order_end``). An order ended and past its end date no longer counts (45 CFR 303.11(b)(1)-(2))."""
    from .order_end import current_support_due_q

    return case.orders.filter(current_support_due_q(on=_today())).exists()


@transaction.atomic
def case_ncp_located(*, case: Case, on: date, by: User | None = None) -> Case:
    """The NCP is located: the 90-day establishment clock starts (45 CFR 303.4(d)), or
    enforcement when an order already exists.

    The case row is locked and its locate fields read again first: ``case`` may have been read
    before another "found" (a second clerk's attempt, the new-hire file) located the NCP, which is
    then located once, on the first's date, and ``case`` is brought up to date."""
    not_in_future(on, "attempted_on")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    case.refresh_from_db(fields=["status", "stage", "stage_changed_on", "ncp_located_on", "locate_needed_on"])
    if case.ncp_located_on is not None:
        return case
    case.ncp_located_on = on
    case.save(update_fields=["ncp_located_on", "updated_at"])
    target = CaseStage.ENFORCEMENT if _has_active_order(case) else CaseStage.ESTABLISHMENT
    case_stage_change(case=case, stage=target, on=on, by=by, reason="NCP located")
    case_deadline_refresh(case)
    return case


@transaction.atomic
def locate_attempt_record(
    *,
    case: Case,
    source: str,
    attempted_on: date,
    result: str,
    by: User | None = None,
    notes: str = "",
    person: Person | None = None,
    address: dict | None = None,
) -> LocateAttempt:
    """Record a locate attempt (45 CFR 303.3(b)); a ``found`` result locates the NCP. The same
    attempt recorded again by the same person a moment later (a double-clicked form) is refused
    under the case's lock; an attempt of the same kind on another day is recorded.

    ``address`` (line1, line2, city, state, postal_code): where a ``found`` attempt found the
    person, recorded in the same transaction as their new address from the attempt's date, its
    source the attempt's (``cases.services.whereabouts.address_record``); refused with any other
    result. Its errors come back on the ``address_*`` fields."""
    not_in_future(attempted_on, "attempted_on")
    person = person or case.ncp
    if person is None:
        raise ValidationError({"person": "The case has no noncustodial parent to locate."})
    if address and result != LocateResult.FOUND:
        raise ValidationError({"result": 'An address can be recorded only with the result "Found".'})
    attempt = LocateAttempt(
        case=case,
        person=person,
        source=source,
        attempted_on=attempted_on,
        result=result,
        notes=notes,
        recorded_by=acting_user(by),
    )
    if attempt.recorded_by is not None:
        row_repeat_refuse(
            row=attempt,
            parent=case,
            fields=("case", "person", "source", "attempted_on", "result", "notes", "recorded_by"),
            at="created_at",
            message="This locate attempt was already recorded: nothing was added again.",
        )
    saved_with_event(
        attempt,
        by=by,
        verb="locate.attempted",
        summary=f"Locate via {attempt.get_source_display()}: {attempt.get_result_display()}",
        data={"source": source, "result": result, "on": attempted_on.isoformat()},
    )
    if address:
        _found_address_record(person=person, case=case, address=address, source=source, on=attempted_on, by=by)
    if result == LocateResult.FOUND and case.ncp_located_on is None:
        case_ncp_located(case=case, on=attempted_on, by=by)
    # A repeat attempt is due a quarter later: finish the tickler this attempt answers.
    WorkItem.objects.filter(case=case, kind="locate", status=WorkItemStatus.OPEN).update(
        status=WorkItemStatus.DONE, completed_on=attempted_on
    )
    return attempt


def _found_address_record(*, person: Person, case: Case, address: dict, source: str, on: date, by) -> None:
    data = {**address, "valid_from": on, "source": LOCATE_ADDRESS_SOURCE.get(source, "other")}
    try:
        address_record(person=person, data=data, by=by, case=case, keep_current=True)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {"valid_from": "attempted_on", "source": "source"}
        raise ValidationError(
            {renamed.get(name, f"address_{name}"): errors for name, errors in exc.error_dict.items()}
        ) from exc


@transaction.atomic
def order_create(
    *,
    case: Case,
    order_number: str,
    kind: str,
    issued_on: date,
    effective_on: date,
    obligations: list[ObligationData],
    by: User,
    court_name: str = "",
) -> SupportOrder:
    """Record a support order with its obligation lines; refused on a closed case. An order
    completes establishment (45 CFR 303.4(d)): the case moves to enforcement.

    An order under the number of the case's order in force is its amended version: it supersedes
    that version from the order's first due date on or after ``effective_on`` (a period already
    charged is not charged again, 42 USC 666(a)(9); ``order_versions.order_supersede``)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({"__all__": "Orders cannot be added to a closed case."})
    not_in_future(issued_on, "issued_on")
    if effective_on < issued_on.replace(year=issued_on.year - 30):
        raise ValidationError({"effective_on": "The effective date is implausibly old."})
    if not obligations:
        raise ValidationError({"obligations": "An order needs at least one obligation line (it may be zero)."})
    in_force = (
        SupportOrder.objects.filter(case=case, order_number=order_number, status=OrderStatus.ACTIVE)
        .order_by("-effective_on", "-version")
        .first()
    )
    if in_force is not None:
        order = order_supersede(
            order=in_force,
            effective_on=effective_on,
            lines=obligations,
            issued_on=issued_on,
            kind=kind,
            court_name=court_name,
            by=by,
        )
        _balance_obligation_refresh(case)
        return order
    version = order_next_version(case=case, order_number=order_number)
    order = SupportOrder(
        case=case,
        order_number=order_number,
        kind=kind,
        court_name=court_name,
        issued_on=issued_on,
        effective_on=effective_on,
        version=version,
        status=OrderStatus.ACTIVE,
    )
    order.full_clean()
    order.save()
    for line in obligations:
        obligation_create(order=order, line=line, start_on=line.start_on)
    event_about(
        order,
        verb="order.created",
        by=by,
        summary=f"Order {order_number} v{version} effective {display_date(effective_on)}",
        data={
            "obligations": [{"kind": o.kind, "amount": str(o.amount), "frequency": o.frequency} for o in obligations]
        },
    )
    if case.stage in (CaseStage.OPENED, CaseStage.LOCATE, CaseStage.ESTABLISHMENT):
        case_stage_change(
            case=case, stage=CaseStage.ENFORCEMENT, on=min(issued_on, _today()), by=by, reason="order established"
        )
    _balance_obligation_refresh(case)
    return order


def _balance_obligation_refresh(case: Case) -> None:
    from .ledger_accrual import balances_ensure, balances_refresh_derived, balances_refresh_obligation

    today = _today()
    balances_ensure(case_range=(case.pk, case.pk), on=today)
    balances_refresh_obligation(on=today, case_range=(case.pk, case.pk))
    balances_refresh_derived(on=today, case_range=(case.pk, case.pk))


@transaction.atomic
def case_note_add(*, case: Case, body: str, by: User) -> CaseNote:
    """A note on the case. The same note by the same person a moment later (a double-clicked
    form) is refused under the case's lock; the same words hours later are a new note."""
    note = CaseNote(case=case, body=body.strip(), author=by)
    row_repeat_refuse(
        row=note,
        parent=case,
        fields=("case", "body", "author"),
        at="created_at",
        message="This note was already added: nothing was added again.",
    )
    return saved_with_event(note, by=by, verb="case.note_added", summary=body[:120])


@transaction.atomic
def case_reassign(*, case: Case, to_user, by: User, move_open_items: bool = True) -> Case:
    """A coordinator moves a case (and its open work items) to another worker (audited)."""
    previous = case.caseworker
    if previous == to_user:
        return case
    case.caseworker = to_user
    case.save(update_fields=["caseworker", "updated_at"])
    moved = 0
    if move_open_items:
        moved = WorkItem.objects.filter(case=case, status=WorkItemStatus.OPEN, assigned_to=previous).update(
            assigned_to=to_user
        )
    event_about(
        case,
        verb="case.reassigned",
        by=by,
        summary=f"Case reassigned from {previous or 'nobody'} to {to_user or 'nobody'}",
        data={"from": getattr(previous, "pk", None), "to": getattr(to_user, "pk", None), "items_moved": moved},
    )
    return case


def work_item_reassign(*, item: WorkItem, to_user, by: User, unit: str | None = None) -> WorkItem:
    previous = item.assigned_to
    item.assigned_to = to_user
    if unit is not None:
        item.unit = unit
    return saved_with_event(
        item,
        by=by,
        verb="work_item.reassigned",
        summary=f"{item.title}: {previous or item.unit or 'unassigned'} → {to_user or item.unit or 'unassigned'}",
        data={"from": getattr(previous, "pk", None), "to": getattr(to_user, "pk", None)},
        update_fields=["assigned_to", "unit", "updated_at"],
    )


def work_item_complete(*, item: WorkItem, by: User, on: date | None = None) -> WorkItem:
    """Mark ``item`` done; a ``PERSON_CHECK`` item only by a coordinator (``work_item_settle_check``:
    ``PermissionDenied``, nothing changed)."""
    work_item_settle_check(item=item, by=by)  # the kind is set once, at creation
    # A conditional update: of two clicks (or two people), one marks it done and records the event.
    done_on = on or _today()
    changed = (
        WorkItem.objects.filter(pk=item.pk)
        .exclude(status=WorkItemStatus.DONE)
        .update(status=WorkItemStatus.DONE, completed_on=done_on, updated_at=timezone.now())
    )
    item.refresh_from_db(fields=["status", "completed_on", "updated_at"])
    if not changed:
        return item
    event_about(item, verb="work_item.done", by=by, summary=item.title)
    return item


def _closure_check(case: Case, reason: str, note: str) -> None:
    """Criteria of 45 CFR 303.11(b) the system can verify from its own data."""
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose a closure reason (45 CFR 303.11(b))."})
    if reason in (ClosureReason.NO_ORDER_LOW_ARREARS, ClosureReason.NO_ORDER_ASSIGNED_ARREARS):
        if _has_active_order(case):
            raise ValidationError({"reason": "The case still has an active support order."})
        balance = CaseBalance.objects.filter(case=case).first()
        if (
            reason == ClosureReason.NO_ORDER_LOW_ARREARS
            and balance
            and balance.total_arrears >= CLOSURE_LOW_ARREARS_LIMIT
        ):
            raise ValidationError(
                {
                    "reason": f"Arrears are {balance.total_arrears}: at least $500 remain "
                    "(303.11(b)(1) needs arrears under $500 or unenforceable; explain "
                    "unenforceability under 'Other')."
                }
            )
        if reason == ClosureReason.NO_ORDER_ASSIGNED_ARREARS and balance and balance.unassigned_arrears > 0:
            raise ValidationError({"reason": "Some arrears are owed to the family, not only to the state."})
    if reason == ClosureReason.NCP_DECEASED:
        ncp = case.ncp
        if ncp is None or ncp.deceased_on is None:
            raise ValidationError({"reason": "Record the NCP's date of death first."})
    if reason == ClosureReason.OTHER and len(note.strip()) < 10:
        raise ValidationError({"note": "Explain the closure in the note."})


# What the close page and the answer form show of a notice of intent to close, and decide on
# (``core.stale``): a colleague's notice, answer or closure since the page was opened refuses the form.
CLOSURE_SHOWN = {
    "status": "case status",
    "closure_noticed_on": "notice of intent to close",
    "closure_notice_reason": "reason of the notice",
    "closure_due_on": "closure date",
}


def closure_shown(case: Case) -> dict:
    return {name: getattr(case, name) for name in CLOSURE_SHOWN}


def closure_notice_due_check(case: Case, reason: str, on: date) -> None:
    """A reason that needs the notice of intent to close (45 CFR 303.11(d)(1)) closes only with that
    notice sent for that reason, on or after its due date (60 calendar days after it)."""
    from ..closure import notice_required

    if not notice_required(reason):
        return
    label = ClosureReason(reason).label
    if case.closure_noticed_on is None or case.closure_due_on is None:
        raise ValidationError(
            {
                "reason": f'Closing for "{label}" needs a written notice of intent to close 60 days before '
                "(45 CFR 303.11(d)(1)): send the notice first."
            }
        )
    if case.closure_notice_reason != reason:
        raise ValidationError(
            {
                "reason": f"The notice of intent to close sent on {display_date(case.closure_noticed_on)} was for "
                f'"{case.get_closure_notice_reason_display()}": close for that reason, or record the '
                "recipient's answer first."
            }
        )
    if on < case.closure_due_on:
        raise ValidationError(
            {
                "reason": f"The notice of intent to close was sent on {display_date(case.closure_noticed_on)}: "
                f"the case may be closed from {display_date(case.closure_due_on)} (60 calendar days, to a business "
                "day, 45 CFR 303.11(d)(1)), not before."
            }
        )


@transaction.atomic
def case_close(
    *, case: Case, reason: str, by: User, note: str = "", on: date | None = None, shown: Shown | None = None
) -> Case:
    """Close a case with a recorded reason (45 CFR 303.11); open work items are finished.

    A reason that needs the 60-day notice of intent to close (303.11(d)(1), ``cases.closure``)
    closes only on or after the due date of a notice sent for it (``closure_notice_send``); the
    other reasons close at once. From the close page (``shown``): refused when the notice, its
    reason or date, or the case's status changed since the page was opened."""
    on = on or _today()
    not_in_future(on, "closed_on")
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_if_changed(row=case, shown=shown, current=closure_shown(case), labels=CLOSURE_SHOWN)
    if not case.is_open:
        raise ValidationError({"__all__": "The case is already closed."})
    _closure_check(case, reason, note)
    closure_notice_due_check(case, reason, on)
    previous = case.stage
    case.status, case.stage, case.closure_reason, case.closure_note, case.closed_on = (
        CaseStatus.CLOSED,
        CaseStage.CLOSED,
        reason,
        note.strip(),
        on,
    )
    case.stage_changed_on = on
    case.next_deadline_on, case.next_deadline_kind = None, ""
    case.full_clean()
    case.save()
    done = WorkItem.objects.filter(case=case, status=WorkItemStatus.OPEN).update(
        status=WorkItemStatus.DONE, completed_on=on
    )
    if case.interstate_role == InterstateRole.INITIATING:
        # 45 CFR 303.7(c)(11): "Notify the responding agency within 10 working days of case closure
        # that the initiating State IV-D agency has closed its case pursuant to § 303.11 ..., and the
        # basis for case closure."
        from core.business_days import add_business_days

        work_item_create(
            case=case,
            title=f"Tell the responding agency ({case.other_state or 'other state'}) the case was closed and why",
            kind="closure_agency_notice",
            due_on=add_business_days(on, 10, case.jurisdiction),
            dedupe_key=f"closure-responding:{case.pk}:{on.isoformat()}",
            by=by,
            notes=f"Closed for: {case.get_closure_reason_display()}. In a record (CSENet or a letter), within 10 "
            "working days of closure (45 CFR 303.7(c)(11)).",
        )
    event_about(
        case,
        verb="case.closed",
        by=by,
        summary=f"Closed: {case.get_closure_reason_display()}",
        data={
            "reason": reason,
            "from_stage": previous,
            "on": on.isoformat(),
            "work_items_closed": done,
            "noticed_on": case.closure_noticed_on.isoformat() if case.closure_noticed_on else None,
        },
    )
    return case


@transaction.atomic
def case_interstate_referred(*, case: Case, on: date, by: User) -> Case:
    """The initiating state sent its referral (45 CFR 303.7: within 20 calendar days)."""
    not_in_future(on, "interstate_referred_on")
    if not case.is_open:
        raise ValidationError("The case is closed.")
    if case.interstate_role != InterstateRole.INITIATING:
        raise ValidationError({"interstate_referred_on": "Only an initiating interstate case is referred."})
    case.interstate_referred_on = on
    case.save(update_fields=["interstate_referred_on", "updated_at"])
    case_deadline_refresh(case)
    event_about(
        case,
        verb="case.interstate_referred",
        by=by,
        summary=f"Referred to {case.other_state}",
        data={"on": on.isoformat()},
    )
    return case

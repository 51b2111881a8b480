"""Court actions: petitions (filing, service, hearings, outcome → the case's order) and criminal
non-support referrals tracked to an outcome."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import not_in_future
from core.services import acting_user, event_about, row_repeat_refuse, saved_with_event
from core.stale import Shown, refuse_if_changed, shown_changes

from ..choices import (
    OPEN_PETITION_STATUSES,
    AppearanceParty,
    HearingResult,
    PetitionKind,
    PetitionOutcome,
    PetitionStatus,
    ReferralStatus,
)
from ..models import Appearance, CourtHearing, CriminalReferral, Petition

# What makes a petition the same one again (a double-clicked form), by the same person.
PETITION_FIELDS = (
    "case",
    "kind",
    "court_name",
    "docket_number",
    "filed_on",
    "reason",
    "origin",
    "service_needed",
    "created_by",
)


@transaction.atomic
def petition_create(
    *,
    case,
    kind: str,
    by: User,
    court_name: str = "",
    docket_number: str = "",
    filed_on: date | None = None,
    reason: str = "",
    origin: str = "",
    service_needed: bool = True,
) -> Petition:
    """Open a petition (establishment, modification, violation/enforcement, paternity).

    Called by the court pages and by review and adjustment (45 CFR 303.8) for a modification.
    The same petition opened again by the same person a moment later (a double-clicked form) is
    refused under the case's lock.
    """
    if kind not in PetitionKind.values:
        raise ValidationError({"kind": "Choose a petition kind."})
    petition = Petition(
        case=case,
        kind=kind,
        court_name=(court_name or _default_court(case))[:200],
        docket_number=docket_number.strip()[:60],
        filed_on=filed_on,
        reason=reason.strip()[:4000],
        origin=origin[:60],
        service_needed=service_needed,
        status=PetitionStatus.FILED if filed_on else PetitionStatus.DRAFT,
        created_by=acting_user(by),
    )
    if petition.created_by is not None:
        row_repeat_refuse(
            row=petition,
            parent=case,
            fields=PETITION_FIELDS,
            at="created_at",
            message="This petition was already opened: nothing was added again.",
        )
    return saved_with_event(
        petition,
        by=by,
        verb="court.petition_opened",
        actor_label="" if by else (origin or "system"),
        summary=f"{petition.get_kind_display()} petition, {petition.court_name}"
        f"{' ' + petition.docket_number if petition.docket_number else ''}",
    )


def _default_court(case) -> str:
    return (
        f"{case.county} County Family Court" if case.jurisdiction == "NY" else f"Superior Court, {case.county} County"
    )


def _open(petition: Petition) -> Petition:
    petition = Petition.objects.select_for_update().select_related("case").get(pk=petition.pk)
    if petition.status not in OPEN_PETITION_STATUSES:
        raise ValidationError("The petition is already decided or withdrawn.")
    return petition


@transaction.atomic
def petition_update(
    *,
    petition: Petition,
    by: User,
    docket_number: str | None = None,
    filed_on: date | None = None,
    served_on: date | None = None,
    shown: Shown | None = None,
) -> Petition:
    """Record the docket number, the filing and the service (a date left blank changes nothing).

    From the petition's page (``shown``: what it showed, ``core.stale``) only what the user changed
    there is applied: a docket field the page showed blank, sent blank, leaves a number a colleague
    recorded meanwhile; a filing date sent as shown leaves one corrected meanwhile. The same field
    changed by both is refused. Without ``shown`` (no page), what is given is applied."""
    petition = _open(petition)
    if shown is not None:
        given = shown_changes(
            row=petition,
            shown=shown,
            posted={"docket_number": docket_number, "filed_on": filed_on, "served_on": served_on},
            labels={"filed_on": "filing date", "served_on": "service date"},
        )
        docket_number, filed_on, served_on = given.get("docket_number"), given.get("filed_on"), given.get("served_on")
    not_in_future(filed_on, "filed_on")
    not_in_future(served_on, "served_on")
    if docket_number is not None:
        petition.docket_number = docket_number.strip()[:60]
    if filed_on:
        petition.filed_on = filed_on
        if petition.status != PetitionStatus.SERVED:  # a corrected filing date does not undo the service
            petition.status = PetitionStatus.FILED
    if served_on:
        if not petition.filed_on:
            raise ValidationError({"served_on": "Record the filing first."})
        petition.served_on = served_on
        petition.status = PetitionStatus.SERVED
    return saved_with_event(
        petition, by=by, verb="court.petition_updated", summary=f"{petition}: {petition.get_status_display()}"
    )


@transaction.atomic
def petition_decide(
    *,
    petition: Petition,
    outcome: str,
    outcome_on: date,
    by: User,
    notes: str = "",
    order_number: str = "",
    monthly_amount: Decimal | None = None,
    effective_on: date | None = None,
) -> Petition:
    """Record the outcome; an order the court issued goes into the case's orders."""
    from cases.services.court_orders import order_create_from_court

    petition = _open(petition)
    not_in_future(outcome_on, "outcome_on")
    petition.outcome = outcome
    petition.outcome_on = outcome_on
    petition.outcome_notes = notes.strip()[:4000]
    petition.status = PetitionStatus.WITHDRAWN if outcome == "withdrawn" else PetitionStatus.DECIDED
    if order_number:
        if monthly_amount is None or effective_on is None:
            raise ValidationError({"order_number": "An order needs its monthly amount and effective date."})
        petition.resulting_order = order_create_from_court(
            case=petition.case,
            order_number=order_number,
            court_name=petition.court_name,
            monthly=monthly_amount,
            effective_on=effective_on,
            issued_on=outcome_on,
            by=by,
        )
    if petition.kind == PetitionKind.PATERNITY and outcome == PetitionOutcome.GRANTED:
        _paternity_established_by_court(petition, by=by)
    return saved_with_event(
        petition,
        by=by,
        verb="court.petition_decided",
        summary=f"{petition}: {petition.get_outcome_display()}"
        f"{' → order ' + str(petition.resulting_order) if petition.resulting_order else ''}",
    )


def _paternity_established_by_court(petition: Petition, *, by: User) -> None:
    """A paternity petition granted: paternity is established by court order on the day of the
    outcome for each current child of the case (a child whose participation ended, ``ended_on``, is
    no longer the case's) whose paternity was not established and who was not born in wedlock (the
    petition names no child), through ``cases.services.paternity_record`` (its event on the case);
    the genetic test data on file are kept."""
    from cases.choices import ParticipantRole, PaternityMethod, PaternityStatus
    from cases.services import PaternityData, paternity_record

    children = (
        petition.case.participants.filter(role=ParticipantRole.CHILD, ended_on__isnull=True)
        .exclude(person__paternity_status=PaternityStatus.ESTABLISHED)
        .exclude(person__born_in_wedlock=True)
        .select_related("person")
        .order_by("person_id")
    )
    for participant in children:
        child = participant.person
        paternity_record(
            child=child,
            data=PaternityData(
                status=PaternityStatus.ESTABLISHED,
                established_on=petition.outcome_on,
                method=PaternityMethod.COURT_ORDER,
                genetic_test_ordered_on=child.genetic_test_ordered_on,
                genetic_test_result=child.genetic_test_result,
            ),
            by=by,
            case=petition.case,
        )


@transaction.atomic
def hearing_schedule(
    *, petition: Petition, scheduled_for: datetime, by: User, court_part: str = "", judge: str = ""
) -> CourtHearing:
    """Schedule a hearing on an open petition. The same hearing again (the same time, part and judge,
    still to be held: a double-clicked form, a resent POST) is refused under the petition's lock."""
    petition = _open(petition)
    hearing = CourtHearing(
        petition=petition, scheduled_for=scheduled_for, court_part=court_part[:80], judge=judge[:120]
    )
    row_repeat_refuse(
        row=hearing,
        parent=petition,
        locked=True,  # by ``_open``
        fields=("petition", "scheduled_for", "court_part", "judge", "result"),
        window=None,  # two hearings of one petition at the same minute are one hearing, whenever entered
        message=f"This hearing is already scheduled ({timezone.localtime(scheduled_for):%Y-%m-%d %H:%M}): "
        "nothing was added again.",
    )
    return saved_with_event(
        hearing,
        by=by,
        verb="court.hearing_scheduled",
        case_id=petition.case_id,
        summary=f"{petition}: hearing {timezone.localtime(scheduled_for):%Y-%m-%d %H:%M}",
    )


def hearing_result_shown(hearing: CourtHearing) -> dict:
    """What the petition's page shows of a hearing that recording its result decides on: its result
    and notes (``core.stale``: the result form carries their fingerprint)."""
    return {"result": hearing.result, "notes": hearing.notes}


def _appearances_on_file(hearing: CourtHearing) -> dict[str, tuple[bool, str]]:
    return {a.party: (a.appeared, a.represented_by) for a in hearing.appearances.all()}


@transaction.atomic
def hearing_record(
    *,
    hearing: CourtHearing,
    result: str,
    by: User,
    notes: str = "",
    appearances: dict[str, bool] | None = None,
    agency_attorney: str = "",
    shown: Shown | None = None,
) -> CourtHearing:
    """Record what happened at a hearing and who appeared.

    The same result again (a double-clicked form, a resent POST) changes nothing and records no
    event. From the petition's page (``shown``, ``core.stale``): refused when the hearing's result
    or notes are no longer those the page showed (a colleague recorded the result since), so a page
    opened before it cannot overwrite what happened in court."""
    hearing = CourtHearing.objects.select_for_update().select_related("petition").get(pk=hearing.pk)
    if result not in HearingResult.values:
        raise ValidationError({"result": "Choose a result."})
    notes = notes.strip()[:4000]
    attended = (
        {
            party: (appeared, agency_attorney[:200] if party == AppearanceParty.AGENCY else "")
            for party, appeared in appearances.items()
        }
        if appearances is not None and result == HearingResult.HELD
        else None
    )
    if hearing_result_shown(hearing) == {"result": result, "notes": notes} and attended in (
        None,
        _appearances_on_file(hearing),
    ):
        return hearing
    refuse_if_changed(
        row=hearing,
        shown=shown,
        current=hearing_result_shown(hearing),
        happened=f"The result of this hearing was recorded meanwhile: {hearing.get_result_display().lower()}",
    )
    hearing.result = result
    hearing.notes = notes
    hearing.full_clean()
    hearing.save()
    if attended is not None:
        hearing.appearances.all().delete()
        for party, (appeared, represented_by) in attended.items():
            Appearance.objects.create(hearing=hearing, party=party, appeared=appeared, represented_by=represented_by)
    event_about(
        hearing,
        verb="court.hearing_recorded",
        case_id=hearing.petition.case_id,
        by=by,
        summary=f"{hearing.petition}: hearing {hearing.get_result_display().lower()}",
        data={"appearances": appearances or {}},
    )
    return hearing


@transaction.atomic
def referral_create(
    *, case, agency: str, agency_name: str, referred_on: date, by: User, reference_number: str = "", notes: str = ""
) -> CriminalReferral:
    not_in_future(referred_on, "referred_on")
    balance = getattr(case, "balance", None)
    referral = CriminalReferral(
        case=case,
        agency=agency,
        agency_name=agency_name[:200],
        referred_on=referred_on,
        reference_number=reference_number[:60],
        notes=notes[:4000],
        arrears_at_referral=balance.total_arrears if balance else Decimal("0.00"),
        created_by=acting_user(by),
    )
    if referral.created_by is not None:  # a double-clicked form: one referral, under the case's lock
        row_repeat_refuse(
            row=referral,
            parent=case,
            fields=("case", "agency", "agency_name", "referred_on", "reference_number", "notes", "created_by"),
            at="created_at",
            message="This referral was already recorded: nothing was added again.",
        )
    return saved_with_event(
        referral,
        by=by,
        verb="criminal.non_support_referral",
        summary=f"Referred to {referral.agency_name} (arrears {referral.arrears_at_referral})",
    )


@transaction.atomic
def referral_update(
    *,
    referral: CriminalReferral,
    status: str,
    by: User,
    outcome: str = "",
    outcome_on: date | None = None,
    reference_number: str | None = None,
    notes: str | None = None,
    reopen: bool = False,
    shown: Shown | None = None,
) -> CriminalReferral:
    """Record the referral's status, outcome, the agency's reference number and notes.

    From the referral's page (``shown``: what it showed, ``core.stale``) only what the user changed
    there is applied, so a DA's reference number added from a page opened before a colleague closed
    the referral leaves it closed with its outcome; the same field changed by both is refused.
    Reopening a closed referral (a status other than closed) is an act of its own: ``reopen``."""
    referral = CriminalReferral.objects.select_for_update().get(pk=referral.pk)
    given: dict[str, Any] = {"status": status, "outcome": outcome, "outcome_on": outcome_on}
    given |= {"reference_number": reference_number} if reference_number is not None else {}
    given |= {"notes": notes} if notes is not None else {}
    if shown is not None:
        given = shown_changes(row=referral, shown=shown, posted=given, labels={"outcome_on": "outcome date"})
    status = given.get("status", referral.status)
    if referral.status == ReferralStatus.CLOSED and status != ReferralStatus.CLOSED and not reopen:
        raise ValidationError(
            {"status": "This referral is closed with its outcome: to reopen it, tick “Reopen this closed referral”."}
        )
    reopened = referral.status == ReferralStatus.CLOSED and status != ReferralStatus.CLOSED
    referral.status = status
    referral.outcome = given.get("outcome", referral.outcome)
    if "outcome_on" in given:
        not_in_future(given["outcome_on"], "outcome_on")
        referral.outcome_on = given["outcome_on"]
    if not referral.outcome:
        referral.outcome_on = None
    if referral.status == ReferralStatus.CLOSED and not referral.outcome:
        raise ValidationError({"outcome": "A closed referral needs its outcome."})
    if referral.outcome and referral.outcome_on is None:
        raise ValidationError({"outcome_on": "Give the date of the outcome."})
    if "reference_number" in given:
        referral.reference_number = (given["reference_number"] or "")[:60]
    if "notes" in given:
        referral.notes = (given["notes"] or "")[:4000]
    return saved_with_event(
        referral,
        by=by,
        verb="criminal.referral_updated",
        summary=f"Referral to {referral.agency_name}: {'reopened, ' if reopened else ''}"
        f"{referral.get_status_display()}{' — ' + referral.get_outcome_display() if referral.outcome else ''}",
    )

"""The people of an open case after it was opened: a child added (a second child, a newborn), a
child's participation ended (emancipated, died, went to live with the other parent, adopted), and
paternity recorded for a child (45 CFR 303.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import date_refusal, display_date, not_in_future
from core.reasons import reason_explained
from core.services import event_about
from core.stale import Shown, refuse_if_changed

from ..choices import ChildEndReason, GeneticTestResult, ParticipantRole, PaternityMethod, PaternityStatus
from ..models import Case, CaseParticipant, Person
from .cases import (
    PartyData,
    ProbableMatches,
    _parties_lock,
    _parties_resolve,
    matched_people_lock,
    matching_found_attach,
    party_person,
    routed_item_create,
)

CHILD_ON_CASE = "This child is already on the case: nothing was added."
CHILD_LIKELY_ON_CASE = (
    "A child with this name and date of birth is already on the case (a form sent twice?): nothing was added."
)


@transaction.atomic
def case_child_add(*, case: Case, data: PartyData, by: User) -> CaseParticipant:
    """Add a child to an open case (a second child, a newborn), found among the people on file as
    case opening finds its parties (``cases.services.cases._parties_resolve``: the same SSN is the
    same person, possible matches need the caseworker's answer, an FVI record or one out of
    ``by``'s scope is routed to a coordinator). Under the case's lock, in one transaction: a person
    already on the case is refused, and so is a form sent twice (its child is then a possible match
    on this very case), so nothing is added twice.

    The pass-through counts the child from the month added (``CaseParticipant.added_on``,
    ``cases.allocation.children_in_month``): distributions of that month and later, a redistribution
    of an earlier month included, and the data check of the pass-through. Months already distributed
    are not redistributed for the new child: their count did not change."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({"__all__": "The case is closed: children cannot be added to it."})
    on = timezone.localdate()
    if data.date_of_birth is None:
        raise ValidationError({"child_date_of_birth": "Give the child's date of birth."})
    not_in_future(data.date_of_birth, "child_date_of_birth")
    on_case = set(case.participants.values_list("person_id", flat=True))
    _parties_lock([data])
    try:
        existing, notes, routed = _parties_resolve([("child", data)], by=by)
    except ProbableMatches as exc:
        if any(p.pk in on_case for people in exc.matches.values() for p in people):
            raise ValidationError({"__all__": CHILD_LIKELY_ON_CASE}) from exc
        raise
    matched_people_lock(existing, notes, routed)
    if "child" in existing and existing["child"].pk in on_case:
        ended = case.participants.filter(person=existing["child"], ended_on__isnull=False).first()
        if ended is not None:  # one row per person and role (participant_unique_role): not added twice
            raise ValidationError(
                {
                    "__all__": f"This child's participation in the case ended on {display_date(ended.ended_on)} "
                    f"({ended.ended_reason_shown}): it cannot be added again; nothing was added."
                }
            )
        raise ValidationError({"__all__": CHILD_ON_CASE})
    if any(pk in on_case for note in notes for pk in note.get("candidates", [])):
        raise ValidationError({"__all__": CHILD_LIKELY_ON_CASE})
    person = party_person("child", data, existing=existing, routed=routed, on=on)
    participant = CaseParticipant.objects.create(case=case, person=person, role=ParticipantRole.CHILD, added_on=on)
    event_about(
        case,
        verb="case.child_added",
        by=by,
        summary=f"Child added: {person.display_name}",
        data={"person_id": person.pk, **({"people_matched": notes} if notes else {})},
    )
    if "child" in routed:
        routed_item_create(
            case=case,
            key=f"child-added-{person.pk}",
            role=ParticipantRole.CHILD,
            route=routed["child"],
            on=on,
            by=by,
            occasion="adding a child to this case",
        )
    matching_found_attach(participant, match_notes=notes, existing=existing, routed=routed)
    return participant


CHILD_END_LABELS = {"ended": "end of this child's participation"}


def child_end_shown(participant: CaseParticipant) -> dict[str, str]:
    """What the end page shows that the decision rests on (``core.stale``): whether the child's
    participation has ended, when and why."""
    return {"ended": f"{participant.ended_on or ''}:{participant.ended_reason}"}


@transaction.atomic
def case_child_end(
    *,
    participant: CaseParticipant,
    ended_on: date,
    reason: str,
    by: User,
    reason_text: str = "",
    shown: Shown | None = None,
) -> CaseParticipant:
    """End a child's participation in an open case: the child emancipated, died, went to live with
    the other parent, was adopted (or another reason, explained). Under the case's lock; refused
    (nothing changed): not a child of the case, a closed case, a participation already ended, a
    stale page (``core.stale``), an unknown reason, "other" without an explanation, a date in the
    future, before the child was added or before the case opened.

    From ``ended_on`` the child is no longer one of the case's current children (``Case.children``:
    the income withholding order's list, letters) nor in its caseload (OCSE-157 lines 5a and 6,
    ``quality.measures``). The pass-through counts the child through the month the end is recorded
    (``end_recorded_on``, ``cases.allocation.child_counts_in_month``), as a child added counts from
    the month added: months already distributed are not redistributed. A deceased child's
    ``Person.deceased_on`` is set when it is empty.

    Ending the last child is allowed (the child did leave): the case is then a closure candidate
    (45 CFR 303.11(b)), not closed here; its order, if one is in force, is ended separately
    (``order_end``), since only a court or the order's own terms end support."""
    case = Case.objects.select_for_update().get(pk=participant.case_id)
    participant = CaseParticipant.objects.select_for_update().select_related("person").get(pk=participant.pk)
    if participant.role != ParticipantRole.CHILD:
        raise ValidationError({"__all__": "Only a child's participation in a case can be ended here."})
    if not case.is_open:
        raise ValidationError({"__all__": "The case is closed: its children can no longer change."})
    child = participant.person
    if participant.ended_on is not None:
        ended = f"{display_date(participant.ended_on)}, {participant.ended_reason_shown}"
        refuse_if_changed(
            row=participant,
            shown=shown,
            current=child_end_shown(participant),
            happened=f"{child.display_name}'s participation was ended meanwhile ({ended})",
        )
        raise ValidationError({"__all__": f"{child.display_name}'s participation already ended ({ended})."})
    refuse_if_changed(row=participant, shown=shown, current=child_end_shown(participant), labels=CHILD_END_LABELS)
    reason_text = reason_explained(reason, reason_text, choices=ChildEndReason, why="the child's participation ends")
    if len(reason_text) > 300:
        raise ValidationError({"reason_text": "The explanation is too long (300 characters at most)."})
    not_in_future(ended_on, "ended_on")
    started = participant.added_on or case.opened_on or case.application_received_on
    if ended_on < started:
        what = "The child was added to the case" if participant.added_on else "The case opened"
        raise ValidationError(
            {"ended_on": f"{what} on {display_date(started)}: the participation cannot end before that."}
        )
    today = timezone.localdate()
    participant.ended_on = ended_on
    participant.end_recorded_on = today
    participant.ended_reason = reason
    participant.ended_reason_text = reason_text if reason == ChildEndReason.OTHER else ""
    participant.full_clean()
    participant.save(update_fields=["ended_on", "end_recorded_on", "ended_reason", "ended_reason_text"])
    death_recorded = False
    if reason == ChildEndReason.DECEASED and child.deceased_on is None:
        child = Person.objects.select_for_update().get(pk=child.pk)
        if child.deceased_on is None:
            child.deceased_on = ended_on
            child.save(update_fields=["deceased_on", "updated_at"])
            death_recorded = True
    left = (
        case.participants.filter(role=ParticipantRole.CHILD, ended_on__isnull=True).exclude(pk=participant.pk).count()
    )
    event_about(
        participant,
        verb="case.child_ended",
        by=by,
        summary=f"{child.display_name}'s participation ended {display_date(ended_on)} "
        f"({participant.ended_reason_shown})" + ("" if left else ": no child remains on the case"),
        data={
            "person_id": child.pk,
            "ended_on": ended_on.isoformat(),
            "reason": reason,
            **({"reason_text": reason_text} if participant.ended_reason_text else {}),
            "children_left": left,
            **({"deceased_on_recorded": True} if death_recorded else {}),
        },
    )
    return participant


@dataclass
class PaternityData:
    """What is known of a child's paternity (the fields of ``Person``)."""

    status: str
    established_on: date | None = None
    method: str = ""
    genetic_test_ordered_on: date | None = None
    genetic_test_result: str = ""


PATERNITY_FIELDS = (
    "paternity_status",
    "paternity_established_on",
    "paternity_method",
    "genetic_test_ordered_on",
    "genetic_test_result",
)


PATERNITY_LABELS = {
    "status": "paternity",
    "established_on": "date established",
    "method": "how established",
    "genetic_test_ordered_on": "genetic test ordered on",
    "genetic_test_result": "genetic test result",
}


def paternity_shown(child: Person) -> dict:
    """What a paternity page shows of ``child``, by the form's names (its initial values)."""
    return dict(zip(PATERNITY_LABELS, (getattr(child, name) for name in PATERNITY_FIELDS), strict=True))


def _paternity_check(data: PaternityData) -> None:
    errors: dict[str, str] = {}
    if data.status not in PaternityStatus.values:
        errors["status"] = "Choose a paternity status."
    if data.method and data.method not in PaternityMethod.values:
        errors["method"] = "Choose how paternity was established."
    if data.genetic_test_result and data.genetic_test_result not in GeneticTestResult.values:
        errors["genetic_test_result"] = "Choose a genetic test result."
    today = timezone.localdate()
    for name, value in (
        ("established_on", data.established_on),
        ("genetic_test_ordered_on", data.genetic_test_ordered_on),
    ):
        if problem := date_refusal(value, future=False, today=today):
            errors[name] = problem
    if data.status == PaternityStatus.ESTABLISHED:
        if not data.established_on:
            errors.setdefault("established_on", "Give the date paternity was established.")
        if not data.method:
            errors.setdefault("method", "Say how paternity was established.")
    if data.genetic_test_result and not data.genetic_test_ordered_on:
        errors["genetic_test_ordered_on"] = "Give the date the genetic test was ordered."
    if (
        data.status == PaternityStatus.ESTABLISHED
        and data.method == PaternityMethod.GENETIC_TEST
        and data.genetic_test_result == GeneticTestResult.NEGATIVE
    ):
        errors["method"] = "A negative genetic test excludes the man tested: it does not establish paternity."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def paternity_record(
    *, child: Person, data: PaternityData, by: User | None, case: Case | None = None, shown: Shown | None = None
) -> Person:
    """Record what is known of ``child``'s paternity (45 CFR 303.5; the OCSE-157 paternity line,
    ``quality.measures``, reads it). Established needs its date (not in the future) and its method;
    a status other than established clears them. The person's row is locked; the same data sent
    again changes nothing and records no event. ``case``: the case the event is shown on. From a
    page (``shown``, ``core.stale``): refused when a colleague recorded paternity since it opened."""
    _paternity_check(data)
    child = Person.objects.select_for_update().get(pk=child.pk)
    refuse_if_changed(row=child, shown=shown, current=paternity_shown(child), labels=PATERNITY_LABELS)
    established = data.status == PaternityStatus.ESTABLISHED
    values = {
        "paternity_status": data.status,
        "paternity_established_on": data.established_on if established else None,
        "paternity_method": data.method if established else "",
        "genetic_test_ordered_on": data.genetic_test_ordered_on,
        "genetic_test_result": data.genetic_test_result,
    }
    before = {name: getattr(child, name) for name in PATERNITY_FIELDS}
    if before == values:
        return child
    for name, value in values.items():
        setattr(child, name, value)
    child.full_clean()
    child.save(update_fields=[*PATERNITY_FIELDS, "updated_at"])
    summary = f"Paternity of {child.display_name}: {child.get_paternity_status_display()}"
    if established:
        summary += f" ({child.get_paternity_method_display()}, {display_date(data.established_on)})"
    event_about(
        child,
        verb="person.paternity_recorded",
        case_id=case.pk if case is not None else None,
        by=by,
        summary=summary,
        data={
            "from": {k: str(v) if v is not None else None for k, v in before.items()},
            "to": {k: str(v) if v is not None else None for k, v in values.items()},
        },
    )
    return child

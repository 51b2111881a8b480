"""Correcting how a case was entered: its interstate role, the other state and its case id, and
its county (a transfer to another county's office)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.dates import not_in_future
from core.services import event_about
from core.stale import Shown, shown_changes

from ..choices import COORDINATOR_UNIT, IV_D_JURISDICTIONS, InterstateRole, WorkItemKind, WorkItemStatus
from ..models import Case, WorkItem
from .cases import case_deadline_refresh
from .work import work_item_create

TRANSFER_PERMISSION = "cases.transfer_case"
DETAIL_FIELDS = ("interstate_role", "other_state", "other_state_case_id", "interstate_needed_on", "county")
LABELS = {
    "interstate_role": "interstate role",
    "other_state": "other state",
    "other_state_case_id": "other state's case id",
    "interstate_needed_on": "date the referral was found needed",
    "county": "county",
}
STATE_CODE = re.compile(r"^[A-Z]{2}$")


# The roles that work cases: a county where only a trainer, an analyst or an administrator sits
# is not one a case can be moved to.
CASE_WORKING_ROLES = (Role.COORDINATOR, Role.CASEWORKER)


def counties_staffed() -> list[str]:
    """The counties some active coordinator or caseworker works (``User.county``): where a case may
    be moved, so that a typing slip never hands a case to no one."""
    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[str(r) for r in CASE_WORKING_ROLES])
            .exclude(county="")
            .values_list("county", flat=True)
            .distinct()
        )
    )


def _values(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in DETAIL_FIELDS}


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


@transaction.atomic
def case_details_correct(*, case: Case, by: User, shown: Shown | None = None, **posted: Any) -> Case:
    """Correct ``case``'s interstate role, other state, other state's case id, the day the need for
    an interstate referral was found (``interstate_needed_on``) and county, from ``posted``.

    - Interstate (45 CFR 303.7): an interstate case names the other state (two letters, not the
      case's own); "not interstate" clears the other state, its case id and the referral dates. An
      initiating case needs the day the need for a referral was found (the 20-day clock starts
      there; not in the future, not before the application); a case that stops being initiating
      loses its referral dates. The cached next deadline is recomputed (``case_deadline_refresh``).
    - County: moving the case to another county is a coordinator's act (``cases.transfer_case``,
      else ``PermissionDenied``), only to a county some active staff member works. The case leaves
      its caseworker and the old county's staff (the caseworker is cleared, its open work items are
      unassigned) and the new county's coordinators get a work item to assign it.
    - With ``shown`` (the page, ``core.stale.shown_changes``) only what the user changed on the page
      is applied; a field a colleague changed since, to another value, is refused.

    One event with each changed value before and after: ``case.transferred`` when the county
    changed, else ``case.details_corrected``. Nothing changed: nothing written."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError("The case is closed: its details are kept as they were.")
    unknown = set(posted) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be corrected here."))
    mine = shown_changes(row=case, shown=shown, posted=posted, labels=LABELS)
    before = _values(case)
    after = {**before, **mine}
    after["other_state"] = (after["other_state"] or "").strip().upper()
    after["other_state_case_id"] = (after["other_state_case_id"] or "").strip()
    after["county"] = (after["county"] or "").strip()
    _interstate_check(case, after)
    moved = after["county"] != before["county"]
    if moved:
        _transfer_check(after["county"], by=by)
    changed = {name: (before[name], after[name]) for name in DETAIL_FIELDS if before[name] != after[name]}
    referred_cleared = after["interstate_role"] != InterstateRole.INITIATING and case.interstate_referred_on is not None
    if not changed and not referred_cleared:
        return case
    fields = list(changed)
    for name in changed:
        setattr(case, name, after[name])
    if referred_cleared:
        changed["interstate_referred_on"] = (case.interstate_referred_on, None)
        case.interstate_referred_on = None
        fields.append("interstate_referred_on")
    previous_worker = case.caseworker
    if moved:
        case.caseworker = None
        fields.append("caseworker")
    case.full_clean(exclude=["case_number"])
    case.save(update_fields=[*fields, "updated_at"])
    case_deadline_refresh(case)
    data: dict[str, Any] = {
        "before": {name: _text(old) for name, (old, _new) in changed.items()},
        "after": {name: _text(new) for name, (_old, new) in changed.items()},
    }
    if moved:
        data.update(_hand_over(case, previous_worker=previous_worker, from_county=before["county"], by=by))
    event_about(
        case,
        verb="case.transferred" if moved else "case.details_corrected",
        by=by,
        summary="; ".join(
            f"{LABELS.get(name, name.replace('_', ' '))}: {_text(old) or '—'} → {_text(new) or '—'}"
            for name, (old, new) in changed.items()
        ),
        data=data,
    )
    return case


def _interstate_check(case: Case, after: dict[str, Any]) -> None:
    role = after["interstate_role"]
    if role not in InterstateRole.values:
        raise ValidationError({"interstate_role": "Choose the interstate role."})
    if role == InterstateRole.NONE:
        after.update(other_state="", other_state_case_id="", interstate_needed_on=None)
        return
    state = after["other_state"]
    if not STATE_CODE.match(state):
        raise ValidationError({"other_state": "Name the other state by its two letters (e.g. NJ)."})
    if state not in IV_D_JURISDICTIONS:
        raise ValidationError(
            {"other_state": f"{state} runs no IV-D program: give a state, DC, PR, VI or GU (45 CFR 303.7)."}
        )
    if state == case.jurisdiction:
        raise ValidationError({"other_state": f"The other state cannot be this case's own ({case.jurisdiction})."})
    if role != InterstateRole.INITIATING:
        after["interstate_needed_on"] = None
        return
    needed = after["interstate_needed_on"]
    if needed is None:
        raise ValidationError(
            {"interstate_needed_on": "Give the day the need for a referral was found (45 CFR 303.7: 20 days from it)."}
        )
    not_in_future(needed, "interstate_needed_on")
    if needed < case.application_received_on:
        raise ValidationError({"interstate_needed_on": "This is before the application was received."})
    if case.interstate_referred_on is not None and needed > case.interstate_referred_on:
        raise ValidationError(
            {
                "interstate_needed_on": f"The referral was sent on {case.interstate_referred_on:%b %-d, %Y}: "
                "the need for it cannot have been found later (45 CFR 303.7)."
            }
        )


def _transfer_check(county: str, *, by: User) -> None:
    if not by.has_perm(TRANSFER_PERMISSION):
        raise PermissionDenied("Moving a case to another county is a coordinator's act.")
    if not county:
        raise ValidationError({"county": "Choose the county."})
    if county not in counties_staffed():
        raise ValidationError({"county": f"No one works cases in {county}: choose a county from the list."})


def _hand_over(case: Case, *, previous_worker, from_county: str, by: User) -> dict[str, Any]:
    """The old county's staff let go of the case; the new county's coordinators are asked to assign it."""
    unassigned = WorkItem.objects.filter(case=case, status=WorkItemStatus.OPEN, assigned_to__isnull=False).update(
        assigned_to=None, updated_at=timezone.now()
    )
    work_item_create(
        case=case,
        title=f"Case moved here from {from_county}: assign a caseworker",
        kind=WorkItemKind.MANUAL,
        due_on=timezone.localdate() + timedelta(days=2),
        unit=COORDINATOR_UNIT,
        by=by,
    )
    return {"caseworker_cleared": getattr(previous_worker, "pk", None), "work_items_unassigned": unassigned}

"""Rule changes: a new dated version, never an edit in place (the old version stays as history)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.services import acting_user, saved_with_event
from core.stale import Shown, refuse_if_changed

from ..models import RemedyRule

REVISABLE_FIELDS = {
    f.name
    for f in RemedyRule._meta.concrete_fields
    if f.name
    not in {"id", "remedy", "jurisdiction", "version", "effective_from", "changed_by", "change_reason", "created_at"}
}


@transaction.atomic
def rule_revise(
    *,
    rule: RemedyRule,
    effective_from: date,
    reason: str,
    by: User | None = None,
    shown: Shown | None = None,
    **changes: Any,
) -> RemedyRule:
    """Write a new version of ``rule`` effective from ``effective_from`` with ``changes`` applied.

    The version in effect on a day is the one with the latest ``effective_from`` on or before it, so
    actions proposed before the change keep the version that fired them. A threshold below the
    law's value in force on ``effective_from`` is refused (``RemedyRule.clean``, ``legal_floors``).
    ``shown`` (the revise page, ``core.stale``): refused when a version was written since the page
    showed the latest one (the revision would silently drop the colleague's change). A date before
    a version already scheduled is refused (that version is revised instead); the new version
    starts from the version in force on its date.
    """
    unknown = set(changes) - REVISABLE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be revised."))
    if not reason.strip():
        raise ValidationError({"change_reason": "Give the reason for the change."})
    siblings = RemedyRule.objects.select_for_update().filter(remedy=rule.remedy, jurisdiction=rule.jurisdiction)
    latest_version = siblings.aggregate(v=Max("version"))["v"] or 0
    if shown is not None:
        latest = siblings.get(version=latest_version)
        refuse_if_changed(
            row=latest,
            shown=shown,
            current={"version": latest_version},
            happened=f"Version {latest_version} of this rule (from {latest.effective_from:%b %-d, %Y}) was written meanwhile",
        )
    # A version dated before one already scheduled would copy the scheduled values (bringing that
    # change forward) and be undone by it on its date: the scheduled version is revised instead.
    scheduled = siblings.filter(effective_from__gt=effective_from).order_by("effective_from", "version").first()
    if scheduled is not None:
        raise ValidationError(
            {
                "effective_from": f"Version {scheduled.version} is scheduled for "
                f"{scheduled.effective_from:%b %-d, %Y}: revise it, or date yours after it."
            }
        )
    # The new version starts from the one in force on its date (``rule`` when none is).
    base = siblings.filter(effective_from__lte=effective_from).order_by("-effective_from", "-version").first() or rule
    new = RemedyRule(
        **{name: getattr(base, name) for name in REVISABLE_FIELDS},
        remedy=rule.remedy,
        jurisdiction=rule.jurisdiction,
        version=latest_version + 1,
        effective_from=effective_from,
        changed_by=acting_user(by),
        change_reason=reason.strip()[:300],
    )
    for name, value in changes.items():
        setattr(new, name, value)
    return saved_with_event(
        new,
        by=by,
        verb="enforcement.rule_revised",
        actor_label="" if by else "system",
        summary=f"{new} (was v{base.version}): {reason.strip()[:200]}",
        data={
            "previous_version": base.version,
            "changes": {k: str(v) for k, v in changes.items()},
            "effective_from": effective_from.isoformat(),
        },
    )

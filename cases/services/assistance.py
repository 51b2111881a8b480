"""The family's assistance history (42 USC 608(a)(3), 657(a)(1)): dated spells and the
unreimbursed assistance (URA) of a case.

``case_assistance_change`` is the one way a case's assistance status changes (case page, admin,
imports): it closes the open spell the day before ``effective_on`` and opens the next one, and
keeps ``Case.assistance_status`` (the status today, for lists and filters) in step. The ledger
asks ``assistance_by_month`` which status a month had: support due for a month in which
assistance was paid is assigned, whatever day the month is closed out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.money import ZERO, parse_amount
from core.services import event_about

from ..choices import AssistanceStatus
from ..ledger_dates import month_start
from ..models import AssistanceSpell, Case, CaseBalance


@lru_cache(maxsize=512)
def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def spell_status_in_month(spells: Iterable[tuple[str, date, date | None]], month: date, fallback: str) -> str:
    """The status that governs ``month``: *current* when assistance was paid for any day of it
    (42 USC 608(a)(3)); otherwise the status of the last spell that began by the month's end;
    ``fallback`` (the case's status) when the case has no spell at all."""
    first, last = month_start(month), _month_end(month)
    governing = None
    for status, start_on, end_on in sorted(spells, key=lambda spell: spell[1]):
        if start_on > last:
            break
        overlaps = end_on is None or end_on >= first
        if status == AssistanceStatus.CURRENT and overlaps:
            return AssistanceStatus.CURRENT
        governing = status
    return governing or fallback


def assistance_by_month(cases: Iterable[Case], months: Iterable[date]) -> dict[tuple[int, date], str]:
    """``{(case_id, month): status}`` for these cases and months, in one query."""
    cases = list(cases)
    months = sorted({month_start(m) for m in months})
    spells: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    if cases and months:
        for case_id, status, start_on, end_on in AssistanceSpell.objects.filter(
            case_id__in=[case.pk for case in cases]
        ).values_list("case_id", "status", "start_on", "end_on"):
            spells[case_id].append((status, start_on, end_on))
    return {
        (case.pk, month): spell_status_in_month(spells.get(case.pk, ()), month, case.assistance_status)
        for case in cases
        for month in months
    }


@transaction.atomic
def case_assistance_change(*, case: Case, status: str, effective_on: date, by: User) -> AssistanceSpell:
    """Record that the family's assistance status is ``status`` from ``effective_on``.

    Closes the open spell on the day before and opens the next. A date before the open spell
    began, in the future, or the status the family already has is refused (field errors). The
    months already closed out are not rewritten here: ``manage.py ledger_rederive`` (or the next
    redistribution of the case) re-derives their assignment from the spells.
    """
    if status not in AssistanceStatus.values:
        raise ValidationError({"status": f"Unknown assistance status; one of {', '.join(AssistanceStatus.values)}."})
    if not isinstance(effective_on, date):
        raise ValidationError({"effective_on": "Enter a date."})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "A change of assistance cannot take effect in the future."})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not AssistanceSpell.objects.filter(case=locked).exists():
        # A case loaded without spells: its present status has held since it opened.
        case_assistance_open(case=locked)
    open_spell = AssistanceSpell.objects.select_for_update().filter(case=locked, end_on__isnull=True).first()
    if open_spell is not None:
        if open_spell.status == status:
            raise ValidationError({"status": "The family already has this assistance status."})
        if effective_on <= open_spell.start_on:
            raise ValidationError({"effective_on": f"Must be after the open spell began ({open_spell.start_on})."})
        open_spell.end_on = effective_on - timedelta(days=1)
        open_spell.save(update_fields=["end_on"])
    user = by if getattr(by, "is_authenticated", False) else None
    spell = AssistanceSpell.objects.create(case=locked, status=status, start_on=effective_on, created_by=user)
    previous = locked.assistance_status
    locked.assistance_status = status
    locked.save(update_fields=["assistance_status", "updated_at"])
    case.assistance_status = status
    event_about(
        locked,
        verb="assistance.changed",
        by=by,
        summary=f"Assistance {previous} → {status} from {effective_on}",
        data={"from": previous, "to": status, "effective_on": effective_on.isoformat()},
    )
    return spell


def case_assistance_open(*, case: Case, by: User | None = None) -> AssistanceSpell:
    """The first spell of a new case (``case_create``): its status from the day it opened."""
    user = by if getattr(by, "is_authenticated", False) else None
    return AssistanceSpell.objects.create(
        case=case,
        status=case.assistance_status,
        start_on=case.opened_on or case.application_received_on,
        created_by=user,
    )


@transaction.atomic
def case_assistance_paid(*, case: Case, amount, paid_for: date, by: User) -> Decimal:
    """Add assistance paid to the family for the month of ``paid_for`` to the case's URA (as the
    TANF agency reports it). What the state retains from collections never exceeds the URA
    (42 USC 657(a)(1)); the excess goes to the family. Returns the new URA."""
    try:
        value = parse_amount(amount)
    except ValueError as exc:
        raise ValidationError({"amount": str(exc)}) from exc
    if not isinstance(paid_for, date) or paid_for > timezone.localdate():
        raise ValidationError({"paid_for": "Enter a month that has begun."})
    balance, _ = CaseBalance.objects.select_for_update().get_or_create(
        case=case, defaults={"current_month": month_start(timezone.localdate())}
    )
    balance.unreimbursed_assistance = (balance.unreimbursed_assistance or ZERO) + value
    balance.save(update_fields=["unreimbursed_assistance", "updated_at"])
    event_about(
        case,
        verb="assistance.paid_recorded",
        by=by,
        summary=f"Assistance paid for {month_start(paid_for):%Y-%m}: {value}; URA {balance.unreimbursed_assistance}",
        data={
            "amount": str(value),
            "month": month_start(paid_for).isoformat(),
            "ura": str(balance.unreimbursed_assistance),
        },
    )
    return balance.unreimbursed_assistance

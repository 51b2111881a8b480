"""Ending a support order: the child emancipated, the court vacated or terminated the order, custody
changed, the child died (docs/ledger.md "Ending an order").

Current support stops after the last day it is due (``ends_on``): each current line of the order
(current, medical, spousal support) ends on that day, so the accrual charges nothing after it
(``Obligation.end_on``, read by ``ledger_accrual``), and the order is *terminated*. What was
already charged for a due date after ``ends_on`` (the accrual runs through today; an order ended
on the 10th of a weekly order may have been charged on the 12th) is reversed by reversing entries
(``LedgerEntry.reversal``, never an UPDATE), and this month's collections are distributed again
(``case_redistribute``): what paid that charge now pays arrears, or is the excess of the policy.

Arrears stay owed and enforceable: ending an order ends current support, not the debt (42 USC
666(a)(9): past-due installments are judgments). An arrears-repayment line keeps running (its memo
charges are the payment plan on those arrears) unless ``arrears_end`` asks that it end too.

An end date in a month already closed out is refused: that month's unpaid support became arrears
at the close-out (a vested judgment), and a court that ends support retroactively is recorded by an
adjustment the ledger does not offer here. An order ended is no longer in force once its end date
has passed: a case without another order may then be closed under 45 CFR 303.11(b)(1)-(2).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import display_date
from core.db import ledger_writer
from core.money import ZERO
from core.reasons import reason_explained
from core.services import event_about
from core.stale import Shown, refuse_if_changed

from ..choices import Bucket, EntryType, ObligationKind, OrderEndReason, OrderStatus
from ..ledger_dates import month_start
from ..models import Case, LedgerEntry, Obligation, SupportOrder
from .ledger import _balances_save, _locked_balance, _refresh_derived, arrears_bucket_for, spells_of, status_in

CURRENT_KINDS = (ObligationKind.CURRENT_SUPPORT, ObligationKind.MEDICAL_SUPPORT, ObligationKind.SPOUSAL_SUPPORT)


def order_end_shown(order: SupportOrder) -> dict[str, str]:
    """What the end page shows that the decision rests on (``core.stale``): the order's status and
    each line's amount, frequency and end date."""
    lines = ";".join(
        f"{o.pk}:{o.kind}:{o.amount}:{o.frequency}:{o.end_on or ''}" for o in order.obligations.order_by("pk")
    )
    return {"status": order.status, "lines": lines}


def _lines_ending(obligations: list[Obligation], *, ends_on: date, arrears_end: bool) -> list[Obligation]:
    kinds = (*CURRENT_KINDS, ObligationKind.ARREARS_REPAYMENT) if arrears_end else CURRENT_KINDS
    return [o for o in obligations if o.kind in kinds and (o.end_on is None or o.end_on > ends_on)]


@transaction.atomic
def order_end(
    *,
    order: SupportOrder,
    ends_on: date,
    reason: str,
    by: User,
    reason_text: str = "",
    court_reference: str = "",
    arrears_end: bool = False,
    shown: Shown | None = None,
) -> SupportOrder:
    """End current support under ``order`` after ``ends_on`` (the last day it is due), by the rule
    of this module. Returns the order, terminated. Refused (nothing changed): a closed case, an
    order not in force (already ended, superseded), a stale page, an unknown reason, "other"
    without an explanation, an end date before the order or a line starts, in a month closed out,
    or still to come."""
    case = Case.objects.select_for_update().get(pk=order.case_id)
    order = SupportOrder.objects.select_for_update().get(pk=order.pk)
    obligations = list(order.obligations.select_for_update().order_by("pk"))
    if not case.is_open:
        raise ValidationError({"__all__": "The case is closed: its orders can no longer change."})
    if order.status == OrderStatus.TERMINATED:
        raise ValidationError({"__all__": f"Order {order} is already ended."})
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(
            {"__all__": f"Order {order} is {order.get_status_display().lower()}: end the version in force."}
        )
    refuse_if_changed(row=order, shown=shown, current=order_end_shown(order), labels={"lines": "order's lines"})
    reason_text = reason_explained(reason, reason_text, choices=OrderEndReason, why="the order ends")
    court_reference = (court_reference or "").replace("\x00", "").strip()
    if len(reason_text) > 300 or len(court_reference) > 100:
        raise ValidationError({"__all__": "The explanation or the court reference is too long."})
    today = timezone.localdate()
    if ends_on < order.effective_on:
        raise ValidationError(
            {"ends_on": f"The order takes effect on {display_date(order.effective_on)}: it cannot end before that."}
        )
    if ends_on > today:
        # Until its last day the order is in force for everything that reads it (withholding, the
        # new-hire match, the measures): its end is recorded once that day has come.
        raise ValidationError(
            {"ends_on": "That day is still to come: record the end on or after it (until then the order is in force)."}
        )
    ending = _lines_ending(obligations, ends_on=ends_on, arrears_end=arrears_end)
    for line in ending:
        if line.start_on > ends_on:
            raise ValidationError(
                {"ends_on": f"{line} begins on {display_date(line.start_on)}: the order cannot end before that."}
            )

    ledger_writer()
    spells = spells_of([case.pk])
    balance = _locked_balance(case, on=today, spells=spells)
    this_month = balance.current_month or month_start(today)
    if month_start(ends_on) < this_month:
        raise ValidationError(
            {
                "ends_on": f"{ends_on:%B %Y} is closed: its unpaid support is already arrears (42 USC 666(a)(9)). "
                f"Enter a date from {display_date(this_month)} on; a court order that ends support "
                "retroactively needs an adjustment by the ledger staff."
            }
        )

    # Charges already made for due dates after the end: reversed, and the balance moved by them.
    charged = list(
        LedgerEntry.objects.filter(
            obligation__in=ending, entry_type=EntryType.CHARGE, due_on__gt=ends_on, reversed_by__isnull=True
        ).order_by("due_on", "pk")
    )
    why = f"order {order} ended {display_date(ends_on)}"
    reversals = []
    for charge in charged:
        bucket = charge.bucket
        if bucket == Bucket.CURRENT and month_start(charge.due_on or charge.posted_on) < this_month:
            bucket = arrears_bucket_for(status_in(spells, case, month_start(charge.due_on)))
        reversals.append(charge.reversal(bucket=bucket, on=today, reason=why))
        if bucket == Bucket.CURRENT:
            balance.current_due_month -= charge.amount
        elif bucket == Bucket.ARREARS_UNASSIGNED:
            balance.unassigned_arrears -= charge.amount
        elif bucket == Bucket.ARREARS_ASSIGNED:
            balance.assigned_arrears -= charge.amount
    LedgerEntry.objects.bulk_create(reversals)
    _refresh_derived(balance, on=today)
    _balances_save([balance])
    changes: list[dict] = []
    if any(r.bucket for r in reversals):
        # This month's collections paid current support that is no longer due: distribute them
        # again (what paid the reversed charge pays arrears, or is the policy's excess).
        from .ledger_redistribute import case_redistribute

        case_redistribute(
            case=case,
            balance=balance,
            from_date=this_month,
            on=today,
            by=by,
            spells=spells,
            reason=why,
            changes_out=changes,
        )

    for line in ending:
        line.end_on = ends_on
        line.save(update_fields=["end_on", "updated_at"])
    order.status = OrderStatus.TERMINATED
    order.save(update_fields=["status", "updated_at"])
    from .cases import _balance_obligation_refresh

    _balance_obligation_refresh(case)
    reversed_total = sum((c.amount for c in charged if c.bucket), ZERO)
    event_about(
        order,
        verb="order.ended",
        by=by,
        summary=f"Order {order} ended: support due through {display_date(ends_on)}"
        f" ({OrderEndReason(reason).label.lower()}{': ' + reason_text if reason_text else ''})"
        + (f", court reference {court_reference}" if court_reference else "")
        + (f"; {len(charged)} charge(s) after it reversed ({reversed_total})" if charged else "")
        + (f"; {len(changes)} collection(s) redistributed" if changes else "")
        + ("; the arrears-repayment line ends too" if arrears_end else ""),
        data={
            "ends_on": ends_on.isoformat(),
            "reason": reason,
            "reason_text": reason_text,
            "court_reference": court_reference,
            "arrears_end": arrears_end,
            "lines_ended": [o.pk for o in ending],
            "charges_reversed": [[c.pk, c.due_on.isoformat() if c.due_on else "", str(c.amount)] for c in charged],
            "redistributed": changes,
        },
    )
    return order


def current_support_due_q(*, on: date):
    """The orders of a case with current support still due on ``on``: active, or ended with a
    current line that runs to ``on`` or later (the end date is the last day support is due). Not
    withholding's ``order_in_force_q``, which also counts an ended order whose arrears repayment
    still runs."""
    from django.db.models import Q

    return Q(status=OrderStatus.ACTIVE) | Q(
        status=OrderStatus.TERMINATED, obligations__kind__in=CURRENT_KINDS, obligations__end_on__gte=on
    )

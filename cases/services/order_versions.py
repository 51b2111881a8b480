"""A new version of a support order: review and adjustment (``reviews``), a court's order on a
petition (``court_orders``) and an amended order recorded on the case page (``cases.order_create``).

The rule (docs/ledger.md "Changing an order"). An order is owed in installments, each charged in
full on its due date for the period it opens (a month, a week ...). A change asked to take effect
on a day takes effect from the order's **first due date on or after that day**: the installment
already due (the month charged on the 1st) is not charged again, the next one is charged at the
new terms, and the due day stays the order's (a monthly order due on the 15th stays due on the
15th). Each line of the version in force ends the day before its next due date and the line that
continues it begins on that due date, whatever its new frequency (weekly to monthly, monthly to
every two weeks). A line the old version did not have begins on the date asked for: nothing was
charged for it. A date on or before the last due date charged is refused: the new version never
rewrites past charges (no retroactive modification, 42 USC 666(a)(9)). Without a date, the change
takes effect from the first due date not charged yet, on or after today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.dates import display_date
from core.services import event_about

from ..choices import ObligationKind, OrderStatus
from ..ledger_dates import next_due_on
from ..models import Obligation, SupportOrder
from ..selectors import order_next_version


@dataclass(frozen=True)
class ObligationData:
    """An obligation line of an order, as asked for (``cases.order_create``, a new version here): it
    begins on ``start_on`` or, in a new version when it continues a line of the version in force
    (the first running line of its kind), on that line's first due date on or after it."""

    kind: str
    amount: Decimal
    frequency: str
    start_on: date
    end_on: date | None = None


def obligation_create(*, order: SupportOrder, line: ObligationData, start_on: date) -> Obligation:
    """The obligation of ``order`` that ``line`` asks for, beginning on ``start_on`` (the caller's
    transaction: a new order's lines, a new version's)."""
    obligation = Obligation(
        order=order,
        kind=line.kind,
        amount=line.amount,
        frequency=line.frequency,
        start_on=start_on,
        end_on=line.end_on,
    )
    obligation.full_clean()
    obligation.save()
    return obligation


def order_supersede(
    *,
    order: SupportOrder,
    effective_on: date | None,
    lines: Sequence[ObligationData] | None = None,
    current_support: tuple[Decimal, str] | None = None,
    issued_on: date | None = None,
    kind: str | None = None,
    court_name: str | None = None,
    by: User | None = None,
) -> SupportOrder:
    """Make the next version of ``order`` (which becomes superseded) from ``effective_on`` (None:
    the first due date not charged yet, on or after today), by the rule of this module.

    ``lines``: the whole new version (an amended order recorded as issued); a running line of the
    old version that no new line continues ends all the same. ``lines=None``: the running lines
    carry over, current support at ``current_support`` (amount, frequency) when given.

    The new version's ``effective_on`` is the first date one of its lines begins; one
    "order.modified" event says when each begins and the date asked for."""
    order = SupportOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(
            f"Order {order} is {order.get_status_display().lower()}: only the version in force changes."
        )
    obligations = list(order.obligations.select_for_update().order_by("id"))
    last_charged = max((o.accrued_through for o in obligations if o.accrued_through), default=None)
    if effective_on is None:
        effective_on = timezone.localdate()
        if last_charged and effective_on <= last_charged:
            effective_on = last_charged + timedelta(days=1)
    elif last_charged and effective_on <= last_charged:
        raise ValidationError(
            {
                "effective_on": f"Charges are posted through {display_date(last_charged)}: the new "
                "amount can take effect only after that (42 USC 666(a)(9))."
            }
        )
    if effective_on <= order.effective_on:
        raise ValidationError({"effective_on": "The new version must take effect after the current one."})

    # The old lines still running on the change date: those with a due date on or after it.
    running = [
        o
        for o in obligations
        if o.end_on is None or o.end_on >= next_due_on(frequency=o.frequency, start_on=o.start_on, on=effective_on)
    ]
    if lines is None:
        lines = [
            ObligationData(
                kind=o.kind,
                amount=current_support[0] if current_support and o.kind == ObligationKind.CURRENT_SUPPORT else o.amount,
                frequency=(
                    current_support[1] if current_support and o.kind == ObligationKind.CURRENT_SUPPORT else o.frequency
                ),
                start_on=effective_on,
                end_on=o.end_on,
            )
            for o in running
        ]
    # Each new line begins where the old line it continues stops; each running old line stops at
    # its next due date on or after the change.
    stops = {o.pk: next_due_on(frequency=o.frequency, start_on=o.start_on, on=effective_on) for o in running}
    starts: list[date] = []
    unmatched = list(running)
    for line in lines:
        asked = max(line.start_on, effective_on)
        old = next((o for o in unmatched if o.kind == line.kind), None)
        if old is None:
            starts.append(asked)
            continue
        unmatched.remove(old)
        stops[old.pk] = next_due_on(frequency=old.frequency, start_on=old.start_on, on=asked)
        starts.append(stops[old.pk])
    for old in running:
        if stops[old.pk] <= old.start_on:
            raise ValidationError(
                {
                    "effective_on": f"{old} of order {order} begins on {display_date(old.start_on)}: change it after that."
                }
            )

    new = SupportOrder(
        case=order.case,
        order_number=order.order_number,
        kind=kind or order.kind,
        court_name=order.court_name if court_name is None else court_name,
        issued_on=issued_on or timezone.localdate(),
        effective_on=min(starts, default=effective_on),
        version=order_next_version(case=order.case, order_number=order.order_number),
        supersedes=order,
        status=OrderStatus.ACTIVE,
        health_coverage_required=order.health_coverage_required,
    )
    new.full_clean()
    new.save()
    order.status = OrderStatus.SUPERSEDED
    order.save(update_fields=["status", "updated_at"])
    for old in running:  # never later than an end it already had
        old.end_on = min(stops[old.pk] - timedelta(days=1), old.end_on or date.max)
        old.save(update_fields=["end_on", "updated_at"])
    created = [
        obligation_create(order=new, line=line, start_on=start_on) for line, start_on in zip(lines, starts, strict=True)
    ]
    moved = f" (asked for {display_date(effective_on)}: the first due date on or after it)"
    event_about(
        new,
        verb="order.modified",
        by=by,
        summary=f"Order {order.order_number} v{new.version}: "
        + "; ".join(f"{o} from {display_date(o.start_on)}" for o in created)
        + (moved if new.effective_on != effective_on else ""),
        data={
            "supersedes": order.pk,
            "requested_on": effective_on.isoformat(),
            "effective_on": new.effective_on.isoformat(),
            "obligations": [
                {"kind": o.kind, "amount": str(o.amount), "frequency": o.frequency, "start_on": o.start_on.isoformat()}
                for o in created
            ],
            **({"monthly": str(current_support[0])} if current_support else {}),
        },
    )
    return new

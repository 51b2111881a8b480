"""Orders that result from a court action (enforcement's petitions feed them back here).

A modification makes a new version of the case's active order, from the order's first due date on
or after the court's effective date (no period charged twice, no retroactive change of arrears,
42 USC 666(a)(9): ``order_versions``); an establishment or paternity petition creates the case's
first court order with its current support obligation, from the court's effective date whatever
day of the month it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.services import event_about

from ..choices import Frequency, ObligationKind, OrderKind, OrderStatus
from ..models import Case, Obligation, SupportOrder
from .reviews import _order_new_version


@transaction.atomic
def order_create_from_court(
    *,
    case: Case,
    order_number: str,
    court_name: str,
    monthly: Decimal,
    effective_on: date,
    by: User | None = None,
    issued_on: date | None = None,
) -> SupportOrder:
    """Record the order a court issued on a petition; returns the new (or new version of the) order."""
    if monthly < 0:
        raise ValidationError({"monthly_amount": "The amount cannot be negative."})
    active = (
        SupportOrder.objects.select_for_update()
        .filter(case=case, status=OrderStatus.ACTIVE)
        .order_by("-effective_on", "-version")
        .first()
    )
    if active is not None:
        return _order_new_version(order=active, monthly=monthly, effective_on=effective_on, by=by, issued_on=issued_on)
    order = SupportOrder(
        case=case,
        order_number=order_number.strip()[:40],
        kind=OrderKind.COURT,
        court_name=court_name[:200],
        issued_on=issued_on or timezone.localdate(),
        effective_on=effective_on,
        status=OrderStatus.ACTIVE,
        version=1,
    )
    order.full_clean()
    order.save()
    Obligation.objects.create(
        order=order,
        kind=ObligationKind.CURRENT_SUPPORT,
        amount=monthly,
        frequency=Frequency.MONTHLY,
        start_on=effective_on,
    )
    event_about(
        order,
        verb="order.established",
        by=by,
        summary=f"Court order {order.order_number}: {monthly}/month from {effective_on}",
    )
    return order

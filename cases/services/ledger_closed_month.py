"""A batch's collections of a month already closed out, distributed without redistributing the case.

A payment file received on December 2 carries pay dates of late November: under 45 CFR
302.51(a)(1) each pays the current support due in its *month of collection* first. When no
collection dated later than it has been distributed to the case (the usual case), nothing has
to be distributed again: the collection pays what is left unpaid of its month's current support
— which the month's close-out moved into the arrears bucket of that month's assistance status —
and then arrears in the federal order. This module plans those collections in memory for a whole
batch, with two queries for every (case, month) the batch touches, exactly as
``ledger_redistribute.case_redistribute`` would plan a single collection collected after every
other one; only collections collected *before* one already distributed still go through that
redistribution.

A month of current assistance (pass-through per month) is left to the redistribution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.money import ZERO

from .. import allocation as rules
from ..ledger_dates import month_start, next_month
from ..models import Case, CaseBalance
from .ledger import (
    SpellMap,
    _after_payment,
    _refresh_derived,
    arrears_bucket_for,
    status_in,
)
from .ledger_redistribute import (
    closed_month_distribute,
    current_support_charged,
    current_support_paid,
)


@dataclass
class ClosedMonths:
    """Current support due in each (case, closed month), and what was already paid of it."""

    due: dict[tuple[int, date], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    paid: dict[tuple[int, date], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))


def closed_months_read(pairs: set[tuple[int, date]]) -> ClosedMonths:
    """Due and paid for every (case id, month) of ``pairs``: two queries for the batch."""
    state = ClosedMonths()
    if not pairs:
        return state
    case_ids = sorted({case_id for case_id, _ in pairs})
    first, end = min(month for _, month in pairs), next_month(max(month for _, month in pairs))
    for case_id, due_on, amount in current_support_charged(first, end, case_id__in=case_ids).values_list(
        "case_id", "due_on", "amount"
    ):
        key = (case_id, month_start(due_on))
        if key in pairs:
            state.due[key] += amount
    for case_id, collected_on, amount in current_support_paid(first, end, case_id__in=case_ids).values_list(
        "case_id", "collection__collected_on", "amount"
    ):
        key = (case_id, month_start(collected_on))
        if key in pairs:
            state.paid[key] += amount
    return state


def closed_month_eligible(*, case: Case, collected_on: date, spells: SpellMap) -> bool:
    """Whether a collection of a closed month can be planned here: its month is not a month of
    current assistance (the per-month pass-through is the redistribution's)."""
    return status_in(spells, case, month_start(collected_on)) != rules.CURRENT_ASSISTANCE


def closed_month_plan(
    *,
    case: Case,
    balance: CaseBalance,
    collected_on: date,
    received_on: date,
    source: str,
    amount: Decimal,
    spells: SpellMap,
    state: ClosedMonths,
    policy: str,
    on: date,
    former_assigned_to_family: bool = False,
) -> tuple[rules.Distribution, str]:
    """Distribute one collection of a closed month and apply it to ``balance`` and ``state``.
    Returns the distribution and the arrears bucket the month's current support went to."""
    month = month_start(collected_on)
    key = (case.pk, month)
    status = status_in(spells, case, month)
    month_bucket = arrears_bucket_for(status)
    distribution = closed_month_distribute(
        balance,
        assistance_status=status,
        month_bucket=month_bucket,
        unpaid=state.due[key] - state.paid[key],
        source=source,
        amount=amount,
        pass_through_available=ZERO,
        policy=policy,
        former_assigned_to_family=former_assigned_to_family,
    )
    state.paid[key] += distribution.paid(bucket=rules.CURRENT)
    _after_payment(balance, distribution, received_on=received_on, amount=amount, collected_on=collected_on)
    _refresh_derived(balance, on=on)
    return distribution, month_bucket

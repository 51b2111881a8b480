"""A late accrual run now dates delinquency from the oldest charge it puts straight into arrears
(``ledger_accrual.ARREARS_BUCKETS``). For an order issued today with support retroactive to an
earlier date (the usual paternity / first order: support from the date of application, N.Y. Fam.
Ct. Act 449(2), Cal. Fam. Code 4009), that dates the parent "delinquent" from before the order
existed: the notice prints "Delinquent since" a day when nothing was yet ordered, and every
"more than N days past due" rule fires the day the order is entered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from cases import services
from cases.models import CaseBalance
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 11, 20)


def _ordered(*, issued: date, effective: date, **case_fields):
    """A case with an order of $500 a month issued on ``issued``, support from ``effective``."""
    case = CaseFactory(**case_fields)
    order = SupportOrderFactory(case=case, issued_on=issued, effective_on=effective)
    ObligationFactory(order=order, amount=Decimal("500.00"))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": Decimal("500.00")})
    return case


def test_a_retroactive_order_is_not_delinquent_before_it_was_issued():
    with time_machine.travel(datetime(2026, 11, 23, 17, tzinfo=UTC), tick=False):
        case = _ordered(issued=ISSUED, effective=date(2025, 1, 1))
        services.charges_accrue(through=date(2026, 11, 23))
    balance = CaseBalance.objects.get(case=case)
    assert balance.total_arrears > 0
    assert balance.delinquent_since is None or balance.delinquent_since >= ISSUED, (
        f"delinquent since {balance.delinquent_since}, before the order was issued on {ISSUED}"
    )


def test_a_ca_retroactive_order_entered_today_is_not_proposed_for_licence_suspension_at_once():
    # CA licence suspension: more than 4 months of support owed AND more than N days past due
    from enforcement.models import EnforcementAction
    from enforcement.services.sweep import sweep_run_inline

    on = date(2026, 11, 23)
    with time_machine.travel(datetime(2026, 11, 23, 17, tzinfo=UTC), tick=False):
        case = _ordered(issued=ISSUED, effective=date(2025, 1, 1), jurisdiction="CA")
        services.charges_accrue(through=on)
        run = sweep_run_inline(as_of=on)
    assert run.errors == 0
    assert not EnforcementAction.objects.filter(case=case, remedy="license_suspension").exists(), (
        "licence suspension proposed three days after the order was issued, as if unpaid since Feb 2025"
    )


def test_an_order_issued_after_its_first_months_is_delinquent_from_its_issue_date_not_later():
    # Support from Jan 1, order issued Mar 15, first run in June: at the order, January's and
    # February's support were already owed in full (a month's worth): delinquent from Mar 15.
    issued = date(2026, 3, 15)
    with time_machine.travel(datetime(2026, 6, 3, 17, tzinfo=UTC), tick=False):
        case = _ordered(issued=issued, effective=date(2026, 1, 1))
        services.charges_accrue(through=date(2026, 6, 3))
    assert CaseBalance.objects.get(case=case).delinquent_since == issued

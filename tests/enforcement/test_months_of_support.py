"""A rule in months of support (licence suspension) is met by money, not by a rounded ratio.

NY DRL 244-b(a) (and FCA 458-a): "support arrears equivalent to or greater than the amount of
support due pursuant to such judgment or order for a period of four months"; CA Fam. Code 17520:
more than four months in arrears. The sweep and the notice check compare the arrears with the
months' support in dollars (``months_min`` x the monthly obligation). ``months_in_arrears`` is a
figure to read, cut (not rounded) to two places, so that 3.995 months never reads 4.00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from cases.models import CaseBalance
from cases.services import charges_accrue, collection_post
from cases.services.ledger import months_in_arrears
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import RuleNoLongerMet, action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
D = Decimal
LATER = AS_OF + timedelta(days=10)


def licence_proposed(case) -> bool:
    return EnforcementAction.objects.filter(case=case, remedy=Remedy.LICENSE_SUSPENSION).exists()


# --- from the ledger: an order, its charges, a payment, the sweep ---------------------------------


def _case_with(*, amount: str, frequency: str, jurisdiction: str = "NY"):
    """An open case whose one current support obligation (from 2024-02-01) is ``amount`` every
    ``frequency``; the ledger works out its monthly figure."""
    case = CaseFactory(jurisdiction=jurisdiction)
    ObligationFactory(order=SupportOrderFactory(case=case), amount=D(amount), frequency=frequency)
    return case


def _owe(case, arrears: str, *, on: date) -> CaseBalance:
    """Accrue through ``on`` and post the payment that pays this month's support and leaves
    ``arrears`` owed (a payment pays the month it is received in first, 45 CFR 302.51(a))."""
    charges_accrue(through=on)
    b = CaseBalance.objects.get(case=case)
    payment = b.current_due_month - b.current_paid_month + b.total_arrears - D(arrears)
    collection_post(
        case_number=case.case_number,
        amount=payment,
        received_on=on,
        source="direct_payment",
        source_reference=f"P-{case.pk}",
        received_via="form",
    )
    b.refresh_from_db()
    assert b.total_arrears == D(arrears)
    return b


def test_ny_no_licence_suspension_for_3995_dollars_owed_on_1000_a_month():
    """The reviewer's case: $1,000 a month from February 2024, accrued through June 15 and $1,005
    paid: $3,995 owed, 3.995 months of support, which was stored as 4.00 and met "at least 4"."""
    on = date(2024, 6, 15)
    with time_machine.travel(datetime(2024, 6, 15, 17, tzinfo=UTC), tick=False):
        case = _case_with(amount="1000.00", frequency="monthly")
        b = _owe(case, "3995.00", on=on)
        run = sweep_run_inline(as_of=on)
    assert run.errors == 0, run.error_detail
    assert not licence_proposed(case)
    assert b.months_in_arrears == D("3.99")  # what the pages show: never 4.00 for less than 4 months


@pytest.mark.parametrize(("arrears", "expected"), [("1733.31", False), ("1733.32", True)])
def test_ny_licence_suspension_on_a_weekly_order_counts_months_by_its_monthly_figure(arrears, expected):
    """$100 a week is $433.33 a month (x 52 / 12, to the cent); four months of support $1,733.32."""
    on = date(2024, 7, 15)
    with time_machine.travel(datetime(2024, 7, 15, 17, tzinfo=UTC), tick=False):
        case = _case_with(amount="100.00", frequency="weekly")
        b = _owe(case, arrears, on=on)
        run = sweep_run_inline(as_of=on)
    assert run.errors == 0, run.error_detail
    assert b.monthly_obligation == D("433.33")
    assert licence_proposed(case) is expected
    assert b.months_in_arrears == D("3.99") if arrears == "1733.31" else D("4.00")


@pytest.mark.parametrize(("arrears", "expected"), [("4000.00", False), ("4000.01", True)])
def test_ca_licence_suspension_just_over_four_months_of_support(arrears, expected):
    """More than 4 months: $4,000.01 on $1,000 a month is more (it was stored 4.00: not more)."""
    with time_machine.travel(datetime(2024, 6, 1, 17, tzinfo=UTC), tick=False):
        case = _case_with(amount="1000.00", frequency="monthly", jurisdiction="CA")
        # One catch-up run: February's charge went unpaid, so delinquent from March 1 (as daily runs
        # would have dated it), more than 30 days by July 15.
        charges_accrue(through=date(2024, 6, 1))
    on = date(2024, 7, 15)
    with time_machine.travel(datetime(2024, 7, 15, 17, tzinfo=UTC), tick=False):
        assert _owe(case, arrears, on=on).delinquent_since == date(2024, 3, 1)
        run = sweep_run_inline(as_of=on)
    assert run.errors == 0, run.error_detail
    assert licence_proposed(case) is expected


# --- the notice check: the same comparison on the notice date ------------------------------------


def _licence_action(case) -> EnforcementAction:
    assert sweep_run_inline(as_of=AS_OF).errors == 0
    return EnforcementAction.objects.get(case=case, remedy=Remedy.LICENSE_SUSPENSION)


def _pay_down(case, arrears: str, *, monthly: str | None = None) -> None:
    """The balance after a payment (or an order's end): arrears, monthly figure and the months the
    ledger would store for them."""
    b = CaseBalance.objects.get(case=case)
    monthly_value = D(monthly) if monthly is not None else b.monthly_obligation
    CaseBalance.objects.filter(case=case).update(
        total_arrears=D(arrears),
        unassigned_arrears=D(arrears),
        assigned_arrears=0,
        monthly_obligation=monthly_value,
        months_in_arrears=months_in_arrears(D(arrears), monthly_value),
    )


def test_ny_notice_refused_when_a_payment_leaves_less_than_four_months_of_support():
    case = delinquent_case(monthly="1000.00", unassigned="4000.00")
    action = _licence_action(case)
    _pay_down(case, "3995.00")  # $5 paid since the sweep
    with pytest.raises(RuleNoLongerMet) as refused:
        action_notice_issue(action=action, by=None, on=LATER)
    assert refused.value.reason == (
        "Arrears are $3,995.00 on December 03, 2026; the rule needs at least 4 months of support: "
        "arrears of at least $4,000.00 at $1,000.00 a month."
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


def test_ca_notice_issued_just_over_four_months_of_support_and_refused_at_four():
    case = delinquent_case(jurisdiction="CA", monthly="1000.00", unassigned="4500.00", days_past_due=120)
    action = _licence_action(case)
    _pay_down(case, "4000.00")
    with pytest.raises(RuleNoLongerMet, match=r"more than \$4,000\.00 at \$1,000\.00 a month"):
        action_notice_issue(action=action, by=None, on=LATER)
    _pay_down(case, "4000.01")
    issued = action_notice_issue(action=action, by=None, on=LATER)
    assert (issued.status, issued.notice_total_arrears) == (ActionStatus.NOTICED, D("4000.01"))
    assert issued.notice_months_in_arrears == D("4.00")


def test_notice_refused_when_the_order_no_longer_charges_support_a_month():
    case = delinquent_case(monthly="1000.00", unassigned="6000.00")
    action = _licence_action(case)
    _pay_down(case, "6000.00", monthly="0.00")  # the order ended: arrears stay, nothing is due a month
    with pytest.raises(RuleNoLongerMet) as refused:
        action_notice_issue(action=action, by=None, on=LATER)
    assert refused.value.reason == (
        "The case has no monthly support obligation to count months of support by; the rule needs at least 4 "
        "months of support."
    )

"""Red team (rtletters): the IWO told a weekly-paying employer two different weekly amounts.
"Order Information" summed the lines rounded one by one ("Total Amount to Withhold of $106.93 per
week"); "Amounts to Withhold" rounded the monthly total once ("$106.92 per weekly pay period"). The
order's own pay cycle now states the total of its lines in both places (``iwo_figures``), on the
PDF and in the e-IWO record; another pay cycle restates the monthly total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Obligation
from enforcement.iwo import iwo_pdf
from enforcement.services.eiwo import detail_record
from enforcement.services.withholding import ORDERED_AMOUNTS, iwo_reconcile_action, sdu_for
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def test_the_weekly_total_and_the_weekly_pay_period_amount_agree():
    # given: $100 a week of current support, and $10 a month each of arrears repayment, medical and spousal
    action = active_withholding_action()
    Obligation.objects.filter(order__case=action.case).update(amount=Decimal("100.00"), frequency="weekly")
    for kind in ("arrears_repayment", "medical_support", "spousal_support"):
        add_obligation(action.case, kind=kind, amount="10.00")
    # when: the IWO is issued
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    text = pdf_text(iwo_pdf(iwo))
    record = detail_record(iwo, ssn="", sdu=sdu_for(action.case.jurisdiction), on=ON)
    # then: the employer who pays weekly reads one weekly amount, the sum of the lines
    assert iwo.order_frequency == "weekly"
    assert iwo.total_per_frequency == iwo.per_weekly == sum(getattr(iwo, name) for name in ORDERED_AMOUNTS)
    assert iwo.per_weekly == Decimal("106.93")
    assert f"Total Amount to Withhold of $ {iwo.per_weekly:,.2f} per week" in text
    assert f"$ {iwo.per_weekly:,.2f} per weekly pay period" in text
    assert record["total_amount"] == record["weekly_amount"] == iwo.per_weekly
    # another pay cycle is the monthly total restated: $433.33 + $30 a month
    assert iwo.per_monthly == Decimal("463.33")

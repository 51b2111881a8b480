"""Red team (rtletters): every IWO told the employer to begin withholding "no later than the first
pay period that occurs 14 days after" the order (one number for every state). California's law is
10 days: Fam. Code 5233, "not later than 10 days after service of the order on the employer, the
employer shall commence withholding"; New York's is 14, CPLR 5241(g)(1). The number is a dated
legal parameter per state (``ny.iwo.start_days``, ``ca.iwo.start_days``), frozen on the order and
stated alike by the PDF and the e-IWO record."""

from __future__ import annotations

from datetime import date

import pytest

from enforcement.iwo import iwo_pdf
from enforcement.services.eiwo import detail_record
from enforcement.services.withholding import iwo_reconcile_action, sdu_for
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


@pytest.mark.parametrize(("jurisdiction", "state", "days"), [("CA", "California", 10), ("NY", "New York", 14)])
def test_an_iwo_gives_the_issuing_state_s_own_time_to_begin_withholding(jurisdiction, state, days):
    # given: an active income withholding action in the state
    action = active_withholding_action(jurisdiction=jurisdiction)
    # when: the order is issued
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    text = pdf_text(iwo_pdf(iwo))
    record = detail_record(iwo, ssn="", sdu=sdu_for(jurisdiction), on=ON)
    # then: the PDF and the e-IWO record state the state's days, counted from service
    assert iwo.begin_withholding_days == days
    assert (
        f"principal place of employment is {state}, you must begin withholding no later than the first pay period "
        f"that occurs {days} days after the date of service of this order on you" in text
    )
    assert record["begin_withholding_days"] == days

"""Red team (rtletters): a TERMINATION of IWO told the employer to "Stop withholding for this
order from the next pay period" and then, in the Remittance Information printed for every kind,
"you must begin withholding no later than the first pay period that occurs 14 days after ...
withhold up to 55% of disposable income for all orders". A termination now says only that
withholding stops and where to send what was already withheld."""

from __future__ import annotations

from datetime import date

import pytest

from enforcement.iwo import iwo_pdf
from enforcement.models import IncomeWithholdingOrder
from enforcement.services.actions import action_end
from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def test_a_termination_does_not_tell_the_employer_to_begin_withholding():
    # given: an order in force, then the action ended (paid in full)
    action = active_withholding_action()
    original = pdf_text(iwo_pdf(iwo_reconcile_action(action=action, on=ON)[0]))
    action_end(action=action, by=None, release=True, reason="paid_up", note="paid in full", on=ON)
    # when: the termination is printed
    termination = IncomeWithholdingOrder.objects.get(kind="TRM")
    text = pdf_text(iwo_pdf(termination))
    # then: stop, and send what was withheld to the SDU; nothing about beginning or limits
    assert "Stop withholding for this order" in text
    assert "already withheld for it within 7 working days" in text and "NYS Child Support Processing Center" in text
    assert "you must begin withholding" not in text
    assert "withhold up to" not in text and "withhold no more than 50%" not in text
    # the original still says both
    assert "you must begin withholding" in original and "withhold up to" in original

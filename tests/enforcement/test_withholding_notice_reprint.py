"""The notice of intended income withholding, shown again or reprinted after the notice date, says
what the sent notice said (red team rtletters: after the NCP paid the arrears the same dated notice
said "withhold $433.33 a month" instead of the $533.33 sent, and its pay-period table changed:
``iwo_figures`` read today's CaseBalance). 42 USC 666(b)(4)(B): the notice states what the employer
is told; the office must be able to show what it told the parent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.models import CaseBalance
from core.letters import letter_text
from enforcement.choices import ActionStatus
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter
from enforcement.services.actions import action_notice_issue
from enforcement.services.withholding import notice_withholding_record
from tests.enforcement.factories import AS_OF
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation, set_arrears

pytestmark = pytest.mark.django_db
TABLE = [
    ("To be withheld if you are paid every week", "$123.08"),
    ("To be withheld if you are paid every two weeks", "$246.15"),
    ("To be withheld if you are paid twice a month", "$266.67"),
    ("To be withheld if you are paid once a month", "$533.33"),
]


def _proposed(**kwargs) -> EnforcementAction:
    action = active_withholding_action(monthly="433.33", arrears="2600.00", status="proposed", **kwargs)
    EnforcementAction.objects.filter(pk=action.pk).update(
        notice_issued_on=None, notice_total_arrears=None, taken_on=None, contest_opens_on=None, contest_ends_on=None
    )
    add_obligation(action.case, kind="arrears_repayment", amount="100.00")
    return EnforcementAction.objects.get(pk=action.pk)


def _shown(action: EnforcementAction) -> tuple[str, list[tuple[str, str]]]:
    letter = notice_letter(EnforcementAction.objects.get(pk=action.pk), language="en")
    return letter_text(letter), [row for row in letter.figures if row[0].startswith("To be withheld")]


def test_an_issued_notice_shown_again_states_the_withholding_it_was_issued_with():
    # given: a notice issued on November 23, 2026: $433.33 current support + $100.00 toward $2,600 arrears
    action = action_notice_issue(action=_proposed(), by=None, on=AS_OF)
    assert action.status == ActionStatus.NOTICED
    sent_text, sent_table = _shown(action)
    assert "withhold $533.33 a month" in sent_text and sent_table == TABLE
    assert (action.notice_withhold_monthly, action.notice_withhold_limit_percent) == (Decimal("533.33"), 55)
    # when: the arrears are paid in full and the order gains a line after the notice
    set_arrears(action.case, "0.00")
    assert CaseBalance.objects.get(case=action.case).total_arrears == Decimal("0.00")
    add_obligation(action.case, kind="spousal_support", amount="200.00")
    # then: the notice shown again is the notice sent
    assert _shown(action) == (sent_text, sent_table)


def test_a_notice_issued_before_the_figures_were_kept_does_not_change_when_the_arrears_are_paid():
    """A notice issued before enforcement 0029 has no kept figures: computed on its date, its past-due
    line follows the arrears the notice states ($2,600), not the arrears paid off since. (Its CCPA
    limit still reads today's balance: the age of what is owed is not kept on the action.)"""
    action = active_withholding_action(monthly="433.33", arrears="2600.00", status="noticed")
    add_obligation(action.case, kind="arrears_repayment", amount="100.00")
    assert action.notice_withhold_monthly is None
    sent_text, sent_table = _shown(action)
    assert "withhold $533.33 a month" in sent_text and sent_table == TABLE
    set_arrears(action.case, "0.00")
    shown_text, shown_table = _shown(action)
    assert "withhold $533.33 a month" in shown_text and shown_table == sent_table


def test_the_kept_figures_follow_the_arrears_the_notice_states_not_todays_balance():
    """``notice_withholding_record`` decides the past-due line by the notice's own arrears
    (``notice_total_arrears``), the rule a notice issued before the figures were kept follows."""
    action = _proposed()
    action.notice_total_arrears = Decimal("2600.00")
    set_arrears(action.case, "0.00")  # today's balance says none owed; the notice states $2,600
    notice_withholding_record(action, on=AS_OF)
    assert action.notice_withhold_monthly == Decimal("533.33")

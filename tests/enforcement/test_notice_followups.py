"""Enforcement notice follow-ups (fix/lettersb, 84df250; red team rt2b).

1. The withholding a notice of income withholding states is kept on the action
   (``notice_withhold_weekly`` … ``notice_withhold_limit_percent``, enforcement 0029): "the office
   must be able to show what it told the parent" (42 USC 666(b)(4)(B)). The partner API's
   representation of the action (``EnforcementActionSerializer``, also what ``issue-notice``
   answers) gives these next to the notice's arrears, so a partner agency that issued the notice
   through the API can read what it told the NCP the employer would withhold.
2. A notice that could not be sent (no postal address) opens one work item for the action
   (``enforcement-notice-unsent:{pk}``, no date in the key): trying again another day, by someone
   or by a partner's client through the API, reuses the open item instead of adding another to
   the caseworker's queue.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import NoticeNotSent, action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation

pytestmark = pytest.mark.django_db


def test_the_api_shows_the_withholding_a_notice_stated(api_client_with):
    action = active_withholding_action(monthly="433.33", arrears="2600.00", status="proposed")
    EnforcementAction.objects.filter(pk=action.pk).update(
        notice_issued_on=None, notice_total_arrears=None, taken_on=None, contest_opens_on=None, contest_ends_on=None
    )
    add_obligation(action.case, kind="arrears_repayment", amount="100.00")
    action = action_notice_issue(action=EnforcementAction.objects.get(pk=action.pk), by=None, on=AS_OF)
    assert action.status == ActionStatus.NOTICED and action.notice_withhold_monthly is not None
    api = api_client_with("enforcement:read", agency="State Office")
    body = api.get(f"/api/v1/enforcement-actions/{action.pk}/").json()
    assert "notice_total_arrears" in body  # the notice's arrears ...
    assert body.get("notice_withhold_monthly") == "533.33", sorted(body)  # ... and what it told the NCP


def test_trying_again_another_day_does_not_open_a_second_work_item_for_the_same_unsent_notice():
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    for day in (AS_OF, AS_OF + timedelta(days=1)):
        with pytest.raises(NoticeNotSent):
            action_notice_issue(action=action, by=None, on=day)
    items = case.work_items.filter(title__icontains="no postal address", status="open")
    assert items.count() == 1, list(items.values_list("title", "dedupe_key"))

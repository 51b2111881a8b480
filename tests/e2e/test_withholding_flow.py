"""Specialist's income withholding flow in the browser: the active action's IWO, its page, a lump
sum; screenshots at 1280 and 390 px go to $CASEWORKS_SHOTS when set (not part of the repository)."""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CASEWORKS_SHOTS")


def _shots(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_active_action_shows_its_iwo_and_takes_a_lump_sum(sign_in, live_server):
    action = active_withholding_action(health=True)
    iwo = iwo_reconcile_action(action=action, on=date(2026, 11, 30))[0]
    page = sign_in("enforcement_specialist", at=f"/enforcement/actions/{action.pk}/")
    table = page.get_by_test_id("iwo-table")
    expect(table).to_contain_text(iwo.control_number)
    expect(table).to_contain_text("ORG + NMSN")
    _shots(page, "action-withholding")
    page.get_by_text("Request a lump sum withholding").click()
    page.get_by_label("Amount to withhold from the lump sum").fill("1250.00")
    page.get_by_role("button", name="Issue lump sum order").click()
    expect(page.get_by_test_id("iwo-table")).to_contain_text("LUM")
    page.get_by_role("link", name=iwo.control_number, exact=True).click()
    expect(page.get_by_test_id("iwo-remittance")).to_have_text(action.case.case_number)
    _shots(page, "iwo-detail")


def test_a_medical_only_action_lists_its_nmsn_and_its_termination(sign_in, live_server):
    from cases.models import Obligation
    from enforcement.services.actions import action_end

    action = active_withholding_action(health=True)
    Obligation.objects.filter(order__case=action.case).delete()
    [notice] = iwo_reconcile_action(action=action, on=date(2026, 11, 30))
    action_end(action=action, by=None, release=True, reason="paid_up", note="coverage ended", on=date(2026, 12, 3))
    page = sign_in("enforcement_specialist", at=f"/enforcement/actions/{action.pk}/")
    table = page.get_by_test_id("iwo-table")
    expect(table).to_contain_text("NMSN only")
    expect(table).to_contain_text("NMSN ended")
    _shots(page, "action-nmsn")
    page.get_by_role("link", name=notice.control_number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("National Medical Support Notice")
    _shots(page, "nmsn-detail")

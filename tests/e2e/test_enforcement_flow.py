"""Coordinator's flow in the browser: sweep → queue → notice → active."""

import re

import pytest
from playwright.sync_api import expect

from tests.enforcement.factories import delinquent_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_sweep_queue_notice_active(sign_in, live_server):
    case = delinquent_case(jurisdiction="CA", unassigned="800.00", days_past_due=90)
    page = sign_in("coordinator", at="/enforcement/sweeps/")
    page.get_by_role("button", name="Run the sweep now").click()
    expect(page.get_by_test_id("sweep-runs")).to_contain_text("Finished")

    page.goto(f"{live_server.url}/enforcement/actions/")
    queue = page.get_by_test_id("action-queue")
    expect(queue).to_contain_text(case.case_number)
    page.get_by_label("Remedy").select_option("state_collection")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_test_id("action-queue").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Transfer to state collection")
    row.get_by_role("link", name=re.compile(r"^EA-")).click()

    expect(page.get_by_test_id("action-status")).to_have_text("Proposed")
    expect(page.get_by_test_id("action-arrears")).to_have_text("$800.00")
    page.get_by_role("link", name="Issue notice…").click()  # asks first (14.5), figures of today shown
    expect(page.get_by_test_id("rule-still-met")).to_be_visible()
    page.get_by_role("button", name="Yes, issue the notice").click()
    expect(page.get_by_test_id("action-status")).to_have_text("Notice issued")
    page.get_by_role("link", name="letter").click()
    expect(page.get_by_test_id("letter-figures")).to_contain_text("$800.00")
    page.go_back()

    page.get_by_role("button", name=re.compile("^Send to")).click()
    expect(page.get_by_test_id("action-status")).to_have_text("Active (sent to partner)")

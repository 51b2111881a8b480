"""Caseworker flow in a browser: open a case, add an order, record a payment, see it on the statement."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_caseworker_opens_case_adds_order_and_records_payment(sign_in, live_server):
    page = sign_in("caseworker", at="/cases/new/")
    today = timezone.localdate()
    page.locator("#id_county").fill("Albany")
    page.locator("#id_application_received_on").fill((today - timedelta(days=3)).isoformat())
    page.locator("#id_cp_first_name").fill("Ann")
    page.locator("#id_cp_last_name").fill("Able")
    page.locator("#id_ncp_first_name").fill("Ben")
    page.locator("#id_ncp_last_name").fill("Baker")
    page.locator("#id_ncp_ssn").fill("123-45-6789")
    page.locator("#id_ncp_location_known").check()
    page.locator("#id_child_first_name").fill("Cy")
    page.locator("#id_child_last_name").fill("Baker")
    page.locator("#id_child_date_of_birth").fill("2020-05-01")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Case (NY|CA)-\d{6}"))
    expect(page.get_by_test_id("deadlines")).to_contain_text("Establish order")

    page.get_by_role("link", name="Add an order").click()
    page.locator("#id_order_number").fill("F-100")
    page.locator("#id_issued_on").fill(today.replace(day=1).isoformat())
    page.locator("#id_effective_on").fill(today.replace(day=1).isoformat())
    page.locator("#id_current_support").fill("400.00")
    page.get_by_role("button", name="Record order").click()
    expect(page.get_by_text("Order recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Support orders")).to_be_visible()

    page.get_by_role("link", name="Record a payment").click()
    page.locator("#id_amount").fill("1.005")
    page.locator("#id_received_on").fill(today.isoformat())
    page.locator("#id_source_reference").fill("RCPT-1")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("at most two decimal places")).to_be_visible()
    page.locator("#id_amount").fill("150.00")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Payment of 150.00 recorded.")).to_be_visible()
    expect(page.get_by_test_id("statement")).to_contain_text("RCPT-1")

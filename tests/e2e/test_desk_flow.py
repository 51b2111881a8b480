"""The caseworker's desk in a browser (issue 15.1–15.3): search from the header box, sort a list by
its headers, export it, reassign ticked rows, read a statement. Screenshots (1280 and 390 px) go to
``CASEWORKS_SHOTS`` when set."""

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.cases.factories import CaseFactory, case_with_order

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CASEWORKS_SHOTS", "")


@pytest.fixture(autouse=True)
def patient(page):
    # the shared 2-core machine can be slow: wait longer than Playwright's 30 s default
    page.set_default_timeout(90_000)
    page.set_default_navigation_timeout(120_000)


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_search_from_the_header_finds_a_person_whatever_the_accents(sign_in, live_server):
    case = CaseFactory()
    ncp = case.ncp
    ncp.first_name, ncp.last_name = "José", "Peña"
    ncp.save()
    page = sign_in("caseworker")
    box = page.get_by_role("search").first.get_by_label("Search cases and people")
    box.fill("pena jose")
    box.press("Enter")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    shoot(page, "search")
    page.get_by_role("link", name="José Peña").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("José Peña")
    expect(page.get_by_test_id("person-cases")).to_contain_text(case.case_number)
    shoot(page, "person")


def test_caseload_sorts_by_header_exports_and_reassigns_ticked_cases(sign_in, live_server, make_user):
    first = CaseFactory(case_number="NY-000201")
    second = CaseFactory(case_number="NY-000202")
    target = make_user("caseworker", username="receiver", first_name="Rita", last_name="Receiver")
    page = sign_in("coordinator", at="/cases/?scope=all")
    case_header = page.get_by_test_id("caseload").locator("thead th").nth(1)  # after the select column
    case_header.get_by_role("link").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Case")
    case_header.get_by_role("link").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Case")
    rows = page.get_by_test_id("caseload").locator("tbody tr")
    expect(rows.first).to_contain_text(second.case_number)
    shoot(page, "caseload-sorted")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("case_number") and first.case_number in text
    page.get_by_label(f"Select case {first.case_number}").check()
    page.get_by_label(f"Select case {second.case_number}").check()
    page.get_by_label("Reassign the ticked cases to").select_option(str(target.pk))
    page.get_by_test_id("bulk-reassign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reassign 2 cases")
    page.get_by_role("button", name="Yes, reassign them").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 done")
    assert set(Case.objects.filter(caseworker=target)) == {first, second}


def test_statement_for_a_date_range_with_running_balance(sign_in, live_server):
    import time_machine

    from cases.services import charges_accrue, collection_post

    case = case_with_order(monthly=Decimal("500.00"))
    with time_machine.travel(datetime(2024, 6, 20, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=date(2024, 5, 10))
        collection_post(
            case_number=case.case_number,
            amount=Decimal("300.00"),
            received_on=date(2024, 3, 12),
            source="direct_payment",
            source_reference="PAY-1",
            received_via="file",
        )
    page = sign_in("caseworker", at=f"/cases/{case.case_number}/")
    page.get_by_test_id("full-statement").click()
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_label("To").fill("2024-06-30")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("statement-range")).to_contain_text("Jan 1, 2024 to Jun 30, 2024")
    expect(page.get_by_test_id("closing")).to_have_text("$1,700.00")
    expect(page.get_by_test_id("statement-table")).to_contain_text("Payment PAY-1")
    shoot(page, "statement")
    response = page.request.get(live_server.url + page.get_by_test_id("statement-pdf").get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    if SHOTS:
        Path(SHOTS, "statement.pdf").write_bytes(response.body())


def test_a_california_statement_shows_the_interest_apart_from_the_arrears(sign_in, live_server):
    """CCP 685.010, 695.211(c): the interest the arrears carry, labelled, apart from the principal."""
    import time_machine

    from cases.services import charges_accrue

    case = case_with_order(monthly=Decimal("500.00"), jurisdiction="CA")
    with time_machine.travel(datetime(2024, 6, 20, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=date(2024, 6, 20))
    page = sign_in("caseworker", at=f"/cases/{case.case_number}/")
    expect(page.get_by_test_id("arrears-interest")).to_contain_text("accrued on the arrears and unpaid")
    expect(page.get_by_test_id("statement")).to_contain_text("Interest at 10% a year (CCP 685.010)")
    page.get_by_test_id("statement").scroll_into_view_if_needed()
    shoot(page, "interest-case")
    page.get_by_test_id("full-statement").click()
    page.get_by_label("From").fill("2024-01-01")
    page.get_by_label("To").fill("2024-06-20")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("closing")).to_have_text("$2,500.00")
    expect(page.get_by_test_id("statement-interest")).to_contain_text("$35.62")
    shoot(page, "interest-statement")
    response = page.request.get(live_server.url + page.get_by_test_id("statement-pdf").get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    if SHOTS:
        Path(SHOTS, "interest-statement.pdf").write_bytes(response.body())

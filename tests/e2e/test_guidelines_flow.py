"""The guideline worksheets and the Legal parameters page in a browser, wide and narrow."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CASEWORKS_SCREENSHOT_DIR")  # set to keep screenshots for a look


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_ny_worksheet_and_legal_parameters(sign_in, live_server, width):
    page = sign_in("caseworker")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(
        f"{live_server.url}/guidelines/ny/?payor_income=80000&other_income=40000&children=2&as_of=2025-06-01"
        "&payor_fica=6120&other_fica=3060&child_care_annual=12000"
    )
    worksheet = page.get_by_test_id("ny-worksheet")
    assert "CSSA income" in worksheet.inner_text()
    assert page.get_by_role("link", name="Print worksheet (PDF)").is_visible()
    shot(page, f"ny-{width}")
    page.goto(
        f"{live_server.url}/guidelines/ca/?high_earner_net_monthly=2000&total_net_monthly=2000"
        "&high_earner_timeshare=0&children=1&as_of=2026-06-01&child_care_monthly=300"
    )
    assert page.get_by_test_id("ca-monthly").inner_text() == "$258.27"
    shot(page, f"ca-{width}")
    page.goto(f"{live_server.url}/legal-parameters/?jurisdiction=NY")
    assert page.get_by_test_id("confirm").first.is_visible()
    shot(page, f"legal-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_order_review_shows_its_worksheet_in_words(sign_in, live_server, make_user, width):
    from datetime import date
    from decimal import Decimal

    from cases.choices import OrderKind
    from cases.services.reviews import review_calculate, review_open
    from tests.cases.factories import case_with_order

    page = sign_in("caseworker")
    order = case_with_order(monthly=Decimal("500.00")).orders.get()
    order.kind, order.effective_on = OrderKind.ADMINISTRATIVE, date(2020, 1, 1)
    order.save()
    review = review_open(order=order, by=make_user("caseworker"))
    review_calculate(
        review=review,
        by=make_user("caseworker"),
        as_of=date(2025, 6, 1),
        inputs={
            "payor_income": Decimal("60000"),
            "other_income": Decimal("40000"),
            "children": 2,
            "child_care_annual": Decimal("10000"),
        },
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    worksheet = page.get_by_test_id("review-worksheet")
    assert "Payor's total monthly obligation" in worksheet.inner_text()
    assert "payor_add_ons" not in page.content()
    assert page.get_by_role("link", name="Print worksheet (PDF)").is_visible()
    shot(page, f"review-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_ca_worksheet_allocates_two_children_youngest_first(sign_in, live_server, width):
    """Fam. Code 4055(b)(8): 596.38 for the youngest child, 357.83 for the next (954.21 for two)."""
    page = sign_in("caseworker")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(
        f"{live_server.url}/guidelines/ca/?high_earner_net_monthly=3000&total_net_monthly=4000"
        "&high_earner_timeshare=0.2&children=2&as_of=2026-06-01"
    )
    assert page.get_by_test_id("ca-monthly").inner_text() == "$954.21"
    allocation = page.get_by_test_id("ca-allocation").inner_text()
    assert "Youngest child $596.38" in allocation and "Next youngest child $357.83" in allocation
    worksheet = page.get_by_test_id("ca-worksheet").inner_text()
    assert "11a" in worksheet and "11b" in worksheet
    shot(page, f"ca-children-{width}")

"""The law beside the office (issue 11.1) in the browser: the remedy rules page shows each legal
threshold with its citation next to the office's value, and links to the Legal parameters page.
Screenshots at 1280 and 390 px go to CASEWORKS_SHOTS_DIR when it is set (not in the repo)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    folder = os.environ.get("CASEWORKS_SHOTS_DIR")
    if folder:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_rules_page_shows_the_law_and_links_to_the_legal_parameters(sign_in, live_server):
    page = sign_in("coordinator", at="/enforcement/rules/")
    ny = page.get_by_test_id("rules-NY")
    expect(ny).to_contain_text("law at least $150.00")
    expect(ny).to_contain_text("45 CFR 303.72(a)(1)")
    expect(ny).to_contain_text("law more than $2,500.00")
    shot(page, "remedy-rules")
    page.get_by_role("link", name="Legal parameters").first.click()
    expect(page.get_by_text("us.remedy.offset.unassigned_min").first).to_be_visible()
    shot(page, "legal-parameters")

"""Letters and Spanish in the browser (issue 15.6, 15.7): the public complaint form in Spanish through
the switch, the case page's letter log, and returned mail marking the address undeliverable.
Screenshots at 1280 and 390 px go to CASEWORKS_SHOTS_DIR when set (for review, not committed)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Address, SentLetter, WorkItem
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import AddressFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CASEWORKS_SHOTS_DIR", "")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_public_form_switches_to_spanish(page, live_server):
    page.goto(f"{live_server.url}/complaints/new/public/")
    expect(page.get_by_role("heading", name="Make a complaint")).to_be_visible()
    page.get_by_test_id("language-switch").get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Presentar una queja")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Su nombre")).to_be_visible()
    _shoot(page, "public-form-es")
    page.goto(f"{live_server.url}/complaints/status/")  # the choice is remembered
    expect(page.get_by_role("heading", name="Estado de la queja")).to_be_visible()


def test_case_page_letter_log_and_returned_mail(sign_in, live_server, make_user):
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    ncp = case.participants.get(role="ncp").person
    AddressFactory(person=ncp, line1="12 Elm Street", city="Albany", postal_code="12207")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    page = sign_in("caseworker", at=f"/enforcement/actions/{action.pk}/notice/?letter_lang=es")
    letter = page.get_by_test_id("letter")
    expect(letter).to_have_attribute("lang", "es")
    expect(letter).to_contain_text("Aviso de medida de cumplimiento prevista")
    expect(page.get_by_test_id("letter-address")).to_contain_text("12 Elm Street")
    _shoot(page, "notice-page-es")
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    letters = page.get_by_test_id("letters")
    expect(letters).to_contain_text("Notice of intended enforcement action")
    expect(letters).to_contain_text("12 Elm Street")
    _shoot(page, "case-letters")
    letters.get_by_role("link", name="Mail returned…").click()
    page.get_by_label("Reason on the envelope").fill("Moved, no forwarding address")
    _shoot(page, "letter-returned-form")
    page.get_by_role("button", name="Mark returned").click()
    expect(page.get_by_test_id("letters")).to_contain_text("Moved, no forwarding address")
    assert SentLetter.objects.get(case=case).returned_on is not None
    assert Address.objects.get(person=ncp).undeliverable_on is not None
    assert WorkItem.objects.filter(case=case, kind="locate").exists()

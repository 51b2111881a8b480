"""Browser: public complaint form → status page → ombudsperson resolution → state hearing request."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from hearings.models import HearingRequest

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CASEWORKS_SHOTS", "")


def test_public_complaint_to_resolution_to_hearing_request(live_server, page, sign_in):
    # given: a member of the public with no account
    page.goto(f"{live_server.url}/complaints/new/public/")
    page.get_by_label("Your name").fill("Pat Parent")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Case number").fill("NY-000404")
    page.get_by_label("What is it about?").select_option("distribution")
    page.get_by_label("Tell us what happened").fill("<script>alert(1)</script> My payment went to the wrong month.")
    page.get_by_role("button", name="Send my complaint").click()
    number = page.get_by_test_id("confirmation-number").inner_text()
    secret = page.get_by_test_id("secret-code").inner_text()
    assert re.fullmatch(r"CMP-[A-Z0-9]{4}-[A-Z0-9]{4}", number)
    assert "We noted the case number you gave (“NY-000404”)" in page.content()  # found or not: the same words

    # the status page answers to the number plus the secret
    page.get_by_role("link", name="Check the status").click()
    page.get_by_label("Confirmation number").fill(number)
    page.get_by_label("Secret code").fill(secret)
    page.get_by_role("button", name="Show the status").click()
    assert page.get_by_test_id("complaint-status").inner_text() == "Open"

    # when: the ombudsperson resolves it
    sign_in("ombudsperson")
    page.goto(f"{live_server.url}/complaints/")
    page.get_by_role("link", name=number).click()
    assert "<script>alert(1)</script>" in page.get_by_test_id("description").inner_text()  # shown as text
    page.get_by_role("link", name="Resolve").click()
    page.get_by_label("Outcome").select_option("upheld")
    page.get_by_label("Explanation").fill("We moved the payment to March and corrected the arrears.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/complaints/{number}/notice/")
    assert "right to ask for a fair hearing" in page.locator("main").inner_text()  # NY law (11.9)

    # then: a state hearing request made from the complaint
    page.get_by_role("link", name="Back to the complaint").click()
    page.get_by_role("link", name="Request a state hearing").click()
    assert page.get_by_label("Complaint number").input_value() == number
    page.get_by_label("Statement").fill("I want the arrears recalculated by the state.")
    page.get_by_role("button", name="Record the request").click()
    page.wait_for_url(re.compile(r".*/hearings/HRG-[A-Z0-9-]+/$"))
    assert page.get_by_test_id("request-status").inner_text() == "Requested"
    request = HearingRequest.objects.get()
    assert request.complaint == Complaint.objects.get(number=number)
    assert request.basis == "resolution" and not request.is_late and request.in_jurisdiction


def test_public_form_sent_again_answers_with_the_same_complaint(live_server, page):
    """A form kept too long is refused with the typed text kept (its token replaced here by one the
    site did not sign); sent again it files once, and the browser retrying that post is answered
    with the same confirmation. Screenshots at 1280 and 390 px go to CASEWORKS_SHOTS when set."""
    page.goto(f"{live_server.url}/complaints/new/public/")
    page.get_by_label("Your name").fill("Pat Parent")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Tell us what happened").fill("My payment went to the wrong month.")
    shoot(page, "public-form")
    page.locator("input[name=form_token]").evaluate("input => { input.value = 'kept-from-yesterday'; }")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_text("This form was open too long")).to_be_visible()
    expect(page.get_by_label("Tell us what happened")).to_have_value("My payment went to the wrong month.")
    assert not Complaint.objects.exists()
    shoot(page, "public-form-expired")
    form = {
        name: page.locator(f"[name={name}]").input_value()
        for name in (
            "csrfmiddlewaretoken",
            "form_token",
            "complainant_name",
            "contact_email",
            "category",
            "description",
        )
    }
    page.get_by_role("button", name="Send my complaint").click()
    number = page.get_by_test_id("confirmation-number").inner_text()
    secret = page.get_by_test_id("secret-code").inner_text()
    shoot(page, "public-confirmation")
    # the browser's retry of the same post (the page's own cookies and tokens)
    retry = page.request.post(
        f"{live_server.url}/complaints/new/public/", form=form, headers={"Referer": page.url}
    ).text()
    assert number in retry and secret in retry and Complaint.objects.get().number == number


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_an_fvi_complainants_contact_is_withheld_on_the_complaint_and_hearing_request_pages(live_server, sign_in):
    """The phone and e-mail an FVI custodial parent gave are withheld on the complaint page and on the
    page of the hearing request made from it (cases.redaction.contact_copy), at every width."""
    from cases.redaction import WITHHELD
    from tests.cases.factories import CaseFactory
    from tests.complaints.factories import ComplaintFactory
    from tests.hearings.factories import HearingRequestFactory

    case = CaseFactory()
    cp = case.cp
    cp.family_violence, cp.phone, cp.email = True, "518-555-0199", "hidden.victim@example.org"
    cp.save()
    complaint = ComplaintFactory(
        case=case, complainant_person=cp, complainant_name=str(cp), contact_phone=cp.phone, contact_email=cp.email
    )
    request = HearingRequestFactory(
        case=case, complaint=complaint, requester_name=str(cp), contact_phone=cp.phone, contact_email=cp.email
    )
    page = sign_in("ombudsperson", at=f"/complaints/{complaint.number}/")
    for path, name in (
        (f"/complaints/{complaint.number}/", "complaint-fvi"),
        (f"/hearings/{request.number}/", "request-fvi"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_test_id("contact")).to_contain_text(WITHHELD)
        text = page.locator("main").inner_text()
        assert cp.phone not in text and cp.email not in text
        shoot(page, name)

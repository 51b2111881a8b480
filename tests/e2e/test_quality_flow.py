"""Browser: a reviewer draws a sample and scores a case; a reviewer drills down from a figure."""

from datetime import date

import pytest

from quality.models import ReviewSample
from tests.cases.factories import CaseFactory
from tests.quality.factories import ReviewFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_draws_a_sample_and_scores_a_case(sign_in, live_server):
    case = CaseFactory(case_number="NY-070001", interstate_role="initiating", participants=False)
    review = ReviewFactory(title="FY 2026 self-assessment", sample_size=1)
    page = sign_in("quality_analyst", at=f"/quality/reviews/{review.pk}/")
    page.get_by_role("button", name="Draw the sample").click()
    page.get_by_text("cases drawn with seed 42").wait_for()
    sample = ReviewSample.objects.get(review=review, criterion="interstate")
    assert sample.case_id == case.pk
    page.goto(f"{live_server.url}/quality/samples/{sample.pk}/score/")
    page.get_by_label("The initiating state referred the case within 20 days").check()
    page.get_by_label("Meets the criterion").check()
    page.get_by_role("button", name="Save score").click()
    # one checklist item is unmet: the case cannot pass
    page.get_by_text("A case with an unmet checklist item cannot pass.").wait_for()
    page.get_by_label("Status requests were answered").check()
    page.get_by_label("Meets the criterion").check()
    page.get_by_role("button", name="Save score").click()
    page.wait_for_url(f"**/quality/reviews/{review.pk}/")
    assert page.get_by_test_id("rate-interstate").inner_text().startswith("100.00%")
    # the reviewer changes their mind: the referral was late
    page.get_by_role("link", name="Score").first.click()
    page.get_by_label("The initiating state referred the case within 20 days").uncheck()
    page.get_by_label("Fails the criterion").check()
    page.get_by_label("Notes").fill("Referred on day 31")
    page.get_by_role("button", name="Save score").click()
    page.goto(f"{live_server.url}/quality/reviews/{review.pk}/")
    assert page.get_by_test_id("rate-interstate").inner_text().startswith("0.00%")
    assert "NY-070001" in page.get_by_text("Failing:").inner_text()
    sample.refresh_from_db()
    assert sample.result == "fail" and sample.notes == "Referred on day 31"


def test_drilldown_from_a_line_to_its_cases(sign_in, live_server):
    CaseFactory(case_number="NY-070010", opened_on=date(2024, 1, 10), participants=False)
    CaseFactory(case_number="NY-070011", opened_on=date(2026, 10, 2), participants=False)  # FY 2027
    page = sign_in("coordinator", at="/quality/ocse157/?fiscal_year=2026")
    page.get_by_test_id("line-1").click()
    page.wait_for_url("**/quality/ocse157/2026/1/")
    table = page.get_by_test_id("cases").inner_text()
    assert "NY-070010" in table and "NY-070011" not in table
    assert "format=csv" in page.get_by_test_id("csv").get_attribute("href")

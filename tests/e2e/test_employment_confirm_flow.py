"""A job typed for a person whose whereabouts are withheld awaits confirmation before income
withholding (42 USC 654(26)); a coordinator confirms it on the employer's written word, in a browser
(axe-core checks each page). Screenshots (1280 and 390 px) go to ``CASEWORKS_SHOTS`` when set."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Employment, Person
from cases.services.employment import employment_record
from tests.e2e.test_desk_flow import patient, shoot  # noqa: F401 — the desk flow's waits and screenshots
from tests.enforcement.factories import delinquent_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_confirms_a_job_awaiting_confirmation_and_the_page_names_no_employer(
    sign_in, live_server, role_user
):
    case = delinquent_case(county="Albany", unassigned="900.00")
    Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    case.ncp.refresh_from_db()
    employment_record(
        person=case.ncp,
        data={
            "fein": "147000009",
            "name": "Hidden Works Inc",
            "line1": "1 Secret Way",
            "city": "Albany",
            "state": "NY",
            "postal_code": "12207",
            "started_on": timezone.localdate() - timedelta(days=3),
            "source": "pay_stub",
        },
        by=role_user("caseworker"),
    )
    page = sign_in("coordinator", at=f"/cases/{case.case_number}/people/{case.ncp.pk}/")
    expect(page.get_by_test_id("employment-awaits")).to_contain_text("awaiting confirmation")
    expect(page.locator("main")).not_to_contain_text("Hidden Works")
    shoot(page, "job-awaiting-confirmation")
    form = page.get_by_test_id("employment-confirm")
    form.get_by_label("The employer's written word (do not name the employer)").fill("Payroll letter of Dec 4")
    form.get_by_role("button", name="Confirm on the employer's word").click()
    expect(page.get_by_role("status").first).to_contain_text("Job confirmed on the employer's written word")
    expect(page.get_by_test_id("employment-awaits")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Hidden Works")
    shoot(page, "job-confirmed")
    assert not Employment.objects.get(person=case.ncp).awaits_confirmation

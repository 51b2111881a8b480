"""A notice to an NCP with no postal address on file is not sent, so not issued (red team rtletters:
it was logged as mailed with an empty address, the action became NOTICED and its contest window ran
for a notice nobody received). Every letter to a parent goes through ``cases.services.letter_deliver``:
nothing to send it to → a "no postal address" work item, and the action stays proposed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cases import services
from cases.models import Address, SentLetter
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import NoticeNotSent, action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import AddressFactory, case_with_order
from tests.cases.test_ledger_services import post
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 23)


@pytest.fixture
def unreachable():
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    sweep_run_inline(as_of=AS_OF)
    return EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)


def test_a_notice_with_nowhere_to_go_is_not_logged_as_mailed_and_someone_is_told():
    # given: $16,200 owed on a case whose NCP has no address on file
    case = case_with_order(monthly=Decimal("500.00"))
    assert not Address.objects.filter(person=case.ncp).exists()
    services.charges_accrue(through=ON)
    post(case, "300.00", "CHK-1", source="direct_payment", received_on=date(2024, 6, 3), posted_on=date(2024, 6, 3))
    sweep_run_inline(as_of=ON)
    action = EnforcementAction.objects.get(case=case, remedy="passport_denial")
    # when
    with pytest.raises(NoticeNotSent):
        action_notice_issue(action=action, by=None, on=ON)
    action.refresh_from_db()
    # then: nothing logged as sent, the action not taken, no contest window; the caseworker is told
    assert not SentLetter.objects.filter(case=case, kind="enforcement_notice").exists()
    assert action.status == ActionStatus.PROPOSED
    assert action.notice_issued_on is None and action.contest_ends_on is None and action.taken_on is None
    item = case.work_items.get(title__icontains="no postal address")
    assert action.reference in item.title and item.assigned_to == case.caseworker
    # and once an address is recorded the notice goes out, to it
    AddressFactory(person=case.ncp, line1="41 Quail Street", city="Albany", postal_code="12210")
    action = action_notice_issue(action=action, by=None, on=ON + timedelta(days=1))
    assert action.status == ActionStatus.NOTICED
    sent = SentLetter.objects.get(case=case, kind="enforcement_notice")
    assert sent.channel == "mail" and "41 Quail Street" in sent.address_text


def test_the_page_says_the_notice_was_not_sent(unreachable, client_as):
    client = client_as("enforcement_specialist")
    page = client.post(
        reverse("enforcement:action_issue_notice", args=[unreachable.pk]), {"confirmed": "yes"}, follow=True
    )
    assert b"Notice not sent: no postal address on file" in page.content
    unreachable.refresh_from_db()
    assert unreachable.status == ActionStatus.PROPOSED
    assert unreachable.case.work_items.filter(title__icontains="no postal address").exists()


def test_the_api_answers_409_no_postal_address(unreachable, api_client_with):
    api = api_client_with("enforcement:write", agency="State Office")
    response = api.post(f"/api/v1/enforcement-actions/{unreachable.pk}/issue-notice/")
    assert response.status_code == 409 and response.json()["code"] == "no_postal_address", response.content
    unreachable.refresh_from_db()
    assert unreachable.status == ActionStatus.PROPOSED
    assert unreachable.case.work_items.filter(title__icontains="no postal address").exists()


def test_bulk_issue_refuses_the_row_with_no_postal_address(unreachable, client_as):
    client = client_as("enforcement_specialist")
    page = client.post(reverse("enforcement:action_bulk_issue"), {"ids": [unreachable.pk], "confirmed": "yes"})
    assert "0 done, 1 refused" in page.content.decode() and "no postal address" in page.content.decode()
    unreachable.refresh_from_db()
    assert unreachable.status == ActionStatus.PROPOSED

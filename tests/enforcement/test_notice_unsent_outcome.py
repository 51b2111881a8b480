"""A notice not sent for want of a postal address: the service says so (``NoticeNotSent``, its work
item kept), every way of issuing counts it as refused, one work item is open per unsent notice (a
retry after it was closed opens another), and issuing the notice later closes it (review rv2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from cases.models import WorkItem
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import NoticeNotSent, action_notice_issue, actions_notice_issue_bulk
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import AddressFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db
LATER = AS_OF + timedelta(days=10)


@pytest.fixture
def unreachable():
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    sweep_run_inline(as_of=AS_OF)
    return EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)


def test_bulk_service_does_not_count_an_unsent_notice_as_issued(unreachable, make_user):
    result = actions_notice_issue_bulk(actions=[unreachable], by=make_user("enforcement_specialist"), on=LATER)
    assert [a.pk for a, _ in result.refused] == [unreachable.pk]
    assert result.issued == []
    assert unreachable.case.work_items.filter(title__icontains="no postal address", status="open").exists()


def test_the_bulk_page_refuses_the_row_and_keeps_its_work_item(unreachable, client_as):
    client = client_as("enforcement_specialist")
    page = client.post(reverse("enforcement:action_bulk_issue"), {"ids": [unreachable.pk], "confirmed": "yes"})
    assert "0 done, 1 refused" in page.content.decode()
    assert unreachable.case.work_items.filter(title__icontains="no postal address", status="open").exists()


def test_the_service_raises_after_keeping_the_work_item(unreachable):
    with pytest.raises(NoticeNotSent) as raised:
        action_notice_issue(action=unreachable, by=None, on=LATER)
    assert raised.value.code == "no_postal_address" and raised.value.action.status == ActionStatus.PROPOSED
    assert raised.value.work_item.case_id == unreachable.case_id


def test_a_retry_after_the_work_item_was_closed_opens_one_again(unreachable, client_as):
    with pytest.raises(NoticeNotSent):
        action_notice_issue(action=unreachable, by=None, on=LATER)
    item = unreachable.case.work_items.get(title__icontains="no postal address")
    WorkItem.objects.filter(pk=item.pk).update(status="done")  # the caseworker closed it (asked, no answer)
    client = client_as("enforcement_specialist")
    page = client.post(
        reverse("enforcement:action_issue_notice", args=[unreachable.pk]), {"confirmed": "yes"}, follow=True
    )
    assert b"A work item was opened on the case" in page.content
    assert unreachable.case.work_items.filter(title__icontains="no postal address", status="open").exists()


def test_the_work_item_is_closed_once_the_notice_goes_out(unreachable):
    with pytest.raises(NoticeNotSent):
        action_notice_issue(action=unreachable, by=None, on=LATER)
    AddressFactory(person=unreachable.case.ncp, line1="41 Quail Street", city="Albany", postal_code="12210")
    action = action_notice_issue(action=unreachable, by=None, on=LATER + timedelta(days=1))
    assert action.status == ActionStatus.NOTICED
    assert not unreachable.case.work_items.filter(title__icontains="no postal address", status="open").exists()

"""The access layer's FTI rule (cases.access.can_view_fti) follows the training gate.

Skipped until the cases app's access module is on main; then it runs with no change.
"""

from datetime import date

import pytest
import time_machine

from .factories import CompletionFactory, UserFactory, fti_course, noon

access = pytest.importorskip("cases.access")
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("today", "allowed"), [(date(2026, 11, 23), True), (date(2026, 11, 24), False)])
def test_can_view_fti_allows_only_while_training_is_current(fti_role, today, allowed):
    user = UserFactory(username="fti_viewer")
    user.groups.add(fti_role)
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 11, 23))
    with time_machine.travel(noon(today), tick=False):
        assert access.can_view_fti(type(user).objects.get(pk=user.pk)) is allowed


def test_can_view_fti_denies_without_the_permission_even_when_trained(make_user):
    user = make_user("outreach")
    CompletionFactory(user=user, course=fti_course())
    assert access.can_view_fti(user) is False


def test_can_view_fti_denies_the_untrained(fti_role):
    user = UserFactory(username="untrained")
    user.groups.add(fti_role)
    assert access.can_view_fti(type(user).objects.get(pk=user.pk)) is False


@pytest.mark.parametrize(("today", "shown"), [(date(2026, 11, 23), True), (date(2026, 11, 24), False)])
def test_the_case_page_names_a_tax_offset_only_while_fti_training_is_current(client, fti_role, today, shown):
    """End to end: the statement on the case page (IRS Publication 1075 via the training gate)."""
    from decimal import Decimal

    from django.urls import reverse

    from cases.services import collection_post
    from tests.cases.factories import case_with_order

    specialist = UserFactory(username="fti_specialist")
    specialist.groups.add(fti_role)
    CompletionFactory(user=specialist, course=fti_course(), completed_on=date(2025, 11, 23))
    with time_machine.travel(noon(date(2026, 11, 20)), tick=False):
        case = case_with_order(monthly=Decimal("300.00"))
        for source, reference in (("federal_tax_offset", "IRS-OFFSET-1"), ("direct_payment", "CHECK-1")):
            collection_post(
                case_number=case.case_number,
                amount=Decimal("50.00"),
                received_on=date(2026, 11, 19),
                source=source,
                source_reference=reference,
                received_via="file",
            )
    with time_machine.travel(noon(today), tick=False):
        client.force_login(specialist)
        response = client.get(reverse("cases:case_detail", kwargs={"case_number": case.case_number}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "IRS-OFFSET-1" in html and "CHECK-1 · Direct payment" in html
    assert ("IRS-OFFSET-1 · Federal tax refund offset" in html) is shown
    assert "50.00 payment ref IRS-OFFSET-1" in html  # the history names no FTI source, to anyone
    assert html.count("Federal tax refund offset") == (1 if shown else 0)

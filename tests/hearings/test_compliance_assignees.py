"""Who a compliance action may be assigned to (the decision form's "Who"): active staff of the
request's case county, never an API-only partner user (red team rtpeople suspicion: the list offered
every active user with a role, partner users and other counties' staff included)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hearings import selectors, services
from hearings.models import ComplianceAction
from tests.cases.factories import CaseFactory
from tests.hearings.factories import HearingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "caseworker": make_user("caseworker"),
        "coordinator": make_user("coordinator"),
        "partner": make_user("partner_agency", username="partner_api"),
        "elsewhere": make_user("caseworker", username="kings_worker", county="Kings"),
        "gone": make_user("caseworker", username="left_worker", is_active=False),
        "no_role": make_user(None, username="no_role"),
    }


def test_the_who_list_is_the_case_county_staff_only(people):
    hr = HearingRequestFactory(case=CaseFactory(participants=False))
    assignees = set(selectors.compliance_assignees(request=hr))
    assert people["caseworker"] in assignees and people["coordinator"] in assignees
    assert not assignees & {people["partner"], people["elsewhere"], people["gone"], people["no_role"]}


def test_a_request_on_no_case_offers_staff_of_any_county_but_never_a_partner(people):
    assignees = set(selectors.compliance_assignees(request=HearingRequestFactory(case=None)))
    assert {people["caseworker"], people["elsewhere"]} <= assignees
    assert not assignees & {people["partner"], people["gone"], people["no_role"]}


def test_the_decision_page_offers_no_partner_user(people, client, role_user):
    hr = HearingRequestFactory(case=CaseFactory(participants=False), status="held", held_on=date(2026, 12, 1))
    client.force_login(role_user("hearing_officer"))
    form = client.get(reverse("hearings:decide", args=[hr.number])).context["formset"].forms[0]
    offered = set(form.fields["assigned_to"].queryset)
    assert people["caseworker"] in offered and people["partner"] not in offered and people["elsewhere"] not in offered


@pytest.mark.parametrize("who", ["partner", "elsewhere"])
def test_an_action_is_not_assigned_outside_the_list(people, role_user, who):
    hr = HearingRequestFactory(
        case=CaseFactory(participants=False),
        status="decided",
        outcome="granted",
        decided_on=date(2026, 12, 1),
        held_on=date(2026, 11, 20),
    )
    with pytest.raises(ValidationError, match="cannot be given this action"):
        services.compliance_action_add(
            request=hr,
            description="Recalculate",
            due_on=date(2026, 12, 31),
            assigned_to=people[who],
            by=role_user("hearing_officer"),
        )
    assert not ComplianceAction.objects.filter(request=hr).exists()

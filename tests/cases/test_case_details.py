"""Correcting a case's interstate role, other state and county (cases.services.case_details): who
may, what the deadlines become, and a move to another county handing the case to that county."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.choices import COORDINATOR_UNIT, WorkItemStatus
from cases.models import Case, WorkItem
from cases.services import case_deadline_refresh, case_details_correct
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, WorkItemFactory
from tests.pages import shown_on

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def url(case: Case) -> str:
    return reverse("cases:case_details", args=[case.case_number])


def as_posted(page, **changes) -> dict[str, str]:
    """The form as a browser sends it: every field's value on the page, ``changes`` applied."""
    form = page.context["form"]
    data = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items() if name != "shown"}
    data.update(changes)
    return {**shown_on(page), **{k: "" if v is None else str(v) for k, v in data.items()}}


@pytest.fixture
def erie_staff(make_user):
    return make_user("caseworker", username="erie_worker", county="Erie")


@time_machine.travel(NOW, tick=False)
def test_a_caseworker_corrects_their_case_to_initiating_and_the_referral_deadline_runs(client_as):
    # given a case on the caseworker's caseload entered as not interstate
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(url(case))
    assert page.status_code == 200 and "county" not in page.context["form"].fields
    # when they correct it to initiating with New Jersey, the need found on Nov 10
    response = client.post(
        url(case),
        as_posted(page, interstate_role="initiating", other_state="nj", interstate_needed_on="2026-11-10"),
    )
    # then the 303.7 referral clock runs from that day (20 days) and the event says before/after
    assert response.status_code == 302 and response.url == reverse("cases:case_detail", args=[case.case_number])
    case.refresh_from_db()
    assert (case.interstate_role, case.other_state, case.interstate_needed_on) == (
        "initiating",
        "NJ",
        date(2026, 11, 10),
    )
    assert (case.next_deadline_kind, case.next_deadline_on) == ("interstate_referral", date(2026, 11, 30))
    event = DomainEvent.objects.get(verb="case.details_corrected", case_id=case.pk)
    assert event.data["before"] == {"interstate_role": "none", "other_state": "", "interstate_needed_on": ""}
    assert event.data["after"] == {
        "interstate_role": "initiating",
        "other_state": "NJ",
        "interstate_needed_on": "2026-11-10",
    }
    assert event.actor.username == "caseworker_user"


@time_machine.travel(NOW, tick=False)
def test_a_case_that_was_not_initiating_loses_its_referral_clock_and_dates(client_as):
    case = CaseFactory(
        interstate_role="initiating",
        other_state="PA",
        other_state_case_id="PA-1",
        interstate_needed_on=date(2026, 11, 10),
    )
    case_deadline_refresh(case)
    assert case.next_deadline_kind == "interstate_referral"
    client = client_as("caseworker")
    page = client.get(url(case))
    client.post(url(case), as_posted(page, interstate_role="none"))
    case.refresh_from_db()
    assert (case.interstate_role, case.other_state, case.other_state_case_id, case.interstate_needed_on) == (
        "none",
        "",
        "",
        None,
    )
    assert case.next_deadline_kind != "interstate_referral"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interstate_role": "responding", "other_state": ""}, "other_state"),
        ({"interstate_role": "responding", "other_state": "N1"}, "other_state"),
        ({"interstate_role": "responding", "other_state": "NY"}, "other_state"),  # the case's own state
        ({"interstate_role": "responding", "other_state": "ZZ"}, "other_state"),  # no state at all
        ({"interstate_role": "responding", "other_state": "AE"}, "other_state"),  # a military post office
        ({"interstate_role": "responding", "other_state": "AS"}, "other_state"),  # no IV-D program
        ({"interstate_role": "initiating", "other_state": "NJ", "interstate_needed_on": ""}, "interstate_needed_on"),
        (
            {"interstate_role": "initiating", "other_state": "NJ", "interstate_needed_on": "2026-11-24"},
            "interstate_needed_on",
        ),
        (
            {"interstate_role": "initiating", "other_state": "NJ", "interstate_needed_on": "2023-12-01"},
            "interstate_needed_on",
        ),
    ],
)
def test_bad_interstate_details_are_refused_on_the_form(client_as, changes, field):
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(url(case))
    response = client.post(url(case), as_posted(page, **changes))
    assert response.status_code == 200 and response.context["form"].errors[field]
    case.refresh_from_db()
    assert case.interstate_role == "none" and not DomainEvent.objects.filter(case_id=case.pk).exists()


@pytest.mark.parametrize("state", ["NJ", "DC", "PR", "VI", "GU"])
def test_each_iv_d_jurisdiction_is_accepted_as_the_other_state(client_as, state):
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(url(case))
    response = client.post(url(case), as_posted(page, interstate_role="responding", other_state=state))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.other_state == state


@time_machine.travel(NOW, tick=False)
def test_the_need_for_a_referral_cannot_be_dated_after_the_referral_was_sent(client_as):
    # given an initiating case whose referral went out on Nov 5 (need found Oct 1)
    case = CaseFactory(
        interstate_role="initiating",
        other_state="NJ",
        interstate_needed_on=date(2026, 10, 1),
        interstate_referred_on=date(2026, 11, 5),
        application_received_on=date(2026, 9, 1),
    )
    client = client_as("caseworker")
    page = client.get(url(case))
    # when the need is "corrected" to Nov 20, after the referral was sent
    response = client.post(url(case), as_posted(page, interstate_needed_on="2026-11-20"))
    # then it is refused (45 CFR 303.7) and nothing changes; the day it was sent is still accepted
    assert response.status_code == 200
    assert "Nov 5, 2026" in " ".join(response.context["form"].errors["interstate_needed_on"])
    case.refresh_from_db()
    assert case.interstate_needed_on == date(2026, 10, 1)
    assert client.post(url(case), as_posted(page, interstate_needed_on="2026-11-05")).status_code == 302


def test_another_caseload_is_refused_403(client_as, make_user):
    other = make_user("caseworker", username="other_worker")
    case = CaseFactory(caseworker=other)
    client = client_as("caseworker")
    assert client.get(url(case)).status_code == 403
    assert client.post(url(case), {"interstate_role": "responding", "other_state": "NJ"}).status_code == 403
    case.refresh_from_db()
    assert case.interstate_role == "none"


def test_a_case_of_another_county_is_not_found(client, erie_staff):
    case = CaseFactory(county="Albany")
    client.force_login(erie_staff)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"interstate_role": "responding", "other_state": "NJ"}).status_code == 404


def test_a_user_without_a_county_changes_no_case(client, make_user):
    # a caseworker without a county sees no case (404); a coordinator without one reads every
    # county's (cases.view_all_cases) but writes to none (403)
    case = CaseFactory()
    client.force_login(make_user("caseworker", username="nocounty_worker", county=""))
    assert client.get(url(case)).status_code == 404
    client.force_login(make_user("coordinator", username="nocounty_coord", county=""))
    assert client.get(url(case)).status_code == 403


@pytest.mark.parametrize("role", ["enforcement_specialist", "quality_analyst", "ombudsperson", "hearing_officer"])
def test_roles_without_change_case_are_refused(client_as, role):
    case = CaseFactory()
    assert client_as(role).get(url(case)).status_code == 403


def test_a_coordinator_moves_a_case_to_another_county_and_hands_it_over(client_as, erie_staff):
    # given a case of Albany on the caseworker's caseload with two open work items and a done one
    case = CaseFactory()
    mine = WorkItemFactory(case=case, assigned_to=case.caseworker)
    WorkItemFactory(case=case, assigned_to=case.caseworker, status=WorkItemStatus.DONE)
    client = client_as("coordinator")
    page = client.get(url(case))
    assert ("Erie", "Erie") in page.context["form"].fields["county"].choices
    # when the coordinator moves it to Erie
    response = client.post(url(case), as_posted(page, county="Erie"))
    # then the case is Erie's, no one's caseload, its open items unassigned, and Erie's coordinators asked
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.county, case.caseworker) == ("Erie", None)
    mine.refresh_from_db()
    assert mine.assigned_to is None
    assert WorkItem.objects.filter(case=case, status=WorkItemStatus.DONE, assigned_to__isnull=False).count() == 1
    ask = WorkItem.objects.get(case=case, unit=COORDINATOR_UNIT)
    assert "from Albany" in ask.title and ask.assigned_to is None
    event = DomainEvent.objects.get(verb="case.transferred", case_id=case.pk)
    assert event.data["before"] == {"county": "Albany"} and event.data["after"] == {"county": "Erie"}
    assert event.data["caseworker_cleared"] is not None and event.data["work_items_unassigned"] == 1
    # and Erie's staff now see it; Albany's caseworker no longer does
    client.force_login(erie_staff)
    assert client.get(reverse("cases:case_detail", args=[case.case_number])).status_code == 200
    assert client_as("caseworker").get(reverse("cases:case_detail", args=[case.case_number])).status_code == 404


def test_a_county_no_one_works_is_refused(client_as):
    case = CaseFactory()
    client = client_as("coordinator")
    page = client.get(url(case))
    response = client.post(url(case), as_posted(page, county="Atlantis"))
    assert response.status_code == 200 and response.context["form"].errors["county"]
    case.refresh_from_db()
    assert case.county == "Albany"


@pytest.mark.parametrize("shape", ["trainer", "quality_analyst", "administrator", "inactive caseworker"])
def test_a_county_where_no_one_works_cases_is_refused(make_user, role_user, shape):
    # given the only user of Lewis county works no cases (or no longer works at all)
    if shape == "inactive caseworker":
        make_user("caseworker", username="lewis_user", county="Lewis", is_active=False)
    else:
        make_user(shape, username="lewis_user", county="Lewis", is_superuser=shape == "administrator")
    case = CaseFactory()
    # when a coordinator moves a case there, then it is refused
    with pytest.raises(ValidationError, match="No one works cases in Lewis"):
        case_details_correct(case=case, by=role_user("coordinator"), county="Lewis")
    case.refresh_from_db()
    assert case.county == "Albany"


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_county_with_a_caseworker_or_a_coordinator_takes_a_case(make_user, role_user, role):
    make_user(role, username="lewis_user", county="Lewis")
    case = case_details_correct(case=CaseFactory(), by=role_user("coordinator"), county="Lewis")
    assert case.county == "Lewis"


def test_a_caseworker_may_not_move_a_case_even_by_a_crafted_post(client_as, erie_staff, role_user):
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(url(case))
    client.post(url(case), as_posted(page, county="Erie"))  # a field the page does not have: ignored
    case.refresh_from_db()
    assert case.county == "Albany"
    with pytest.raises(PermissionDenied):
        case_details_correct(case=case, by=role_user("caseworker"), county="Erie")
    case.refresh_from_db()
    assert case.county == "Albany"


def test_a_page_opened_before_a_colleagues_correction_is_refused_on_the_same_field(client_as, role_user):
    case = CaseFactory()
    client = client_as("caseworker")
    page = client.get(url(case))
    case_details_correct(case=case, by=role_user("coordinator"), interstate_role="responding", other_state="PA")
    response = client.post(url(case), as_posted(page, interstate_role="responding", other_state="NJ"))
    assert response.status_code == 200
    assert "nothing was saved" in " ".join(response.context["form"].non_field_errors())
    case.refresh_from_db()
    assert case.other_state == "PA"


def test_a_closed_case_is_not_corrected(role_user):
    case = CaseFactory(status="closed", closure_reason="other", closed_on=date(2026, 1, 5))
    with pytest.raises(Exception, match="closed"):
        case_details_correct(case=case, by=role_user("coordinator"), interstate_role="responding", other_state="PA")

"""Enforcement pages: queue (filters, overdue, query counts), action steps, rules, sweeps, dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction, SweepRun
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-23T17:00:00Z", tick=False):  # midday in the office
        yield


def office(n: int):
    """``n`` delinquent cases, alternately in the cast's county (Albany, the first: the cast's
    specialist and coordinator work it) and in the Bronx (which they only read)."""
    cases = [delinquent_case(unassigned=f"{3000 + i}.00", county="Bronx" if i % 2 else "Albany") for i in range(n)]
    sweep_run_inline(as_of=AS_OF)
    return cases


@pytest.mark.parametrize("n", [1, 8])
def test_queue_query_count_holds_for_one_and_many(client_as, django_assert_max_num_queries, n):
    office(n)
    client = client_as("enforcement_specialist")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enforcement:action_list"))
    assert response.status_code == 200
    assert len(re.findall(rb'href="/enforcement/actions/\d+/"', response.content)) == min(
        25, EnforcementAction.objects.count()
    )


def test_queue_filters_by_remedy_stage_county_and_due_date(client_as):
    office(4)
    client = client_as("enforcement_specialist")
    page = client.get(reverse("enforcement:action_list"), {"remedy": Remedy.PASSPORT_DENIAL, "county": "albany"})
    assert len(page.context["object_list"]) == 2
    assert {a.remedy for a in page.context["object_list"]} == {Remedy.PASSPORT_DENIAL}
    page = client.get(reverse("enforcement:action_list"), {"status": ActionStatus.ACTIVE})
    assert len(page.context["object_list"]) == 0
    page = client.get(reverse("enforcement:action_list"), {"due_before": (AS_OF - timedelta(days=40)).isoformat()})
    assert len(page.context["object_list"]) == 0
    bad = client.get(reverse("enforcement:action_list"), {"county": "a\x00b"})
    assert bad.status_code == 400  # NUL bytes are refused before any query


def test_overdue_actions_are_highlighted(client_as):
    office(1)
    EnforcementAction.objects.update(timeframe_due_on=AS_OF - timedelta(days=1))
    page = client_as("enforcement_specialist").get(reverse("enforcement:action_list"), {"overdue": "on"})
    assert len(page.context["object_list"]) == EnforcementAction.objects.count()
    assert b"table-danger" in page.content and b"overdue" in page.content


def test_specialist_issues_notice_and_gets_the_pdf(client_as):
    office(1)
    action = EnforcementAction.objects.get(remedy=Remedy.PASSPORT_DENIAL)
    client = client_as("enforcement_specialist")
    confirm = client.get(reverse("enforcement:action_issue_notice", args=[action.pk]))
    assert confirm.status_code == 200 and b"Yes, issue the notice" in confirm.content
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED  # asking changes nothing
    client.post(reverse("enforcement:action_issue_notice", args=[action.pk]), {"confirmed": "yes"})
    action.refresh_from_db()
    assert action.status == ActionStatus.NOTICED and action.notice_issued_by.username == "enforcement_specialist_user"
    letter = client.get(reverse("enforcement:action_notice", args=[action.pk]))
    assert b"$3,000.00" in letter.content and b"42 USC 652(k)" in letter.content
    pdf = client.get(reverse("enforcement:action_notice_pdf", args=[action.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_caseworker_sees_but_cannot_work_actions(client_as):
    office(2)  # the first case is in the cast caseworker's county (Albany)
    action = EnforcementAction.objects.filter(case__county="Albany").first()
    client = client_as("caseworker")
    assert client.get(reverse("enforcement:action_detail", args=[action.pk])).status_code == 200
    url = reverse("enforcement:action_issue_notice", args=[action.pk])
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


def test_only_a_contest_decider_decides(client_as):
    office(1)
    action = EnforcementAction.objects.get(remedy=Remedy.PASSPORT_DENIAL)
    specialist = client_as("enforcement_specialist")
    specialist.post(reverse("enforcement:action_issue_notice", args=[action.pk]), {"confirmed": "yes"})
    specialist.post(reverse("enforcement:action_contest", args=[action.pk]), {"reason": "Not mine"})
    action.refresh_from_db()
    assert action.status == ActionStatus.CONTESTED
    assert (
        specialist.post(reverse("enforcement:action_decide", args=[action.pk]), {"decision": "upheld"}).status_code
        == 403
    )
    client_as("coordinator").post(reverse("enforcement:action_decide", args=[action.pk]), {"decision": "sustained"})
    action.refresh_from_db()
    assert action.status == ActionStatus.RELEASED


def test_invalid_step_shows_a_message_not_an_error(client_as):
    office(1)
    action = EnforcementAction.objects.first()
    client = client_as("enforcement_specialist")
    response = client.post(reverse("enforcement:action_activate", args=[action.pk]), follow=True)
    assert response.status_code == 200 and b"Cannot activate" in response.content
    response = client.post(reverse("enforcement:action_contest", args=[action.pk]), {"reason": ""}, follow=True)
    assert response.status_code == 200


def test_out_of_county_action_is_404(client_as, role_user):
    office(2)
    caseworker = role_user("caseworker")
    caseworker.county = "Bronx"
    caseworker.save()
    albany = EnforcementAction.objects.filter(case__county="Albany").first()
    assert client_as("caseworker").get(reverse("enforcement:action_detail", args=[albany.pk])).status_code == 404


def test_rules_page_shows_versions_and_citations(client_as):
    page = client_as("enforcement_specialist").get(reverse("enforcement:rule_list"))
    assert page.status_code == 200
    for text in (b"42 USC 652(k)", b"NY DRL 244-b", b"Fam. Code 17500(c)", b"45 CFR 303.72", b"42 USC 666(a)(17)"):
        assert text in page.content


def test_coordinator_starts_a_sweep(client_as, django_capture_on_commit_callbacks):
    delinquent_case(unassigned="3000.00")
    client = client_as("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enforcement:sweep_start"))
    run = SweepRun.objects.get()
    assert run.status == "finished" and run.proposed > 0
    page = client.get(reverse("enforcement:sweeprun_list"))
    assert str(run.proposed).encode() in page.content
    assert client_as("enforcement_specialist").post(reverse("enforcement:sweep_start")).status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_dashboard_figures_and_query_count(client_as, django_assert_max_num_queries, n):
    office(n)
    EnforcementAction.objects.filter(remedy=Remedy.CREDIT_BUREAU).update(timeframe_due_on=AS_OF - timedelta(days=1))
    client = client_as("coordinator")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("enforcement:dashboard"))
    assert page.status_code == 200
    assert page.context["delinquent"]["n"] == n
    assert page.context["compliance"]["overdue"] == n and page.context["compliance"]["rate"] == 0.0
    grid = {row["remedy"]: row["n"] for row in page.context["rows"]}
    assert grid[Remedy.PASSPORT_DENIAL] == n
    remedy_chart = page.context["charts"]["remedy"]
    assert remedy_chart.url.encode().replace(b"&", b"&amp;") in page.content
    svg = client.get(remedy_chart.url)
    assert svg["Content-Type"] == "image/svg+xml" and str(Remedy.PASSPORT_DENIAL.label).encode() in svg.content
    assert reverse("enforcement:delinquent_cases").encode() in page.content
    listing = client.get(reverse("enforcement:delinquent_cases"))
    assert len(listing.context["object_list"]) == n


def test_home_cards_for_specialist(client_as):
    office(1)
    page = client_as("enforcement_specialist").get(reverse("core:home"))
    assert b"Proposed actions" in page.content


def test_the_action_page_offers_activation_only_after_the_last_day_to_contest(client_as, make_user):
    from enforcement.services.actions import action_notice_issue

    office(1)
    action = EnforcementAction.objects.get(remedy=Remedy.PASSPORT_DENIAL)
    action = action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:action_detail", args=[action.pk])
    # today (AS_OF) is the window's last day: the NCP may still contest, nothing is sent yet
    EnforcementAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.CONTEST_WINDOW, notice_issued_on=AS_OF - timedelta(days=30), contest_ends_on=AS_OF
    )
    page = client.get(url)
    assert page.context["can_contest"] is True and page.context["can_activate"] is False
    # the window ended yesterday: activation is offered, a contest no longer
    EnforcementAction.objects.filter(pk=action.pk).update(contest_ends_on=AS_OF - timedelta(days=1))
    page = client.get(url)
    assert page.context["can_contest"] is False and page.context["can_activate"] is True


def test_a_paid_up_action_is_released_not_sent_and_the_page_says_why(client_as, make_user):
    # given: the window is over, and the NCP paid in full meanwhile (the page may have offered sending)
    from cases.models import CaseBalance
    from enforcement.services.actions import action_notice_issue

    office(1)
    action = EnforcementAction.objects.get(remedy=Remedy.PASSPORT_DENIAL)
    action = action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    EnforcementAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.CONTEST_WINDOW, contest_ends_on=AS_OF - timedelta(days=1)
    )
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:action_detail", args=[action.pk])
    assert client.get(url).context["can_activate"] is True
    CaseBalance.objects.filter(case=action.case).update(total_arrears=0, unassigned_arrears=0)
    why = f"the arrears on case {action.case.case_number} are paid in full (total arrears $0.00)"
    # then: the page no longer offers sending it, and says why
    page = client.get(url)
    assert page.context["can_activate"] is False
    assert f"Not to be sent to {action.partner}: {why}. The nightly sweep releases it" in page.content.decode()
    # when: the button on a page opened before the payment is pressed
    page = client.post(reverse("enforcement:action_activate", args=[action.pk]), follow=True)
    # then: released as paid up, not sent, and told so as a warning
    action.refresh_from_db()
    assert (action.status, action.release_reason) == (ActionStatus.RELEASED, "paid_up")
    [message] = list(page.context["messages"])
    assert message.level_tag == "warning"
    assert str(message) == (
        f"Not sent to {action.partner}: {why}, so the action was released (paid up), as the nightly sweep releases it."
    )

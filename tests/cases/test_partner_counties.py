"""Partner API keys read and write only their counties' objects (issue 12.2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import partner_key_create
from cases.models import Collection
from enforcement.models import EnforcementAction
from hearings.models import Hearing, HearingRequest
from tests.cases.factories import CaseFactory, case_with_order
from tests.hearings.factories import HearingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def albany_and_schenectady():
    return case_with_order(county="Albany"), case_with_order(county="Schenectady")


def _numbers(api, url="/api/v1/cases/"):
    response = api.get(url, {"page_size": 50})
    assert response.status_code == 200
    return sorted(c["case_number"] for c in response.json()["results"])


def test_key_lists_and_reads_only_its_counties_cases(api_client_with, albany_and_schenectady):
    albany, schenectady = albany_and_schenectady
    api = api_client_with("cases:read", counties=["Albany"])
    assert _numbers(api) == [albany.case_number]
    assert api.get(f"/api/v1/cases/{albany.case_number}/").status_code == 200
    assert api.get(f"/api/v1/cases/{schenectady.case_number}/").json() == {"detail": "Not found."}
    assert api.get(f"/api/v1/cases/{schenectady.case_number}/ledger/").status_code == 404
    assert api.get(f"/api/v1/cases/{albany.case_number}/ledger/").status_code == 200


def test_key_with_several_counties_and_state_wide_key(api_client_with, albany_and_schenectady):
    both = sorted(c.case_number for c in albany_and_schenectady)
    assert _numbers(api_client_with("cases:read", agency="Two", counties=["Albany", "Schenectady"])) == both
    assert _numbers(api_client_with("cases:read", agency="State", all_counties=True)) == both


def test_key_without_counties_reaches_nothing(albany_and_schenectady):
    # a key row from before keys had counties (or edited to none): fails closed
    key, raw = partner_key_create(agency_name="Old", scopes=["cases:read"], all_counties=True)
    ApiKey.objects.filter(pk=key.pk).update(all_counties=False, counties=[])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert _numbers(api) == []


def test_key_posts_collections_only_to_its_counties(api_client_with, albany_and_schenectady):
    albany, schenectady = albany_and_schenectady
    api = api_client_with("collections:write", counties=["Albany"])
    body = {"amount": "25.00", "received_on": "2024-03-01", "source": "income_withholding"}
    refused = api.post(
        "/api/v1/collections/",
        {**body, "case_number": schenectady.case_number, "source_reference": "S-1"},
        format="json",
    )
    # another county's case is unknown to the key: the same answer as a number that does not exist
    assert refused.status_code == 400 and refused.json() == {"case_number": ["Unknown case number."]}
    batch = api.post(
        "/api/v1/collections/batch/",
        {
            "items": [
                {**body, "case_number": albany.case_number, "source_reference": "A-1"},
                {**body, "case_number": schenectady.case_number, "source_reference": "S-2"},
            ]
        },
        format="json",
    )
    assert batch.status_code == 400 and batch.json() == {"items": {"1": {"case_number": ["Unknown case number."]}}}
    assert not Collection.objects.exists()  # all or nothing
    ok = api.post(
        "/api/v1/collections/", {**body, "case_number": albany.case_number, "source_reference": "A-2"}, format="json"
    )
    assert ok.status_code == 201 and Collection.objects.get().case == albany


def test_enforcement_actions_and_court_actions_follow_the_key_counties(api_client_with, albany_and_schenectady):
    from enforcement.models import RemedyRule

    rule = RemedyRule.objects.first()
    if rule is None:
        pytest.skip("no remedy rule seeded")
    for case in albany_and_schenectady:
        EnforcementAction.objects.create(
            case=case,
            rule=rule,
            remedy=rule.remedy,
            proposed_on=date(2026, 1, 5),
            total_arrears=Decimal("900.00"),
            timeframe_start_on=date(2026, 1, 5),
            timeframe_due_on=date(2026, 2, 4),
        )
    api = api_client_with("enforcement:read", counties=["Schenectady"])
    results = api.get("/api/v1/enforcement-actions/").json()["results"]
    assert [r["case_number"] for r in results] == [albany_and_schenectady[1].case_number]


def test_hearing_requests_follow_the_key_counties(api_client_with):
    albany = HearingRequestFactory(case=CaseFactory(county="Albany"))
    HearingRequestFactory(case=CaseFactory(county="Schenectady"))
    HearingRequestFactory(case=None)  # no case: no county, so no county-limited key sees it
    response = api_client_with("hearings:read", counties=["Albany"]).get("/api/v1/hearings/")
    assert [r["number"] for r in response.json()["results"]] == [albany.number]
    assert (
        len(
            api_client_with("hearings:read", agency="State", all_counties=True)
            .get("/api/v1/hearings/")
            .json()["results"]
        )
        == 3
    )


def test_postponed_hearing_does_not_duplicate_the_request(make_user):
    # given an officer without view_all_hearings and a request heard twice (postponed, rescheduled)
    from django.contrib.auth.models import Permission

    officer = make_user(username="officer_only")
    officer.user_permissions.add(Permission.objects.get(codename="view_hearingrequest"))
    officer = type(officer).objects.get(pk=officer.pk)
    request = HearingRequestFactory()
    for day in (1, 8):
        Hearing.objects.create(
            request=request,
            officer=officer,
            mode="phone",
            location="Bridge",
            starts_at=timezone.make_aware(datetime(2026, 12, day, 10)),
            ends_at=timezone.make_aware(datetime(2026, 12, day, 11)),
            status="postponed" if day == 1 else "scheduled",
        )
    # then the request is in scope once, and fetching it does not raise MultipleObjectsReturned
    scoped = HearingRequest.objects.restrict(officer, "view")
    assert list(scoped) == [request]
    assert HearingRequest.objects.get_for(officer, "view", number=request.number) == request


# The command ---------------------------------------------------------------------------------
def _command(*args):
    out, err = StringIO(), StringIO()
    call_command("create_partner_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1], err.getvalue()


def test_command_limits_the_key_to_the_counties_given():
    CaseFactory(county="Albany")
    raw, err = _command("Court", "--scopes", "cases:read", "--counties", "Albany, Schenectady,Albany")
    key = ApiKey.objects.get()
    assert key.matches(raw) and key.counties == ["Albany", "Schenectady"] and not key.all_counties
    assert "no case is in Schenectady" in err  # a spelling check, not a refusal


def test_command_state_wide_key_must_be_explicit():
    _command("State", "--scopes", "cases:read", "--all-counties")
    key = ApiKey.objects.get()
    assert key.all_counties and key.counties == []


@pytest.mark.parametrize("extra", [(), ("--counties", " , ")])
def test_command_refuses_a_key_without_counties(extra):
    with pytest.raises(CommandError, match="counties"):
        _command("Court", "--scopes", "cases:read", *extra)
    assert not ApiKey.objects.exists()


def test_command_refuses_both_counties_and_all_counties():
    with pytest.raises(CommandError):
        _command("Court", "--scopes", "cases:read", "--counties", "Albany", "--all-counties")
    assert not ApiKey.objects.exists()


def test_service_refuses_neither_or_both():
    for kwargs in ({}, {"counties": ["Albany"], "all_counties": True}):
        with pytest.raises(ValueError):
            partner_key_create(agency_name="X", scopes=["cases:read"], **kwargs)
    assert not ApiKey.objects.exists()


def test_amounts_are_unchanged_by_scope(api_client_with, albany_and_schenectady):
    albany, _ = albany_and_schenectady
    detail = api_client_with("cases:read").get(f"/api/v1/cases/{albany.case_number}/").json()
    assert detail["case_number"] == albany.case_number
    assert Decimal(str(detail["orders"][0]["obligations"][0]["amount"])) == Decimal("500.00")

"""Object scope fails closed, down to the caseload (issue 12.2).

A staff user sees their county's cases (every county with ``cases.view_all_cases``; none without
a county), and changes only the cases of their own county (whatever they read) on their own
caseload unless their role holds ``cases.work_any_case_in_county``. Not visible → 404; visible but
not writable → 403, logged (tests/cases/test_scope_writes.py: state-wide readers).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.models import Case, CaseNote, Collection, WorkItem
from cases.models.scope import case_scope_q
from cases.services import collection_post
from core.models import AccessLog
from tests.cases.factories import CaseFactory, WorkItemFactory, case_create_post, case_with_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user):
    """A second caseworker of the same county (another caseload)."""
    return make_user("caseworker", username="colleague")


@pytest.fixture
def cases(role_user, colleague):
    worker = role_user("caseworker")
    return {
        "mine": CaseFactory(county="Albany", caseworker=worker),
        "colleague": CaseFactory(county="Albany", caseworker=colleague),
        "unassigned": CaseFactory(county="Albany", caseworker=None),
        "other_county": CaseFactory(county="Schenectady", caseworker=None),
    }


def _note(client, case, body="Called the NCP."):
    return client.post(reverse("cases:note_add", args=[case.case_number]), {"body": body})


def test_user_without_a_county_sees_no_case(make_user, cases, client):
    # given a caseworker with no county (a multi-county deployment names no office county)
    nobody = make_user("caseworker", username="no_county", county="")
    # then no case is in their scope, for reading or writing
    assert not Case.objects.restrict(nobody, "view").exists()
    assert not Case.objects.restrict(nobody, "change").exists()
    client.force_login(nobody)
    assert client.get(reverse("cases:case_detail", args=[cases["mine"].case_number])).status_code == 404
    assert _note(client, cases["unassigned"]).status_code == 404
    assert not CaseNote.objects.exists()
    listing = client.get(reverse("cases:case_list"), {"scope": "all"})
    assert listing.status_code == 200 and list(listing.context["object_list"]) == []


@override_settings(CASEWORKS_OFFICE_COUNTY="Albany")
def test_one_county_office_gives_staff_without_a_county_its_county(make_user, cases):
    nobody = make_user("caseworker", username="no_county", county="")
    visible = set(Case.objects.restrict(nobody, "view").values_list("case_number", flat=True))
    assert visible == {cases[k].case_number for k in ("mine", "colleague", "unassigned")}


def test_county_user_sees_only_their_county(role_user, cases):
    visible = set(Case.objects.restrict(role_user("caseworker"), "view").values_list("pk", flat=True))
    assert visible == {cases[k].pk for k in ("mine", "colleague", "unassigned")}


@pytest.mark.parametrize(
    "role", ["coordinator", "quality_analyst", "ombudsperson", "hearing_officer", "enforcement_specialist"]
)
def test_view_all_cases_sees_every_county(role_user, cases, role):
    user = role_user(role)
    assert Case.objects.restrict(user, "view").count() == len(cases)


def test_caseworker_changes_only_their_caseload(role_user, cases):
    worker = role_user("caseworker")
    assert list(Case.objects.restrict(worker, "change")) == [cases["mine"]]
    assert case_scope_q(worker, "case__", "change") is not None


@pytest.mark.parametrize("role", ["coordinator", "enforcement_specialist"])
def test_work_any_case_lifts_the_caseload_rule_within_the_county(role_user, cases, role):
    user = role_user(role)
    assert user.has_perm("cases.work_any_case_in_county")
    # every caseload of their county (Albany), not the other county they only read
    assert set(Case.objects.in_scope(user, "change")) == {cases[k] for k in ("mine", "colleague", "unassigned")}


def test_caseworker_lacks_work_any_case_in_county(role_user):
    assert not role_user("caseworker").has_perm("cases.work_any_case_in_county")


def test_note_on_own_caseload_is_written(client_as, cases):
    response = _note(client_as("caseworker"), cases["mine"])
    assert response.status_code == 302
    assert CaseNote.objects.get().case == cases["mine"]


def test_note_on_another_caseload_is_403_and_logged(client_as, role_user, cases):
    client = client_as("caseworker")
    # the colleague's case is visible ...
    assert client.get(reverse("cases:case_detail", args=[cases["colleague"].case_number])).status_code == 200
    # ... but not writable: 403, nothing written, an access-denial row naming the case
    response = _note(client, cases["colleague"])
    assert response.status_code == 403
    assert not CaseNote.objects.exists()
    denial = AccessLog.objects.get(kind=AccessLog.Kind.ACCESS_DENIED)
    assert (denial.user, denial.object_type, denial.object_id) == (
        role_user("caseworker"),
        "cases.Case",
        str(cases["colleague"].pk),
    )
    assert denial.detail == {"action": "change", "reason": "out_of_scope"} and denial.outcome == "denied"
    assert denial.path == reverse("cases:note_add", args=[cases["colleague"].case_number])


@pytest.mark.parametrize(
    "url_name",
    ["cases:payment_create", "cases:order_create", "cases:locate_add", "cases:workitem_create", "cases:case_close"],
)
def test_write_forms_of_another_caseload_are_403(client_as, cases, url_name):
    client = client_as("caseworker")
    assert client.get(reverse(url_name, args=[cases["mine"].case_number])).status_code == 200
    assert client.get(reverse(url_name, args=[cases["unassigned"].case_number])).status_code == 403
    assert client.get(reverse(url_name, args=[cases["other_county"].case_number])).status_code == 404


def test_payment_on_another_caseload_posts_nothing(client_as, cases):
    response = client_as("caseworker").post(
        reverse("cases:payment_create", args=[cases["colleague"].case_number]),
        {"amount": "50.00", "received_on": "2024-03-01", "source": "direct_payment", "source_reference": "R-1"},
    )
    assert response.status_code == 403
    assert not Collection.objects.exists()


def test_other_county_case_is_404_for_reading_and_writing(client_as, cases):
    client = client_as("caseworker")
    number = cases["other_county"].case_number
    assert client.get(reverse("cases:case_detail", args=[number])).status_code == 404
    assert _note(client, cases["other_county"]).status_code == 404
    assert not CaseNote.objects.exists()
    assert not AccessLog.objects.filter(
        kind=AccessLog.Kind.ACCESS_DENIED, outcome="denied", detail__reason="out_of_scope"
    ).exists()


def test_coordinator_writes_on_any_caseload_of_their_county_only(client_as, cases):
    assert _note(client_as("coordinator"), cases["colleague"]).status_code == 302
    assert _note(client_as("coordinator"), cases["other_county"]).status_code == 403  # read, not written
    assert CaseNote.objects.count() == 1


def test_work_item_on_another_caseload_is_403_unless_assigned(client_as, role_user, cases):
    worker = role_user("caseworker")
    theirs = WorkItemFactory(case=cases["colleague"])
    mine = WorkItemFactory(case=cases["colleague"], assigned_to=worker)
    client = client_as("caseworker")
    assert client.post(reverse("cases:workitem_complete", args=[theirs.pk]), {"confirmed": "yes"}).status_code == 403
    assert client.post(reverse("cases:workitem_complete", args=[mine.pk]), {"confirmed": "yes"}).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.status, mine.status) == ("open", "done")
    elsewhere = WorkItemFactory(case=cases["other_county"], assigned_to=worker)
    assert client.post(reverse("cases:workitem_complete", args=[elsewhere.pk]), {"confirmed": "yes"}).status_code == 404
    assert WorkItem.objects.get(pk=elsewhere.pk).status == "open"


def test_held_collection_released_only_to_a_case_on_the_caseload(client_as, cases):
    colleague_case = case_with_order(monthly=Decimal("100.00"), caseworker=cases["colleague"].caseworker)
    held = collection_post(
        case_number="NY-UNKNOWN",
        amount=Decimal("120.00"),
        received_on=date(2024, 4, 2),
        source="direct_payment",
        source_reference="H-9",
        received_via="file",
    ).collection
    response = client_as("caseworker").post(
        reverse("ledger:held_release", args=[held.pk]), {"case_number": colleague_case.case_number}
    )
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == "held" and held.case is None


def test_case_is_opened_only_in_the_users_county(client_as, make_user, client):
    data = case_create_post(county="Schenectady")
    response = client_as("caseworker").post(reverse("cases:case_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"county": ["You open cases in your county (Albany)."]}
    client.force_login(make_user("caseworker", username="no_county", county=""))
    assert "county" in client.post(reverse("cases:case_create"), data).context["form"].errors
    assert not Case.objects.exists()


def test_a_work_item_of_no_case_is_confirmed_and_marked_done_by_its_assignee(client_as, role_user):
    worker = role_user("caseworker")
    item = WorkItemFactory(case=None, assigned_to=worker, title="Unit training sign-off")
    client = client_as("caseworker")
    page = client.get(reverse("cases:workitem_complete", args=[item.pk]))
    assert page.status_code == 200
    assert "Unit training sign-off" in page.content.decode()
    assert client.post(reverse("cases:workitem_complete", args=[item.pk]), {"confirmed": "yes"}).status_code == 302
    assert WorkItem.objects.get(pk=item.pk).status == "done"

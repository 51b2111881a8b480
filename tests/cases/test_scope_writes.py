"""Writes stay in the user's county (cases.models.scope): a state-wide reader is not a state-wide writer.

``cases.view_all_cases`` lets coordinators and enforcement specialists read every county's cases;
``cases.work_any_case_in_county`` lets them change any case *of their county*, not only their
caseload. A case they read in another county answers 403 (logged) to every write, and nothing is
written; a user with no county (and no one-county office) writes to no case at all. Superusers
(administrators) are outside the rule, as ``restrict()`` and Django admin treat them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.choices import CollectionReverseReason, CollectionStatus
from cases.models import Case, CaseNote, Collection, Person, SupportOrder, WorkItem
from cases.models.scope import case_scope_q
from cases.services import charges_accrue, collection_post
from cases.services.ledger import collection_reverse_shown
from core.models import AccessLog
from core.stale import shown_token
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction, Petition
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import CaseFactory, WorkItemFactory, case_create_post, case_with_order
from tests.cases.test_person_edit import form_values
from tests.enforcement.factories import AS_OF, delinquent_case
from tests.pages import SHOWN_INPUT

pytestmark = pytest.mark.django_db
STATE_WIDE = ["coordinator", "enforcement_specialist"]


@pytest.fixture
def erie(make_user):
    """``erie("coordinator")`` → a user of that role working in Erie County."""

    def make(role: str, county: str = "Erie"):
        return make_user(role, username=f"{county or 'nowhere'}_{role}", county=county)

    return make


@pytest.fixture
def albany_case():
    return CaseFactory(county="Albany")


@pytest.fixture
def erie_case():
    return CaseFactory(county="Erie", caseworker=None)


def _denied(user, case) -> bool:
    return AccessLog.objects.filter(
        kind=AccessLog.Kind.ACCESS_DENIED, user=user, object_id=str(case.pk), detail__reason="out_of_scope"
    ).exists()


def _note(client, case):
    return client.post(reverse("cases:note_add", args=[case.case_number]), {"body": "Called the NCP."})


# The rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STATE_WIDE)
def test_a_state_wide_reader_changes_only_their_own_countys_cases(erie, albany_case, erie_case, role):
    user = erie(role)
    assert set(Case.objects.restrict(user, "view")) == {albany_case, erie_case}
    assert set(Case.objects.in_scope(user, "change")) == {erie_case}
    assert set(Case.objects.in_scope(user, "work")) == {erie_case}  # any write action, not only "change"


@pytest.mark.parametrize("role", STATE_WIDE)
def test_a_state_wide_reader_without_a_county_changes_no_case(erie, albany_case, erie_case, role):
    user = erie(role, county="")
    assert Case.objects.restrict(user, "view").count() == 2  # reading every county is unchanged
    assert not Case.objects.in_scope(user, "change").exists()  # fail closed: no county, no writes
    q = case_scope_q(user, "case__", "change")
    assert q is not None  # None would mean every row
    items = [WorkItemFactory(case=albany_case), WorkItemFactory(case=erie_case)]
    assert not WorkItem.objects.filter(pk__in=[item.pk for item in items]).filter(q).exists()


@override_settings(CASEWORKS_OFFICE_COUNTY="Erie")
def test_a_one_county_office_gives_a_coordinator_without_a_county_its_county_to_change(erie, albany_case, erie_case):
    assert set(Case.objects.in_scope(erie("coordinator", county=""), "change")) == {erie_case}


def test_a_caseworker_still_changes_only_their_caseload_of_their_county(role_user, make_user, albany_case):
    worker = role_user("caseworker")  # Albany, albany_case is on their caseload
    colleague_case = CaseFactory(county="Albany", caseworker=make_user("caseworker", username="colleague"))
    assert set(Case.objects.in_scope(worker, "change")) == {albany_case}
    assert colleague_case in Case.objects.restrict(worker, "view")


def test_an_administrator_is_outside_the_county_rule(role_user, client_as):
    # a superuser: restrict() returns every row for them, as Django admin (where they work) does
    elsewhere = CaseFactory(county="Schenectady")
    assert case_scope_q(role_user("administrator"), "case__", "change") is None
    assert _note(client_as("administrator"), elsewhere).status_code == 302


# The pages: each write to another county's case is a 403, logged, nothing written -----------------


@pytest.mark.parametrize("role", STATE_WIDE)
def test_a_note_on_another_countys_case_is_refused_and_on_their_own_written(client, erie, albany_case, erie_case, role):
    user = erie(role)
    client.force_login(user)
    assert client.get(reverse("cases:case_detail", args=[albany_case.case_number])).status_code == 200
    assert _note(client, albany_case).status_code == 403
    assert _denied(user, albany_case)
    assert not CaseNote.objects.filter(case=albany_case).exists()
    assert _note(client, erie_case).status_code == 302
    assert CaseNote.objects.filter(case=erie_case).count() == 1


def test_a_payment_on_another_countys_case_is_refused(client, erie, albany_case, erie_case):
    user = erie("enforcement_specialist")  # cases.add_collection
    client.force_login(user)
    data = {"amount": "50.00", "received_on": "2024-03-01", "source": "direct_payment", "source_reference": "R-1"}
    assert client.post(reverse("cases:payment_create", args=[albany_case.case_number]), data).status_code == 403
    assert not Collection.objects.filter(case=albany_case).exists() and _denied(user, albany_case)
    response = client.post(reverse("cases:payment_create", args=[erie_case.case_number]), data)
    assert response.status_code == 302
    assert Collection.objects.filter(case=erie_case).exists()


def test_reversing_a_payment_of_another_countys_case_is_refused(client, erie):
    with time_machine.travel(datetime(2024, 4, 15, 17, tzinfo=UTC), tick=False):
        case = case_with_order(county="Albany")
        charges_accrue(through=date(2024, 4, 15))
        collection = collection_post(
            case_number=case.case_number,
            amount=Decimal("300.00"),
            received_on=date(2024, 4, 10),
            source="direct_payment",
            source_reference="CHK-1",
            received_via="api",
        ).collection
        user = erie("coordinator")  # cases.change_collection
        client.force_login(user)
        url = reverse("cases:collection_reverse", kwargs={"case_number": case.case_number, "pk": collection.pk})
        data = {
            "reason": CollectionReverseReason.RETURNED_UNPAID,
            "reason_text": "NSF",
            "shown": shown_token(collection_reverse_shown(collection)),
        }
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.POSTED


@pytest.fixture
def state_wide_caseworker(erie):
    """A caseworker of Erie whose office granted ``cases.view_all_cases`` (reads every county)."""
    user = erie("caseworker")
    user.user_permissions.add(Permission.objects.get(codename="view_all_cases", content_type__app_label="cases"))
    return type(user).objects.get(pk=user.pk)  # no cached permissions


def test_an_order_on_another_countys_case_is_refused_even_on_the_users_caseload(client, state_wide_caseworker):
    # the order permission is a caseworker's: a caseworker reading state-wide, with an Albany case on
    # their caseload (a transfer not yet reassigned), may still not write to it
    albany = CaseFactory(county="Albany", caseworker=state_wide_caseworker)
    erie_own = CaseFactory(county="Erie", caseworker=state_wide_caseworker)
    client.force_login(state_wide_caseworker)
    data = {
        "order_number": "F-9",
        "kind": "court",
        "issued_on": "2026-11-02",
        "effective_on": "2026-11-02",
        "current_support": "450.00",
        "frequency": "monthly",
        "medical_support": "50",
    }
    assert client.get(reverse("cases:case_detail", args=[albany.case_number])).status_code == 200
    assert client.post(reverse("cases:order_create", args=[albany.case_number]), data).status_code == 403
    assert not SupportOrder.objects.filter(case=albany).exists()
    assert client.post(reverse("cases:order_create", args=[erie_own.case_number]), data).status_code == 302
    assert SupportOrder.objects.filter(case=erie_own).exists()


def test_a_case_is_opened_only_in_the_users_county_even_by_a_state_wide_reader(client, state_wide_caseworker):
    client.force_login(state_wide_caseworker)
    data = case_create_post(county="Albany")
    response = client.post(reverse("cases:case_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"county": ["You open cases in your county (Erie)."]}
    assert not Case.objects.exists()


def _person_url(name, case, person):
    return reverse(name, kwargs={"case_number": case.case_number, "person_id": person.pk})


def test_a_person_edit_on_another_countys_case_is_refused(client, erie, albany_case, erie_case):
    user = erie("coordinator")  # cases.change_person
    client.force_login(user)
    person = albany_case.cp
    assert client.get(_person_url("cases:person_edit", albany_case, person)).status_code == 403
    response = client.post(
        _person_url("cases:person_edit", albany_case, person), {"first_name": "X", "last_name": "Y", "sex": "F"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.first_name != "X"
    # their own county's person: the page opens and the change is saved
    mine = erie_case.cp
    page = client.get(_person_url("cases:person_edit", erie_case, mine))
    assert page.status_code == 200
    response = client.post(
        _person_url("cases:person_edit", erie_case, mine), {**form_values(page), "phone": "716-555-0101"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.phone == "716-555-0101"


def test_a_family_violence_indicator_on_another_countys_case_is_refused(client, erie, albany_case, erie_case):
    user = erie("coordinator")  # cases.change_person
    client.force_login(user)
    data = {"reported_on": timezone.localdate().isoformat(), "reason": "CP disclosed abuse by the NCP at the desk."}
    assert client.post(_person_url("cases:person_fvi_set", albany_case, albany_case.cp), data).status_code == 403
    assert not Person.objects.get(pk=albany_case.cp.pk).family_violence
    assert client.post(_person_url("cases:person_fvi_set", erie_case, erie_case.cp), data).status_code == 302
    assert Person.objects.get(pk=erie_case.cp.pk).family_violence


def test_closing_another_countys_case_is_refused(client, erie, albany_case, erie_case):
    user = erie("coordinator")  # cases.close_case
    client.force_login(user)
    data = {"reason": "recipient_request", "confirm": "on"}
    assert client.post(reverse("cases:case_close", args=[albany_case.case_number]), data).status_code == 403
    albany_case.refresh_from_db()
    assert albany_case.is_open
    url = reverse("cases:case_close", args=[erie_case.case_number])
    shown = SHOWN_INPUT.findall(client.get(url).content.decode())  # what the page showed (core.stale), if it asks
    assert client.post(url, {**data, **({"shown": shown[0]} if shown else {})}).status_code == 302
    erie_case.refresh_from_db()
    assert not erie_case.is_open


def test_a_work_item_assigned_to_the_user_in_another_county_is_not_theirs_to_work(client, erie, albany_case):
    user = erie("coordinator")
    item = WorkItemFactory(case=albany_case, assigned_to=user)
    client.force_login(user)
    assert client.get(reverse("cases:workitem_detail", args=[item.pk])).status_code == 200
    assert client.post(reverse("cases:workitem_complete", args=[item.pk]), {"confirmed": "yes"}).status_code == 403
    assert WorkItem.objects.get(pk=item.pk).status == "open"


@pytest.mark.parametrize("role", STATE_WIDE)
def test_a_coordinator_without_a_county_writes_nothing(client, erie, albany_case, erie_case, role):
    user = erie(role, county="")
    client.force_login(user)
    for case in (albany_case, erie_case):
        assert client.get(reverse("cases:case_detail", args=[case.case_number])).status_code == 200
        assert _note(client, case).status_code == 403
    assert not CaseNote.objects.exists()


# Enforcement: steps, bulk notices and court work on another county's case ------------------------


@pytest.fixture
def passports():
    """A proposed passport-denial action on an Albany case and one on an Erie case."""
    albany = delinquent_case(unassigned="3000.00", county="Albany")
    erie_case = delinquent_case(unassigned="3000.00", county="Erie")
    sweep_run_inline(as_of=AS_OF)
    return {
        county: EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
        for county, case in (("Albany", albany), ("Erie", erie_case))
    }


@pytest.mark.parametrize("role", STATE_WIDE)
def test_an_enforcement_step_on_another_countys_case_is_refused(client, erie, passports, role):
    user = erie(role)
    client.force_login(user)
    albany = passports["Albany"]
    assert client.get(reverse("enforcement:action_detail", args=[albany.pk])).status_code == 200
    assert (
        client.post(reverse("enforcement:action_issue_notice", args=[albany.pk]), {"confirmed": "yes"}).status_code
        == 403
    )
    assert EnforcementAction.objects.get(pk=albany.pk).status == ActionStatus.PROPOSED
    response = client.post(
        reverse("enforcement:action_bulk_issue"), {"ids": [albany.pk, passports["Erie"].pk], "confirmed": "yes"}
    )
    assert response.status_code == 200
    assert [pk for pk, _why in response.context["refused"]] == [albany.pk]
    assert EnforcementAction.objects.get(pk=albany.pk).status == ActionStatus.PROPOSED
    assert EnforcementAction.objects.get(pk=passports["Erie"].pk).status != ActionStatus.PROPOSED


def test_a_petition_on_another_countys_case_is_refused(client, erie, albany_case, erie_case):
    user = erie("enforcement_specialist")  # enforcement.add_petition
    client.force_login(user)
    data = {"kind": "violation", "court_name": "Family Court", "filed_on": "2026-11-02", "reason": "Arrears"}
    url = reverse("enforcement:petition_create")
    assert client.post(url, {**data, "case_number": albany_case.case_number}).status_code == 403
    assert not Petition.objects.filter(case=albany_case).exists() and _denied(user, albany_case)
    assert client.post(url, {**data, "case_number": erie_case.case_number}).status_code == 302
    assert Petition.objects.filter(case=erie_case).exists()


def test_court_work_on_another_countys_petition_or_referral_is_refused(client, erie, albany_case):
    from enforcement.services import petition_create
    from tests.enforcement.factories import CriminalReferralFactory
    from tests.pages import shown_on

    petition = petition_create(case=albany_case, kind="violation", by=None)
    referral = CriminalReferralFactory(case=albany_case)
    user = erie("enforcement_specialist")  # enforcement.change_petition, change_criminalreferral
    client.force_login(user)
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))
    assert page.status_code == 200  # read state-wide
    update = {**shown_on(page), "docket_number": "V-9-26", "filed_on": "2026-11-20", "served_on": ""}
    assert client.post(reverse("enforcement:petition_update", args=[petition.pk]), update).status_code == 403
    petition.refresh_from_db()
    assert petition.docket_number == ""
    url = reverse("enforcement:referral_detail", args=[referral.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url, {**shown_on(page), "status": "closed", "outcome": "convicted", "outcome_on": "2026-11-22"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.outcome == ""

"""Paternity recorded after a case is opened (45 CFR 303.5): the page and who may use it, the
service's rules, a granted paternity petition, and the OCSE-157 paternity line that reads it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import ParticipantRole
from cases.models import CaseParticipant
from cases.services import PaternityData, paternity_record
from core.models import DomainEvent
from core.stale import SHOWN
from enforcement.choices import PetitionKind
from enforcement.services import petition_create
from enforcement.services.courts import petition_decide
from quality.measures import compute_lines
from tests.cases.factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db
ESTABLISHED = {"status": "established", "established_on": "2026-11-02", "method": "voluntary_acknowledgment"}
ESTABLISHED_DATA = {"status": "established", "established_on": date(2026, 11, 2), "method": "voluntary_acknowledgment"}


def _case():
    case = CaseFactory()
    child = case.children[0]
    child.paternity_status, child.paternity_established_on, child.paternity_method = "pending", None, ""
    child.born_in_wedlock = False
    child.save()
    return case, child


def _url(case, child):
    return reverse("cases:paternity_record", kwargs={"case_number": case.case_number, "person_id": child.pk})


def _post(client, case, child, data):
    """The page as opened, then sent with ``data``."""
    form = client.get(_url(case, child)).context["form"]
    return client.post(_url(case, child), {SHOWN: form[SHOWN].initial, **data})


# Who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_on_their_caseload_and_a_coordinator_record_paternity(client_as, role):
    case, child = _case()
    page = _post(client_as(role), case, child, ESTABLISHED)
    assert page.status_code == 302
    child.refresh_from_db()
    assert (child.paternity_status, child.paternity_established_on, child.paternity_method) == (
        "established",
        date(2026, 11, 2),
        "voluntary_acknowledgment",
    )
    event = DomainEvent.objects.get(verb="person.paternity_recorded")
    assert event.case_id == case.pk and event.data["to"]["paternity_status"] == "established"


@pytest.mark.parametrize("role", ["ombudsperson", "quality_analyst", "hearing_officer", "enforcement_specialist"])
def test_roles_without_the_permission_are_refused(client_as, role):
    case, child = _case()
    client = client_as(role)
    assert client.get(_url(case, child)).status_code == 403
    assert client.post(_url(case, child), ESTABLISHED).status_code == 403
    child.refresh_from_db()
    assert child.paternity_status == "pending"


def test_another_caseload_is_403_another_county_404_and_no_county_refused(client, make_user):
    case, child = _case()
    erie = CaseFactory(county="Erie", case_number="NY-777002")
    erie_child = erie.children[0]
    client.force_login(make_user("caseworker", username="second_worker", county="Albany"))
    assert client.post(_url(case, child), ESTABLISHED).status_code == 403
    assert client.post(_url(erie, erie_child), ESTABLISHED).status_code == 404
    client.force_login(make_user("caseworker", username="countyless", county=""))
    assert client.post(_url(case, child), ESTABLISHED).status_code == 404
    child.refresh_from_db()
    assert child.paternity_status == "pending"


def test_only_a_child_of_this_case(client_as):
    case, _child = _case()
    other = CaseFactory()
    client = client_as("caseworker")
    assert client.get(_url(case, case.cp)).status_code == 404  # a parent: no paternity of theirs
    assert client.get(_url(case, other.children[0])).status_code == 404  # a child of another case


# The rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"status": "established", "established_on": "", "method": "court_order"}, "established_on"),
        ({"status": "established", "established_on": "2026-11-02", "method": ""}, "method"),
        ({**ESTABLISHED, "established_on": "2099-01-01"}, "established_on"),
        ({"status": "pending", "genetic_test_result": "positive"}, "genetic_test_ordered_on"),
        (
            {
                **ESTABLISHED,
                "method": "genetic_test",
                "genetic_test_ordered_on": "2026-10-01",
                "genetic_test_result": "negative",
            },
            "method",
        ),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_changes(client_as, bad, field):
    case, child = _case()
    page = _post(client_as("caseworker"), case, child, bad)
    assert page.status_code == 200 and field in page.context["form"].errors
    child.refresh_from_db()
    assert child.paternity_status == "pending" and not DomainEvent.objects.filter(verb__startswith="person.").exists()


def test_a_genetic_test_ordered_then_paternity_established_by_it(worker):
    _case_, child = _case()
    ordered = PaternityData(status="pending", genetic_test_ordered_on=date(2026, 10, 1))
    paternity_record(child=child, data=ordered, by=worker)
    paternity_record(
        child=child,
        data=PaternityData(
            status="established",
            established_on=date(2026, 11, 2),
            method="genetic_test",
            genetic_test_ordered_on=date(2026, 10, 1),
            genetic_test_result="positive",
        ),
        by=worker,
    )
    child.refresh_from_db()
    assert (child.paternity_method, child.genetic_test_result) == ("genetic_test", "positive")
    assert DomainEvent.objects.filter(verb="person.paternity_recorded").count() == 2


def test_the_same_data_sent_twice_records_it_once(client_as):
    case, child = _case()
    client = client_as("caseworker")
    form = client.get(_url(case, child)).context["form"]
    shown = form[SHOWN].initial
    assert client.post(_url(case, child), {SHOWN: shown, **ESTABLISHED}).status_code == 302
    again = client.post(_url(case, child), {SHOWN: shown, **ESTABLISHED})
    assert again.status_code == 200  # the page was opened before the first: it no longer shows the child
    assert DomainEvent.objects.filter(verb="person.paternity_recorded").count() == 1
    paternity_record(child=child, data=PaternityData(**ESTABLISHED_DATA), by=None)  # no page: nothing new
    assert DomainEvent.objects.filter(verb="person.paternity_recorded").count() == 1


def test_a_colleagues_change_since_the_page_opened_is_not_undone(client_as, worker):
    case, child = _case()
    client = client_as("caseworker")
    opened = client.get(_url(case, child)).context["form"][SHOWN].initial
    paternity_record(
        child=child, data=PaternityData(status="pending", genetic_test_ordered_on=date(2026, 10, 1)), by=worker
    )
    page = client.post(_url(case, child), {SHOWN: opened, "status": "not_needed"})
    assert page.status_code == 200
    child.refresh_from_db()
    assert (child.paternity_status, child.genetic_test_ordered_on) == ("pending", date(2026, 10, 1))


def test_a_status_other_than_established_clears_the_date_and_method(worker):
    case = CaseFactory()
    child = case.children[0]  # established by acknowledgment (the factory)
    paternity_record(child=child, data=PaternityData(status="pending"), by=worker)
    child.refresh_from_db()
    assert (child.paternity_status, child.paternity_established_on, child.paternity_method) == ("pending", None, "")


# A granted paternity petition -------------------------------------------------------------------------


def test_a_granted_paternity_petition_establishes_paternity_by_court_order(worker):
    case, child = _case()
    in_wedlock = ChildFactory(born_in_wedlock=True, paternity_status="not_needed", paternity_established_on=None)
    CaseParticipant.objects.create(case=case, person=in_wedlock, role=ParticipantRole.CHILD)
    petition = petition_create(case=case, kind=PetitionKind.PATERNITY, by=worker, filed_on=date(2026, 10, 1))
    petition_decide(petition=petition, outcome="granted", outcome_on=date(2026, 11, 20), by=worker)
    child.refresh_from_db()
    in_wedlock.refresh_from_db()
    assert (child.paternity_status, child.paternity_established_on, child.paternity_method) == (
        "established",
        date(2026, 11, 20),
        "court_order",
    )
    assert in_wedlock.paternity_status == "not_needed"  # born in wedlock: not the petition's
    assert DomainEvent.objects.get(verb="person.paternity_recorded").case_id == case.pk


def test_a_granted_paternity_petition_leaves_a_child_whose_participation_ended_alone(worker):
    case, child = _case()
    second = ChildFactory(born_in_wedlock=False, paternity_status="pending", paternity_established_on=None)
    second.paternity_method = ""
    second.save()
    CaseParticipant.objects.create(case=case, person=second, role=ParticipantRole.CHILD)
    services.case_child_end(
        participant=case.participants.get(person=second),
        ended_on=timezone.localdate(),
        reason="custody_changed",
        by=worker,
    )
    petition = petition_create(case=case, kind=PetitionKind.PATERNITY, by=worker, filed_on=date(2026, 10, 1))
    petition_decide(petition=petition, outcome="granted", outcome_on=date(2026, 11, 20), by=worker)
    child.refresh_from_db()
    second.refresh_from_db()
    assert child.paternity_status == "established"
    # no longer a child of the case: the petition, which names no child, is not about them
    assert (second.paternity_status, second.paternity_established_on) == ("pending", None)
    assert list(DomainEvent.objects.filter(verb="person.paternity_recorded").values_list("subject_id", flat=True)) == [
        child.pk
    ]


@pytest.mark.parametrize("outcome", ["denied", "dismissed"])
def test_a_paternity_petition_not_granted_changes_nothing(worker, outcome):
    case, child = _case()
    petition = petition_create(case=case, kind=PetitionKind.PATERNITY, by=worker, filed_on=date(2026, 10, 1))
    petition_decide(petition=petition, outcome=outcome, outcome_on=date(2026, 11, 20), by=worker)
    child.refresh_from_db()
    assert child.paternity_status == "pending"


# The OCSE-157 paternity line --------------------------------------------------------------------------


def test_the_157_paternity_line_counts_a_child_added_and_then_established(worker):
    """Line 6 (children born out of wedlock with paternity established, 45 CFR 303.5) counts a child
    added to the case after it opened once paternity is recorded, through the page's service or a
    granted petition."""
    case, first = _case()
    scope = Q(pk=case.pk)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 1, 12)), tick=False):
        assert [compute_lines(fiscal_year=2027, case_filter=scope)[k] for k in ("5a", "6")] == [1, 0]
        added = services.case_child_add(
            case=case,
            data=services.PartyData(
                "Nora",
                "Vega",
                date(2026, 9, 14),
                extra={"born_in_wedlock": False, "paternity_status": "pending"},
            ),
            by=worker,
        ).person
        paternity_record(child=first, data=PaternityData(**ESTABLISHED_DATA), by=worker, case=case)
        assert compute_lines(fiscal_year=2027, case_filter=scope)["6"] == 1
        petition = petition_create(case=case, kind=PetitionKind.PATERNITY, by=worker, filed_on=date(2026, 11, 1))
        petition_decide(petition=petition, outcome="granted", outcome_on=date(2026, 11, 30), by=worker)
        added.refresh_from_db()
        assert added.paternity_method == "court_order"
        # added in FY 2027, the child was not in the caseload at the end of FY 2026: line 6, not 5a
        assert [compute_lines(fiscal_year=2027, case_filter=scope)[k] for k in ("5a", "6")] == [1, 2]


def test_paternity_cannot_be_established_in_the_future(worker):
    _case_, child = _case()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError):
        paternity_record(
            child=child,
            data=PaternityData(status="established", established_on=tomorrow, method="court_order"),
            by=worker,
        )

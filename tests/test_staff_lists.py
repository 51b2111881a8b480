"""Every staff list works the same way (issue 15.2, ``core.lists``): each sortable column sorts,
``aria-sort`` marks it, ``?export=csv`` gives the filtered rows through the formula-safe writer,
and the number of queries does not grow with the rows, for every sort key."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db


def _complaint(i):
    from tests.complaints.factories import ComplaintFactory

    ComplaintFactory(complainant_name=f"=cmd{i}")


def _hearing(i):
    from tests.hearings.factories import HearingRequestFactory

    HearingRequestFactory(requester_name=f"=cmd{i}")


def _held(i):
    from cases.models import Collection

    Collection.objects.create(
        source_reference=f"=HELD{i}",
        amount=Decimal("10.00") + i,
        received_on=date(2026, 1, 2),
        collected_on=date(2026, 1, 2),
        source="direct_payment",
        status="held",
        hold_reason="Unknown case",
        case_number_received="NY-UNKNOWN",
    )


def _action(i):
    from enforcement.choices import ActionStatus
    from enforcement.models import EnforcementAction, RemedyRule
    from tests.cases.factories import CaseFactory

    rule = RemedyRule.objects.filter(jurisdiction="NY").first()
    start = date(2026, 11, 1)
    EnforcementAction.objects.create(
        case=CaseFactory(),
        remedy=rule.remedy,
        rule=rule,
        proposed_on=start,
        total_arrears=3000 + i,
        months_in_arrears=6,
        timeframe_start_on=start,
        timeframe_due_on=start + timedelta(days=30),
        status=ActionStatus.PROPOSED,
    )


def _session(i):
    from tests.training.factories import SessionFactory

    SessionFactory(location=f"=room{i}")


def _compliance(i):
    from django.contrib.auth.models import Group

    from tests.training.factories import UserFactory

    user = UserFactory(username=f"compliance{i}", unit=f"=unit{i}")  # program basics is required of caseworkers
    user.groups.add(Group.objects.get(name="caseworker"))


def _event(i):
    from tests.outreach.factories import EventFactory

    EventFactory(title=f"=event{i}")


LISTS = [
    ("complaints:complaint_list", "ombudsperson", _complaint),
    ("hearings:request_list", "hearing_officer", _hearing),
    ("ledger:held_list", "coordinator", _held),
    ("enforcement:action_list", "enforcement_specialist", _action),
    ("training:session_list", "trainer", _session),
    ("training:compliance", "coordinator", _compliance),
    ("outreach:event_list", "outreach", _event),
]


def _view(url_name):
    return resolve(reverse(url_name)).func.view_class


@pytest.mark.parametrize(("url_name", "role", "make"), LISTS, ids=[n for n, _r, _m in LISTS])
def test_list_sorts_exports_and_keeps_its_query_count(client_as, url_name, role, make):
    client = client_as(role)
    url = reverse(url_name)
    view = _view(url_name)
    for key in view.sort_fields:
        counts = []
        for rows in (1, 8):
            while len(counts) < 2 and _count(view, client, url) < rows:
                make(_count(view, client, url))
            client.get(url, {"sort": key})
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"sort": f"-{key}"})
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (key, counts)
        assert 'aria-sort="descending"' in response.content.decode(), key
    response = client.get(url, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert response["Content-Type"].startswith("text/csv") and len(rows) == 1 + _count(view, client, url)
    assert not any(cell.startswith("=") for row in rows for cell in row)  # formula-safe


EXPORT_NAMES = {
    "cases:case_list": "caseload.csv",
    "cases:workitem_list": "work-items.csv",  # the rest of these from the model's plural name
    "complaints:complaint_list": "complaints.csv",
    "hearings:request_list": "hearing-requests.csv",
    "ledger:held_list": "held-collections.csv",
    "enforcement:action_list": "enforcement-queue.csv",
    "training:session_list": "training-sessions.csv",
    "training:compliance": "training-compliance.csv",
    "outreach:event_list": "outreach-events.csv",
}


@pytest.mark.parametrize(("url_name", "filename"), EXPORT_NAMES.items(), ids=list(EXPORT_NAMES))
def test_each_list_exports_under_its_own_file_name(url_name, filename):
    view = _view(url_name)()
    assert view.get_csv_filename() == filename


def test_a_sort_key_orders_by_its_fields_then_the_lists_tiebreak_then_pk():
    from django.test import RequestFactory

    from cases.models import Case

    view = _view("cases:case_list")()
    view.request = RequestFactory().get("/", {"sort": "-caseworker"})
    ordering = view.sort_queryset(Case.objects.all()).query.order_by
    assert ordering == ("-caseworker__last_name", "-caseworker__username", "-case_number", "-pk")
    view.request = RequestFactory().get("/", {"sort": "case"})
    assert view.sort_queryset(Case.objects.all()).query.order_by == ("case_number", "pk")  # said once


def test_a_bare_csv_column_is_its_own_header():
    from core.lists import csv_column_pairs

    getter = str
    assert csv_column_pairs(["due_on", ("act_by", "timeframe_due_on"), ("who", getter)]) == [
        ("due_on", "due_on"),
        ("act_by", "timeframe_due_on"),
        ("who", getter),
    ]


def _count(view, client, url) -> int:
    response = client.get(url, {"export": "csv"})
    return len(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))) - 1


def test_bulk_issue_of_notices_goes_through_the_service_row_by_row(client_as):
    from cases.models import CaseBalance
    from enforcement.choices import ActionStatus, Remedy
    from enforcement.models import EnforcementAction
    from enforcement.services.sweep import sweep_run_inline
    from tests.enforcement.factories import AS_OF, delinquent_case

    meets, paid = delinquent_case(unassigned="3000.00"), delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    a = EnforcementAction.objects.get(case=meets, remedy=Remedy.PASSPORT_DENIAL)
    b = EnforcementAction.objects.get(case=paid, remedy=Remedy.PASSPORT_DENIAL)
    CaseBalance.objects.filter(case=paid).update(
        total_arrears=Decimal("100.00"), unassigned_arrears=Decimal("100.00"), months_in_arrears=Decimal("0.20")
    )
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:action_bulk_issue")
    ask = client.post(url, {"ids": [a.pk, b.pk]})
    assert "Issue 2 notices?" in ask.content.decode()
    a.refresh_from_db()
    assert a.status == ActionStatus.PROPOSED  # asking changed nothing
    page = client.post(url, {"ids": [a.pk, b.pk], "confirmed": "yes"}).content.decode()
    assert "1 done, 1 refused" in page and "$100.00" in page
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (ActionStatus.NOTICED, ActionStatus.PROPOSED)
    again = client.post(url, {"ids": [a.pk], "confirmed": "yes"}).content.decode()
    assert "already issued" in again
    assert client_as("caseworker").post(url, {"ids": [a.pk], "confirmed": "yes"}).status_code == 403


def test_bulk_enrol_enrols_each_and_reports_who_was_already_in(client_as, make_user):
    from tests.training.factories import SessionFactory
    from training.models import Enrolment

    session = SessionFactory(capacity=1)
    first, second = make_user("caseworker", username="enrol1"), make_user("caseworker", username="enrol2")
    client = client_as("trainer")
    url = reverse("training:bulk_enrol")
    page = client.post(url, {"ids": [first.pk, second.pk], "session": session.pk, "confirmed": "yes"}).content.decode()
    assert "2 done" in page and "waitlisted" in page
    page = client.post(url, {"ids": [first.pk], "session": session.pk, "confirmed": "yes"}).content.decode()
    assert "0 done, 1 refused" in page and "Already enrolled" in page
    assert Enrolment.objects.filter(session=session).count() == 2
    assert client_as("caseworker").post(url, {"ids": [first.pk], "session": session.pk}).status_code == 403

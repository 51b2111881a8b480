"""The case page and a person's page on a case offer a write only to a user who may change the case
(``CaseMixin.can_change``, ``selectors.case_changeable``: the write scope of cases.models.scope) and
holds the permission: a coordinator or enforcement specialist reading another county's case, and a
caseworker reading a case of another caseload, see the page with no write button (each would be a
403); the read-only links (the statement, the people) stay. The answer is one query a page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import Case, SentLetter
from cases.services import charges_accrue, collection_post
from tests.cases.factories import EmploymentFactory, case_with_order
from tests.cases.test_documents import attach

pytestmark = pytest.mark.django_db

# What each write button of the case page links to (a part of its URL, or the form's action).
CASE_WRITES = {
    "order_create": "/orders/new/",
    "payment_create": "/payments/new/",
    "child_add": "/children/new/",
    "child_end": 'data-testid="child-end"',
    "locate_add": "/locate/new/",
    "workitem_create": "/work-items/new/",
    "interstate_referral": "/interstate-referral/",
    "case_reassign": "/reassign/",
    "case_close": "/close/",
    "closure_answer": "/close/answer/",
    "assistance_change": "/assistance/",
    "paternity_record": "/paternity/",
    "order_end": 'data-testid="order-end"',
    "letter_returned": "/returned/",
    "collection_reverse": 'data-testid="collection-reverse"',
    "note_add": "/notes/",
    "document_attach": "/documents/new/",
    "document_withdraw": "/withdraw/",
    "document_whereabouts": "/whereabouts/",
}
PERSON_WRITES = {
    "person_edit": "/edit/",
    "person_ssn": "/ssn/",
    "person_fvi_set": "/family-violence/",
    "address_add": "/addresses/new/",
    "employment_add": "/jobs/new/",
    "employment_end": "/end/",
}


@pytest.fixture
def november():
    with time_machine.travel(datetime(2026, 11, 20, 17, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def albany(role_user, november):
    """An Albany case on the cast caseworker's caseload with something for every write button: an
    active order, a posted payment, a letter mailed, a document, a pending notice of intent to close,
    an initiating interstate role, the NCP's job."""
    worker = role_user("caseworker")
    case = case_with_order(county="Albany", caseworker=worker, interstate_role="initiating", other_state="PA")
    charges_accrue(through=date(2026, 11, 20))
    collection_post(
        case_number=case.case_number,
        amount=Decimal("100.00"),
        received_on=date(2026, 11, 10),
        source="direct_payment",
        source_reference="CHK-1",
        received_via="api",
    )
    SentLetter.objects.create(
        case=case, person=case.ncp, kind="sample", subject="Sample", recipient_name="Sample", sent_at=timezone.now()
    )
    attach(case, worker, title="Pay stub")
    noticed = date(2026, 11, 2)
    Case.objects.filter(pk=case.pk).update(
        closure_noticed_on=noticed, closure_due_on=noticed + timedelta(days=60), closure_notice_reason="other"
    )
    EmploymentFactory(person=case.ncp)
    case.refresh_from_db()
    return case


def _case_page(client, case) -> str:
    response = client.get(reverse("cases:case_detail", args=[case.case_number]))
    assert response.status_code == 200
    return response.content.decode()


def _person_page(client, case) -> str:
    response = client.get(
        reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk})
    )
    assert response.status_code == 200
    return response.content.decode()


def _offered(page: str, writes: dict[str, str]) -> set[str]:
    return {name for name, marker in writes.items() if marker in page}


def test_a_coordinator_of_another_county_sees_the_case_with_no_write_button(client, make_user, albany):
    client.force_login(make_user("coordinator", username="erie_coordinator", county="Erie"))
    page = _case_page(client, albany)
    assert _offered(page, CASE_WRITES) == set()
    # the reads stay: the statement, the letters, the people
    assert 'data-testid="full-statement"' in page and "Sample" in page and albany.ncp.display_name in page
    assert 'data-testid="read-only"' in page  # says why there is nothing to do
    person_page = _person_page(client, albany)
    assert _offered(person_page, PERSON_WRITES) == set() and 'data-testid="read-only"' in person_page


def test_an_enforcement_specialist_of_another_county_sees_no_write_button(client, make_user, albany):
    client.force_login(make_user("enforcement_specialist", username="erie_specialist", county="Erie"))
    assert _offered(_case_page(client, albany), CASE_WRITES) == set()


def test_the_coordinator_of_the_county_sees_them(client_as, albany):
    client = client_as("coordinator")
    offered = _offered(_case_page(client, albany), CASE_WRITES)
    assert offered >= {"child_add", "workitem_create", "case_reassign", "case_close", "closure_answer"}
    assert offered >= {"note_add", "document_attach", "document_withdraw", "collection_reverse", "paternity_record"}
    person_page = _person_page(client, albany)
    assert _offered(person_page, PERSON_WRITES) >= {"person_edit", "person_fvi_set", "address_add"}
    assert 'data-testid="read-only"' not in person_page


def test_a_caseworker_sees_them_on_their_caseload_and_none_on_another(client, client_as, make_user, albany):
    mine = _offered(_case_page(client_as("caseworker"), albany), CASE_WRITES)
    assert mine >= {"order_create", "payment_create", "locate_add", "note_add", "letter_returned", "paternity_record"}
    assert _offered(_person_page(client, albany), PERSON_WRITES) >= {"person_edit", "employment_add", "employment_end"}
    client.force_login(make_user("caseworker", username="colleague"))  # same county, another caseload
    assert _offered(_case_page(client, albany), CASE_WRITES) == set()
    assert _offered(_person_page(client, albany), PERSON_WRITES) == set()


def test_whether_the_user_may_change_the_case_is_asked_once_a_page(client, make_user, albany):
    client.force_login(make_user("coordinator", username="erie_coordinator", county="Erie"))
    url = reverse("cases:case_detail", args=[albany.case_number])
    client.get(url)  # the session and the caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    scope_asks = [q["sql"] for q in captured if 'FROM "cases_case"' in q["sql"] and "LIMIT 1" in q["sql"]]
    assert len(scope_asks) == 1, scope_asks  # the page's can_change; the documents panel reuses it


def test_the_answer_is_kept_per_user_on_the_case(role_user, make_user, albany, django_assert_num_queries):
    erie = make_user("coordinator", username="erie_coordinator", county="Erie")
    coordinator = role_user("coordinator")
    for user in (erie, coordinator):
        user.has_perm("cases.view_case")  # their permissions read (cached on the user, as on a page)
    with django_assert_num_queries(2):
        assert selectors.case_changeable(user=erie, case=albany) is False
        assert selectors.case_changeable(user=erie, case=albany) is False
        assert selectors.case_changeable(user=coordinator, case=albany) is True

"""Caseworker pages of the ledger: held queue and release, late disbursements, statement partial."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from cases.choices import CollectionStatus
from cases.models import Collection, Disbursement
from cases.selectors import case_statement
from cases.services import charges_accrue, collection_post
from core.models import DomainEvent
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel(datetime(2024, 4, 15, 17, tzinfo=UTC), tick=False):
        yield


def held(ref="H-1", number="NY-UNKNOWN", source="direct_payment"):
    return collection_post(
        case_number=number,
        amount=Decimal("120.00"),
        received_on=date(2024, 4, 2),
        source=source,
        source_reference=ref,
        received_via="file",
    ).collection


def test_held_queue_lists_unidentified_payments_and_release_distributes(client_as):
    case = case_with_order(monthly=Decimal("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    collection = held()
    client = client_as("caseworker")
    page = client.get(reverse("ledger:held_list"))
    assert page.status_code == 200 and b"H-1" in page.content
    response = client.post(
        reverse("ledger:held_release", args=[collection.pk]),
        {"case_number": case.case_number.lower(), "note": "Matched by payor name"},
    )
    assert response.status_code == 302
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.POSTED and collection.case == case
    assert DomainEvent.objects.filter(verb="collection.released").exists()
    assert b"No held collections." in client.get(reverse("ledger:held_list")).content


def test_release_to_an_unknown_or_closed_case_is_refused(client_as):
    closed = case_with_order(status="closed", closure_reason="other", closed_on=date(2024, 3, 1), stage="closed")
    collection = held()
    client = client_as("caseworker")
    for number in ["NY-404404", closed.case_number, ""]:
        client.post(reverse("ledger:held_release", args=[collection.pk]), {"case_number": number})
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.HELD


def test_release_needs_change_permission_and_get_is_405(client_as):
    collection = held()
    assert (
        client_as("quality_analyst")
        .post(reverse("ledger:held_release", args=[collection.pk]), {"case_number": "X"})
        .status_code
        == 403
    )
    assert client_as("caseworker").get(reverse("ledger:held_release", args=[collection.pk])).status_code == 405


def test_a_held_payment_is_reversed_from_the_queue_after_a_confirmation(client_as):
    collection = held()
    client = client_as("caseworker")
    url = reverse("ledger:held_reverse", args=[collection.pk])
    # the button asks first, saying what will happen and why
    asked = client.post(url, {"reason": "Cheque returned unpaid"})
    assert asked.status_code == 200 and b"Cheque returned unpaid" in asked.content
    assert b"leaves the held queue" in asked.content
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.HELD
    # confirmed without a reason: refused, still held
    client.post(url, {"reason": " ", "confirmed": "yes"})
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.HELD
    # confirmed with one: reversed, audited, out of the queue
    done = client.post(url, {"reason": "Cheque returned unpaid", "confirmed": "yes"})
    assert done.status_code == 302
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.REVERSED
    event = DomainEvent.objects.get(verb="collection.reversed")
    assert "Cheque returned unpaid" in event.summary and event.actor is not None
    assert b"No held collections." in client.get(reverse("ledger:held_list")).content
    # a second reversal finds nothing held
    assert client.post(url, {"reason": "again", "confirmed": "yes"}).status_code == 404


def test_reversing_a_held_payment_needs_change_permission_and_fti_clearance_for_an_offset(client_as):
    collection = held()
    url = reverse("ledger:held_reverse", args=[collection.pk])
    assert client_as("quality_analyst").post(url, {"reason": "x", "confirmed": "yes"}).status_code == 403
    assert client_as("caseworker").get(url).status_code == 405
    offset = held(ref="TOP-9", source="federal_tax_offset")
    refused = client_as("caseworker").post(
        reverse("ledger:held_reverse", args=[offset.pk]), {"reason": "x", "confirmed": "yes"}
    )
    assert refused.status_code == 404
    assert Collection.objects.get(pk=offset.pk).status == CollectionStatus.HELD


def test_a_held_tax_offset_is_worked_only_by_staff_cleared_for_fti(client_as, monkeypatch):
    """IRS Publication 1075: its hold reason says what it is (a joint return's injured-spouse claim,
    45 CFR 303.72(h)), and releasing it is decided on that; so staff without FTI clearance neither
    see it in the queue (page, CSV, source filter) nor release it."""
    offset = held(ref="TOP-9", source="federal_tax_offset")
    Collection.objects.filter(pk=offset.pk).update(hold_reason="Joint-return tax offset: held until May 19, 2027")
    held(ref="H-2")
    client = client_as("caseworker")
    for answer in (
        client.get(reverse("ledger:held_list")),
        client.get(reverse("ledger:held_list"), {"export": "csv"}),
        client.get(reverse("ledger:held_list"), {"source": "federal_tax_offset"}),
    ):
        body = b"".join(answer.streaming_content if answer.streaming else [answer.content]).decode()
        assert "TOP-9" not in body and "Joint-return" not in body
    assert "H-2" in client.get(reverse("ledger:held_list")).content.decode()
    target = case_with_order()
    refused = client.post(reverse("ledger:held_release", args=[offset.pk]), {"case_number": target.case_number})
    assert refused.status_code == 404
    offset.refresh_from_db()
    assert offset.status == CollectionStatus.HELD
    # a holder of cases.view_fti whose FTI training has lapsed is refused like anyone uncleared
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: False)  # training lapsed
    lapsed = client_as("enforcement_specialist")
    assert "TOP-9" not in lapsed.get(reverse("ledger:held_list")).content.decode()
    assert (
        lapsed.post(reverse("ledger:held_release", args=[offset.pk]), {"case_number": target.case_number}).status_code
        == 404
    )
    # with current FTI training they see it, its source and why it is held
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: True)  # training current
    cleared = client_as("enforcement_specialist")
    page = cleared.get(reverse("ledger:held_list"), {"source": "federal_tax_offset"}).content.decode()
    assert "TOP-9" in page and "Federal tax refund offset" in page and "Joint-return tax offset" in page
    export = b"".join(cleared.get(reverse("ledger:held_list"), {"export": "csv"}).streaming_content).decode()
    assert "TOP-9" in export and "Joint-return" not in export and "tax" not in export.lower()  # never in an export


@pytest.mark.parametrize("rows", [1, 20])
def test_held_queue_query_count_does_not_grow(client_as, rows, django_assert_max_num_queries):
    for n in range(rows):
        held(ref=f"H-{n}")
    client = client_as("caseworker")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("ledger:held_list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_late_disbursements_list(client_as, rows, django_assert_max_num_queries):
    case = case_with_order()
    for n in range(rows):
        collection_post(
            case_number=case.case_number,
            amount=Decimal("10.00"),
            received_on=date(2024, 4, 1),
            source="direct_payment",
            source_reference=f"L-{n}",
            received_via="api",
        )
    Disbursement.objects.update(is_late=True)
    client = client_as("coordinator")
    with django_assert_max_num_queries(14):
        page = client.get(reverse("ledger:late_disbursements"))
    assert page.status_code == 200 and page.content.decode().count("L-") == rows
    assert client_as("outreach").get(reverse("ledger:late_disbursements")).status_code == 403


def test_statement_partial_shows_the_balance_and_masks_fti(role_user):
    case = case_with_order(monthly=Decimal("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    collection_post(
        case_number=case.case_number,
        amount=Decimal("200.00"),
        received_on=date(2024, 4, 2),
        source="federal_tax_offset",
        source_reference="TOP-1",
        received_via="file",
    )
    html = render_to_string("cases/_statement.html", case_statement(case=case, user=role_user("caseworker")))
    assert "800.00" in html and "TOP-1" in html and "Federal tax refund offset" not in html
    assert Collection.objects.count() == 1

"""Reversing a posted payment from the case page (cases:collection_reverse → collection_reverse)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cases.choices import CollectionReverseReason, CollectionStatus, DisbursementStatus
from cases.ledger_verify import ledger_differences
from cases.models import CaseBalance, Collection, Disbursement, LedgerEntry
from cases.services import charges_accrue, collection_post
from cases.services.ledger import collection_reverse_shown
from core.models import AccessLog, DomainEvent
from core.stale import shown_token
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def april():
    with time_machine.travel(datetime(2024, 4, 15, 17, tzinfo=UTC), tick=False):
        yield


def paid_case(caseworker, ref="CHK-1", amount="300.00"):
    case = case_with_order(caseworker=caseworker)  # 500 a month from Feb 1
    charges_accrue(through=date(2024, 4, 15))  # arrears 1000, April 500 due
    collection = collection_post(
        case_number=case.case_number,
        amount=D(amount),
        received_on=date(2024, 4, 10),
        source="direct_payment",
        source_reference=ref,
        received_via="api",
    ).collection
    return case, collection


def url(case, collection):
    return reverse("cases:collection_reverse", kwargs={"case_number": case.case_number, "pk": collection.pk})


def form(collection, **over):
    return {
        "reason": CollectionReverseReason.RETURNED_UNPAID,
        "reason_text": "NSF, bank return R01",
        "shown": shown_token(collection_reverse_shown(collection)),
        **over,
    }


def balance(case):
    return CaseBalance.objects.get(case=case)


def test_caseworker_reverses_a_posted_payment_and_the_balance_is_restored(april, client, worker):
    case, collection = paid_case(worker)
    assert balance(case).current_paid_month == D("300.00")
    client.force_login(worker)
    detail = client.get(reverse("cases:case_detail", kwargs={"case_number": case.case_number})).content.decode()
    assert url(case, collection) in detail
    page = client.get(url(case, collection))
    assert page.status_code == 200
    text = page.content.decode()
    assert "300.00" in text and "Apr 10, 2024" in text or "2024" in text
    assert 'data-testid="payment-allocations"' in text

    response = client.post(url(case, collection), form(collection))

    assert response.status_code == 302
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.REVERSED
    b = balance(case)
    assert (b.current_due_month, b.current_paid_month, b.total_arrears) == (D("500.00"), D("0.00"), D("1000.00"))
    assert not Disbursement.objects.filter(collection=collection, status=DisbursementStatus.PENDING).exists()
    event = DomainEvent.objects.get(verb="collection.reversed", case_id=case.pk)
    assert event.data["reason"] == "Returned unpaid (NSF, stopped, closed account): NSF, bank return R01"
    assert event.actor == worker
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_double_submit_reverses_once(april, client, worker):
    case, collection = paid_case(worker)
    client.force_login(worker)
    data = form(collection)
    assert client.post(url(case, collection), data).status_code == 302
    count = LedgerEntry.objects.count()
    again = client.post(url(case, collection), data)
    assert again.status_code == 200 and "already reversed" in again.content.decode()
    assert LedgerEntry.objects.count() == count
    assert DomainEvent.objects.filter(verb="collection.reversed").count() == 1


def test_stale_page_and_bad_input_change_nothing(april, client, worker):
    case, collection = paid_case(worker)
    client.force_login(worker)
    shown = shown_token(collection_reverse_shown(collection))
    Disbursement.objects.filter(collection=collection).update(status=DisbursementStatus.SENT)
    stale = client.post(url(case, collection), form(collection, shown=shown))
    assert stale.status_code == 200 and "reload the page" in stale.content.decode()
    no_reason = client.post(url(case, collection), form(collection, reason=""))
    other_blank = client.post(url(case, collection), form(collection, reason="other", reason_text=""))
    assert no_reason.status_code == other_blank.status_code == 200
    assert "Say why the payment is reversed" in other_blank.content.decode()
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.POSTED
    assert balance(case).current_paid_month == D("300.00")


def test_a_sent_disbursement_is_shown_and_flagged_for_recovery(april, client, worker):
    case, collection = paid_case(worker)
    Disbursement.objects.filter(collection=collection).update(
        status=DisbursementStatus.SENT, disbursed_on=date(2024, 4, 12)
    )
    client.force_login(worker)
    page = client.get(url(case, collection)).content.decode()
    assert 'data-testid="sent-warning"' in page
    assert client.post(url(case, collection), form(collection)).status_code == 302
    event = DomainEvent.objects.get(verb="collection.reversed")
    assert "recover the overpayment" in event.summary
    assert Disbursement.objects.get(collection=collection).status == DisbursementStatus.SENT


@pytest.mark.parametrize(("role", "status"), [("coordinator", 302), ("enforcement_specialist", 302)])
def test_roles_working_any_case_of_the_county_may_reverse(april, client, role_user, worker, role, status):
    case, collection = paid_case(worker)
    client.force_login(role_user(role))
    assert client.post(url(case, collection), form(collection)).status_code == status
    assert Collection.objects.get(pk=collection.pk).status == CollectionStatus.REVERSED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_caseload", 403),
        ("other_county", 404),
        ("no_county", 404),
        ("ombudsperson", 403),
        ("quality_analyst", 403),
        ("hearing_officer", 403),
    ],
)
def test_refused_users_change_nothing(april, client, make_user, role_user, worker, who, status):
    case, collection = paid_case(worker)
    user = {
        "other_caseload": lambda: make_user("caseworker", username="other_worker"),
        "other_county": lambda: make_user("caseworker", username="erie_worker", county="Erie"),
        "no_county": lambda: make_user("caseworker", username="countyless", county=""),
    }.get(who, lambda: role_user(who))()
    client.force_login(user)
    assert client.get(url(case, collection)).status_code == status
    assert client.post(url(case, collection), form(collection)).status_code == status
    assert Collection.objects.get(pk=collection.pk).status == CollectionStatus.POSTED


def test_a_payment_of_another_case_is_404(april, client, worker):
    case, _ = paid_case(worker)
    _, other = paid_case(worker, ref="CHK-2")
    client.force_login(worker)
    assert client.get(url(case, other)).status_code == 404


def test_a_later_payment_is_redistributed_by_the_reversal(april, client, worker):
    # given: two payments of April; the first one bounces
    case, first = paid_case(worker, amount="400.00")
    second = collection_post(
        case_number=case.case_number,
        amount=D("300.00"),
        received_on=date(2024, 4, 12),
        source="direct_payment",
        source_reference="CHK-LATER",
        received_via="api",
    ).collection
    # the second paid 100 current and 200 arrears
    assert balance(case).total_arrears == D("800.00")
    client.force_login(worker)
    assert client.post(url(case, first), form(first)).status_code == 302
    # then: the second now pays current support first (45 CFR 302.51): 300 of April's 500
    b = balance(case)
    assert (b.current_paid_month, b.total_arrears) == (D("300.00"), D("1000.00"))
    assert DomainEvent.objects.get(verb="collection.reversed").data["redistributed"]
    live = second.allocations.filter(reversed_on__isnull=True)
    assert [(a.bucket, a.amount) for a in live] == [("current", D("300.00"))]  # all of it current now
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def _tax_offset(caseworker):
    case = case_with_order(caseworker=caseworker)
    charges_accrue(through=date(2024, 4, 15))
    collection = collection_post(
        case_number=case.case_number,
        amount=D("300.00"),
        received_on=date(2024, 4, 10),
        source="federal_tax_offset",
        source_reference="T1",
        received_via="api",
    ).collection
    Collection.objects.filter(pk=collection.pk).update(status=CollectionStatus.POSTED)
    return case, collection


def _fti_reads(collection):
    rows = AccessLog.objects.filter(kind="sensitive_read", object_id=str(collection.pk))
    return sum("fti_source" in (row.fields or []) for row in rows)


@pytest.mark.parametrize("role", ["coordinator", "enforcement_specialist"])
def test_a_tax_offsets_source_shown_is_logged_as_an_fti_read(april, client, role_user, worker, monkeypatch, role):
    """IRS Publication 1075: each display of FTI is logged, as on the statement and the case page."""
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: True)  # FTI training current
    case, collection = _tax_offset(worker)
    client.force_login(role_user(role))
    page = client.get(url(case, collection)).content.decode()
    assert "federal tax refund offset" in page.lower()
    assert _fti_reads(collection) == 1


def test_a_tax_offsets_source_not_shown_is_no_fti_read(april, client, role_user, worker, monkeypatch):
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: False)  # training lapsed
    case, collection = _tax_offset(worker)
    client.force_login(role_user("coordinator"))
    page = client.get(url(case, collection)).content.decode()
    assert "federal tax refund offset" not in page.lower()
    assert _fti_reads(collection) == 0

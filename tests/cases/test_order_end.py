"""Ending a support order (cases.services.order_end, page cases:order_end): current support stops
after the end date, charges already made for later due dates are reversed, arrears stay owed, and
the case may then be closed under 45 CFR 303.11(b)(1)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.choices import (
    CaseStatus,
    ClosureReason,
    EntryType,
    Frequency,
    ObligationKind,
    OrderEndReason,
    OrderStatus,
)
from cases.ledger_verify import ledger_differences
from cases.models import CaseBalance, LedgerEntry, Obligation, SupportOrder
from cases.services import case_close, charges_accrue, collection_post
from cases.services.order_end import order_end, order_end_shown
from core.models import DomainEvent
from core.stale import shown_token
from tests.cases.factories import AddressFactory, CaseFactory, ObligationFactory, SupportOrderFactory, case_with_order

pytestmark = pytest.mark.django_db
D = Decimal


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


@pytest.fixture
def april():
    with time_machine.travel(at(date(2024, 4, 15)), tick=False):
        yield


def weekly_case(**case_fields):
    """$100 a week due on Fridays from 2024-02-02, and $50 a month arrears repayment."""
    case = CaseFactory(**case_fields)
    order = SupportOrderFactory(case=case, effective_on=date(2024, 2, 2), issued_on=date(2024, 2, 1))
    ObligationFactory(order=order, amount=D("100.00"), frequency=Frequency.WEEKLY)
    ObligationFactory(order=order, amount=D("50.00"), kind=ObligationKind.ARREARS_REPAYMENT)
    CaseBalance.objects.get_or_create(case=case)
    return case, order


def balance(case) -> CaseBalance:
    return CaseBalance.objects.get(case=case)


def end(order, user, **kw):
    return order_end(
        order=order, ends_on=kw.pop("ends_on", date(2024, 4, 10)), reason=OrderEndReason.EMANCIPATED, by=user, **kw
    )


def test_charges_after_the_end_are_reversed_and_stop_but_arrears_stay(april, worker):
    case, order = weekly_case(caseworker=worker)
    charges_accrue(through=date(2024, 4, 15))  # Feb 4 + Mar 5 weeks -> arrears 900; Apr 5 and 12 current
    assert (balance(case).total_arrears, balance(case).current_due_month) == (D("900.00"), D("200.00"))

    end(order, worker)

    order.refresh_from_db()
    assert order.status == OrderStatus.TERMINATED
    weekly = order.obligations.get(kind=ObligationKind.CURRENT_SUPPORT)
    assert weekly.end_on == date(2024, 4, 10)
    assert order.obligations.get(kind=ObligationKind.ARREARS_REPAYMENT).end_on is None  # the plan runs on
    reversal = LedgerEntry.objects.get(case=case, entry_type=EntryType.REVERSAL, reverses__obligation=weekly)
    assert (reversal.due_on, reversal.amount) == (date(2024, 4, 12), D("-100.00"))
    b = balance(case)
    assert (b.total_arrears, b.current_due_month, b.monthly_obligation) == (D("900.00"), D("100.00"), D("0.00"))
    assert ledger_differences(case_range=(case.pk, case.pk)) == []
    event = DomainEvent.objects.get(verb="order.ended", case_id=case.pk)
    assert event.data["charges_reversed"][0][2] == "100.00"

    # when: the accrual runs over the months after the end
    with time_machine.travel(at(date(2024, 7, 15)), tick=False):
        charges_accrue(through=date(2024, 7, 15))
    # then: no current support after April 10; April's unpaid 100 became arrears; the plan's memo charges go on
    after = LedgerEntry.objects.filter(obligation=weekly, due_on__gt=date(2024, 4, 10), entry_type="charge")
    assert list(after.values_list("due_on", flat=True)) == [date(2024, 4, 12)]  # the one reversed
    assert after.get().reversed_by.exists()
    plan = order.obligations.get(kind=ObligationKind.ARREARS_REPAYMENT)
    assert LedgerEntry.objects.filter(obligation=plan, due_on=date(2024, 7, 2), entry_type="charge").exists()
    b = balance(case)
    assert (b.total_arrears, b.current_due_month) == (D("1000.00"), D("0.00"))
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_arrears_repayment_ends_too_when_ticked(april, worker):
    case, order = weekly_case(caseworker=worker)
    charges_accrue(through=date(2024, 4, 15))
    end(order, worker, arrears_end=True)
    with time_machine.travel(at(date(2024, 6, 15)), tick=False):
        charges_accrue(through=date(2024, 6, 15))
    plan = order.obligations.get(kind=ObligationKind.ARREARS_REPAYMENT)
    assert plan.end_on == date(2024, 4, 10)
    assert not LedgerEntry.objects.filter(obligation=plan, due_on__gt=date(2024, 4, 10), entry_type="charge").exists()


def test_a_payment_of_the_reversed_charge_goes_to_arrears(april, worker):
    case, order = weekly_case(caseworker=worker)
    charges_accrue(through=date(2024, 4, 15))
    collection_post(
        case_number=case.case_number,
        amount=D("250.00"),
        received_on=date(2024, 4, 14),
        source="direct_payment",
        source_reference="PAY-1",
        received_via="api",
    )
    assert (balance(case).current_paid_month, balance(case).total_arrears) == (D("200.00"), D("850.00"))

    end(order, worker)

    b = balance(case)
    assert (b.current_due_month, b.current_paid_month, b.total_arrears) == (D("100.00"), D("100.00"), D("750.00"))
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"ends_on": date(2024, 3, 20)}, "ends_on"),  # March is closed out
        ({"ends_on": date(2024, 1, 31)}, "ends_on"),  # before the order
        ({"ends_on": date(2024, 4, 16)}, "ends_on"),  # still to come
        ({"reason": "bogus"}, "reason"),
        ({"reason": OrderEndReason.OTHER, "reason_text": ""}, "reason_text"),
    ],
)
def test_bad_input_changes_nothing(april, worker, kw, field):
    case, order = weekly_case(caseworker=worker)
    charges_accrue(through=date(2024, 4, 15))
    before = (LedgerEntry.objects.count(), balance(case).current_due_month)
    with pytest.raises(ValidationError) as info:
        order_end(
            order=order,
            ends_on=kw.get("ends_on", date(2024, 4, 10)),
            reason=kw.get("reason", OrderEndReason.VACATED),
            reason_text=kw.get("reason_text", ""),
            by=worker,
        )
    assert field in info.value.message_dict
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    assert not order.obligations.filter(end_on__isnull=False).exists()
    assert (LedgerEntry.objects.count(), balance(case).current_due_month) == before


def test_refused_on_an_ended_order_a_superseded_one_and_a_closed_case(april, worker):
    case, order = weekly_case(caseworker=worker)
    end(order, worker)
    with pytest.raises(ValidationError, match="already ended"):
        end(order, worker)
    old = SupportOrderFactory(case=case, status=OrderStatus.SUPERSEDED, order_number="OLD")
    with pytest.raises(ValidationError, match="superseded"):
        end(old, worker)
    closed = case_with_order(
        caseworker=worker, status=CaseStatus.CLOSED, closure_reason=ClosureReason.OTHER, closed_on=date(2024, 4, 1)
    )
    with pytest.raises(ValidationError, match="closed"):
        end(closed.orders.get(), worker)


def test_closure_under_303_11_b_1_once_the_order_has_ended(april, worker):
    # An order in force blocks the (b)(1) closure (and its 60-day notice, 303.11(d)(1)); once the
    # order has ended, the notice goes and the case closes on its due date.
    from cases.services.closure import closure_notice_send

    case = case_with_order(caseworker=worker)
    AddressFactory(person=case.cp)
    order = case.orders.get()
    with pytest.raises(ValidationError, match="active support order"):
        closure_notice_send(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    end(order, worker, ends_on=date(2024, 4, 14))
    closure_notice_send(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    case.refresh_from_db()
    with time_machine.travel(at(case.closure_due_on), tick=False):
        case_close(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


# --- the page -------------------------------------------------------------------------------------


def url(case, order):
    return reverse("cases:order_end", kwargs={"case_number": case.case_number, "pk": order.pk})


def form(order, **over):
    return {
        "ends_on": "2024-04-10",
        "reason": OrderEndReason.EMANCIPATED,
        "reason_text": "",
        "court_reference": "FC-2024-77",
        "shown": shown_token(order_end_shown(order)),
        **over,
    }


def test_caseworker_ends_an_order_of_their_caseload(april, client, worker):
    case, order = weekly_case(caseworker=worker)
    client.force_login(worker)
    page = client.get(reverse("cases:case_detail", kwargs={"case_number": case.case_number}))
    assert url(case, order) in page.content.decode()
    assert client.get(url(case, order)).status_code == 200
    response = client.post(url(case, order), form(order))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.TERMINATED
    assert DomainEvent.objects.get(verb="order.ended").data["court_reference"] == "FC-2024-77"
    # a second click of the same page is refused, nothing more written
    count = LedgerEntry.objects.count()
    again = client.post(url(case, order), form(order))
    assert again.status_code == 200 and "already ended" in again.content.decode()
    assert LedgerEntry.objects.count() == count


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_caseload", 403),
        ("other_county", 404),
        ("no_county", 404),
        ("ombudsperson", 403),
        ("quality_analyst", 403),
        ("coordinator", 403),  # coordinators do not hold cases.change_supportorder
        ("enforcement_specialist", 403),
    ],
)
def test_refused_users_change_nothing(april, client, make_user, role_user, who, status):
    case, order = weekly_case(caseworker=role_user("caseworker"))
    user = {
        "other_caseload": lambda: make_user("caseworker", username="other_worker"),
        "other_county": lambda: make_user("caseworker", username="erie_worker", county="Erie"),
        "no_county": lambda: make_user("caseworker", username="countyless", county=""),
    }.get(who, lambda: role_user(who))()
    client.force_login(user)
    assert client.get(url(case, order)).status_code == status
    assert client.post(url(case, order), form(order)).status_code == status
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_an_order_of_another_case_is_404(april, client, worker):
    case, _ = weekly_case(caseworker=worker)
    _, other_order = weekly_case(caseworker=worker)
    client.force_login(worker)
    assert client.get(url(case, other_order)).status_code == 404


def test_stale_page_and_bad_form_are_refused(april, client, worker):
    case, order = weekly_case(caseworker=worker)
    client.force_login(worker)
    shown = shown_token(order_end_shown(order))
    Obligation.objects.filter(order=order, kind=ObligationKind.CURRENT_SUPPORT).update(amount=D("120.00"))
    response = client.post(url(case, order), form(order, shown=shown))
    assert response.status_code == 200 and "reload the page" in response.content.decode()
    missing = client.post(url(case, order), {k: v for k, v in form(order).items() if k != "shown"})
    assert missing.status_code == 200
    other = client.post(url(case, order), form(order, reason=OrderEndReason.OTHER))
    assert other.status_code == 200 and "Say why the order ends" in other.content.decode()
    assert SupportOrder.objects.get(pk=order.pk).status == OrderStatus.ACTIVE

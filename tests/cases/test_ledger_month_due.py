"""Current support due in a closed month, as a late collection of that month sees it (45 CFR
302.51(a)(1); ``ledger_redistribute.current_support_charged``): the month's charges, less the
charges reversed (an order ended after it was charged, ``order_end``) — never the reversals of
payments (a payment reversed, ``collection_reverse``, or redistributed, ``case_redistribute``),
which carry the month's due date too but give back what was paid, not what was owed."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from cases.choices import AssistanceStatus, EntryType, Frequency, ObligationKind, OrderEndReason
from cases.ledger_verify import ledger_differences
from cases.models import Allocation, AssistanceSpell, CaseBalance, Collection, LedgerEntry
from cases.services import charges_accrue, collection_post, collection_reverse
from cases.services.ledger_redistribute import current_support_charged
from cases.services.order_end import order_end
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def monthly_case(start: date, amount: str = "500.00"):
    """$``amount`` a month due on the 1st from ``start``; never assistance."""
    case = CaseFactory(assistance_status=AssistanceStatus.NEVER, opened_on=date(2024, 1, 10))
    order = SupportOrderFactory(case=case, issued_on=start, effective_on=start)
    ObligationFactory(order=order, amount=D(amount))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": D(amount)})
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.NEVER, start_on=date(2024, 1, 10))
    return case


def weekly_case():
    """$100 a week due on Fridays from 2024-02-02; never assistance."""
    case = CaseFactory(assistance_status=AssistanceStatus.NEVER, opened_on=date(2024, 1, 10))
    order = SupportOrderFactory(case=case, effective_on=date(2024, 2, 2), issued_on=date(2024, 2, 1))
    ObligationFactory(order=order, amount=D("100.00"), frequency=Frequency.WEEKLY)
    CaseBalance.objects.get_or_create(case=case)
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.NEVER, start_on=date(2024, 1, 10))
    return case, order


def post(case, amount, ref, *, received_on, collected_on):
    return collection_post(
        case_number=case.case_number,
        amount=D(amount),
        received_on=received_on,
        collected_on=collected_on,
        source="income_withholding",
        source_reference=ref,
        received_via="api",
    ).collection


def live(ref) -> list[tuple[str, Decimal]]:
    """The standing allocations of collection ``ref``: (bucket, amount), the family's excess ''."""
    return sorted(
        Allocation.objects.filter(collection__source_reference=ref, reversed_on__isnull=True).values_list(
            "bucket", "amount"
        )
    )


def due_in(case, month: date) -> Decimal:
    return sum(
        current_support_charged(
            month, date(month.year + month.month // 12, month.month % 12 + 1, 1), case=case
        ).values_list("amount", flat=True),
        D("0.00"),
    )


def current_paid_in(case, month: date) -> Decimal:
    return sum(
        Allocation.objects.filter(
            case=case,
            bucket="current",
            reversed_on__isnull=True,
            collection__collected_on__gte=month,
            collection__collected_on__lt=date(month.year + month.month // 12, month.month % 12 + 1, 1),
        ).values_list("amount", flat=True),
        D("0.00"),
    )


def test_a_charge_reversed_by_the_end_of_the_order_is_not_due_in_its_closed_month(worker):
    # (a) $100 a week, due Fridays. By April 15: February (4 Fridays) + March (5) unpaid = 900
    # arrears; April 5 and 12 charged = 200 current. The order ends April 10: the April 12 charge
    # is reversed, April owes 100. May closes April out: 900 + 100 = 1,000 arrears.
    # A payment of 250 withheld April 9, posted May 3, pays April's current support first:
    # 100 current (April, the only charge left) + 150 arrears. Not 200 current (the reversed
    # charge counted) nor 0 (the reversal counted twice).
    case, order = weekly_case()
    with time_machine.travel(at(date(2024, 4, 15)), tick=False):
        charges_accrue(through=date(2024, 4, 15))
        order_end(order=order, ends_on=date(2024, 4, 10), reason=OrderEndReason.EMANCIPATED, by=worker)
    with time_machine.travel(at(date(2024, 5, 3)), tick=False):
        charges_accrue(through=date(2024, 5, 3))
        post(case, "250.00", "APR-9", received_on=date(2024, 5, 3), collected_on=date(2024, 4, 9))
    assert due_in(case, date(2024, 4, 1)) == D("100.00")  # 100 + 100 - 100
    assert live("APR-9") == [("arrears_unassigned", D("150.00")), ("current", D("100.00"))]
    b = CaseBalance.objects.get(case=case)
    assert (b.total_arrears, b.current_due_month) == (D("750.00"), D("0.00"))  # 1,000 - 250
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_a_reversed_payment_of_a_closed_month_is_not_due_again_as_current_support():
    # (b) $500 a month from October 2024, nothing paid: on December 2 October and November are
    # arrears (1,000) and December is due (500).
    # P1 300 withheld Nov 20, posted Dec 2: November's current support, 300 of 500.
    # P3 700 withheld Nov 30, posted Dec 3: November's 200 left + 500 arrears.
    # P1 is reversed on Dec 4 (the cheque bounced): November owes 500 again, and P3, collected
    # after it, is distributed again: 500 current (November) + 200 arrears — not 700 current,
    # which is what counting P1's reversed allocation as a charge (500 + 300 = 800 due) gives.
    # Arrears: 1,000 - 700 = 300 either way (verify_ledger cannot tell the two apart).
    case = monthly_case(date(2024, 10, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        post(case, "300.00", "P1", received_on=date(2024, 12, 2), collected_on=date(2024, 11, 20))
    assert live("P1") == [("current", D("300.00"))]
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        post(case, "700.00", "P3", received_on=date(2024, 12, 3), collected_on=date(2024, 11, 30))
    assert live("P3") == [("arrears_unassigned", D("500.00")), ("current", D("200.00"))]
    with time_machine.travel(at(date(2024, 12, 4)), tick=False):
        collection_reverse(collection=Collection.objects.get(source_reference="P1"), reason="returned unpaid")
    assert due_in(case, date(2024, 11, 1)) == D("500.00")
    assert live("P3") == [("arrears_unassigned", D("200.00")), ("current", D("500.00"))]
    assert current_paid_in(case, date(2024, 11, 1)) == D("500.00")
    b = CaseBalance.objects.get(case=case)
    assert (b.unassigned_arrears, b.current_due_month, b.current_paid_month) == (D("300.00"), D("500.00"), D("0"))
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_late_payments_of_one_month_posted_out_of_order_pay_no_more_than_it_owed():
    # (b') No payment reversed: three payments of November posted in December, latest first.
    # $500 a month from October 2024; December 2: arrears 1,000 (October, November), December 500.
    # A 300 (Nov 25, posted Dec 2): November current 300.
    # B 300 (Nov 20, posted Dec 3): redistributed from Nov 20 — B 300 current, A 200 current +
    # 100 arrears (A's first allocation reversed: a reversal due in November).
    # C 300 (Nov 15, posted Dec 4): from Nov 15 — C 300 current, B 200 current + 100 arrears,
    # A 300 arrears. November's current support paid: 500, what it owed; counting A's reversed
    # allocation as a charge makes it 800 (C 300, B 300, A 200).
    case = monthly_case(date(2024, 10, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        post(case, "300.00", "A", received_on=date(2024, 12, 2), collected_on=date(2024, 11, 25))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        post(case, "300.00", "B", received_on=date(2024, 12, 3), collected_on=date(2024, 11, 20))
    assert (live("B"), live("A")) == (
        [("current", D("300.00"))],
        [("arrears_unassigned", D("100.00")), ("current", D("200.00"))],
    )
    with time_machine.travel(at(date(2024, 12, 4)), tick=False):
        post(case, "300.00", "C", received_on=date(2024, 12, 4), collected_on=date(2024, 11, 15))
    assert due_in(case, date(2024, 11, 1)) == D("500.00")
    assert (live("C"), live("B"), live("A")) == (
        [("current", D("300.00"))],
        [("arrears_unassigned", D("100.00")), ("current", D("200.00"))],
        [("arrears_unassigned", D("300.00"))],
    )
    assert current_paid_in(case, date(2024, 11, 1)) == D("500.00")
    assert CaseBalance.objects.get(case=case).unassigned_arrears == D("100.00")  # 1,000 - 900
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_an_ended_order_and_a_reversed_payment_in_one_closed_month(worker):
    # (c) $100 a week, due Fridays; April 5 and 12 charged, the order ends April 10 (the 12th
    # reversed): April owes 100. May closes April out: 900 + 100 = 1,000 arrears.
    # P1 80 withheld April 8, posted May 2: April's current support, 80 (out of April's arrears:
    # 920 left). P1 is reversed on May 2 (returned unpaid): the 80 is owed again (1,000), and its
    # reversal carries April's due date. P2 150 withheld April 9, posted May 3: April's current
    # support first — 100 (100 + 100 - 100 charged; nothing standing paid) — then 50 arrears:
    # 850 left. Counting P1's reversed allocation (+80) would make April owe 180 and P2 150
    # current; leaving out the reversed charge, 200 and P2 150 current.
    case, order = weekly_case()
    with time_machine.travel(at(date(2024, 4, 15)), tick=False):
        charges_accrue(through=date(2024, 4, 15))
        order_end(order=order, ends_on=date(2024, 4, 10), reason=OrderEndReason.EMANCIPATED, by=worker)
    with time_machine.travel(at(date(2024, 5, 2)), tick=False):
        charges_accrue(through=date(2024, 5, 2))
        post(case, "80.00", "P1", received_on=date(2024, 5, 2), collected_on=date(2024, 4, 8))
        assert live("P1") == [("current", D("80.00"))]
        assert CaseBalance.objects.get(case=case).total_arrears == D("920.00")
        collection_reverse(collection=Collection.objects.get(source_reference="P1"), reason="returned unpaid")
    assert CaseBalance.objects.get(case=case).total_arrears == D("1000.00")
    assert LedgerEntry.objects.filter(
        collection__source_reference="P1", entry_type=EntryType.REVERSAL, due_on=date(2024, 4, 1)
    ).exists()
    with time_machine.travel(at(date(2024, 5, 3)), tick=False):
        post(case, "150.00", "P2", received_on=date(2024, 5, 3), collected_on=date(2024, 4, 9))
    assert due_in(case, date(2024, 4, 1)) == D("100.00")
    assert live("P2") == [("arrears_unassigned", D("50.00")), ("current", D("100.00"))]
    assert CaseBalance.objects.get(case=case).total_arrears == D("850.00")
    assert ledger_differences(case_range=(case.pk, case.pk)) == []


def test_verify_ledger_counts_a_reversed_charge_out_of_the_month_due_and_a_reversed_payment_not(worker):
    # April: 200 charged, the April 12 charge (100) reversed by the order's end: due 100. A payment
    # of 60 (April 14) reversed the same day: due stays 100, paid 0. verify_ledger agrees with the
    # balance; a balance that kept the reversed charge in its due (200) is reported.
    case, order = weekly_case()
    with time_machine.travel(at(date(2024, 4, 15)), tick=False):
        charges_accrue(through=date(2024, 4, 15))
        order_end(order=order, ends_on=date(2024, 4, 10), reason=OrderEndReason.EMANCIPATED, by=worker)
        post(case, "60.00", "P", received_on=date(2024, 4, 14), collected_on=date(2024, 4, 14))
        collection_reverse(collection=Collection.objects.get(source_reference="P"), reason="entered in error")
    b = CaseBalance.objects.get(case=case)
    assert (b.current_due_month, b.current_paid_month) == (D("100.00"), D("0.00"))
    # the payment's reversal is in the current bucket but is no charge: it moves paid, not due
    reversal = LedgerEntry.objects.get(
        case=case, entry_type=EntryType.REVERSAL, collection__isnull=False, bucket="current"
    )
    assert (reversal.amount, reversal.obligation_kind) == (D("60.00"), "")
    charge_reversal = LedgerEntry.objects.get(case=case, entry_type=EntryType.REVERSAL, collection__isnull=True)
    assert (charge_reversal.amount, charge_reversal.obligation_kind) == (D("-100.00"), ObligationKind.CURRENT_SUPPORT)
    assert ledger_differences(case_range=(case.pk, case.pk)) == []
    CaseBalance.objects.filter(case=case).update(current_due_month=D("200.00"), current_paid_month=D("100.00"))
    figures = {d.figure: (d.stored, d.recomputed) for d in ledger_differences(case_range=(case.pk, case.pk))}
    assert figures == {"current_due_month": (D("200.00"), D("100.00"))}

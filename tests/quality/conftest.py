"""A small hand-built office for FY 2026 (2025-10-01 – 2026-09-30); the expected lines are worked
out in tests/quality/test_measures.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from cases.models import Case, CaseParticipant
from tests.cases.factories import CaseFactory, ChildFactory, ObligationFactory, SupportOrderFactory

from .factories import ExpenditureFactory, adjustment, balances_from_ledger, charge, pay, reverse_entry


def add_child(case: Case, **fields):
    child = ChildFactory(**fields)
    CaseParticipant.objects.create(case=case, person=child, role="child")
    return child


@dataclass
class Office:
    a: Case
    b: Case
    c: Case
    d: Case
    e: Case
    f: Case
    g: Case


@pytest.fixture
def office(db) -> Office:
    opened = {"application_received_on": date(2024, 1, 2), "opened_on": date(2024, 1, 10)}
    # A: open, active order; child born out of wedlock, paternity acknowledged in 2020.
    a = CaseFactory(case_number="NY-000001", county="Albany", participants=False, **opened)
    add_child(a)
    order_a = SupportOrderFactory(case=a, issued_on=date(2024, 2, 1))
    current_a = ObligationFactory(order=order_a, amount=Decimal("500.00"))
    spousal_a = ObligationFactory(order=order_a, kind="spousal_support", amount=Decimal("200.00"))
    charge(a, current_a, date(2025, 9, 1), "500.00")  # preceding year: not line 24
    pay(a, date(2025, 9, 5), "500.00")  # preceding year: not line 25
    charge(a, current_a, date(2025, 10, 1), "500.00")
    charge(a, current_a, date(2025, 11, 1), "500.00")
    wrong = charge(a, current_a, date(2025, 12, 1), "500.00")
    reverse_entry(wrong, date(2025, 12, 3))  # a charge posted in error and reversed: nets to 0
    charge(a, spousal_a, date(2025, 10, 1), "200.00")  # spousal support: not current support
    pay(a, date(2025, 10, 5), "500.00")  # line 25
    # B: closed during the year (was open at the end of FY 2025); paid toward arrears in November.
    b = CaseFactory(
        case_number="NY-000002",
        county="Albany",
        participants=False,
        status="closed",
        stage="closed",
        closure_reason="other",
        closed_on=date(2026, 3, 1),
        **opened,
    )
    add_child(b)
    SupportOrderFactory(case=b, issued_on=date(2024, 2, 1))
    adjustment(b, date(2025, 1, 15), "200.00")
    pay(b, date(2025, 11, 10), "200.00", bucket="arrears_unassigned", kind="")
    # C: zero order; child born in wedlock (marital presumption).
    c = CaseFactory(case_number="NY-000003", county="Queens", participants=False, **opened)
    add_child(c, born_in_wedlock=True, paternity_method="marital_presumption")
    ObligationFactory(order=SupportOrderFactory(case=c, issued_on=date(2025, 3, 1)), amount=Decimal("0.00"))
    # D: medical-only order, child born out of wedlock with paternity still pending.
    d = CaseFactory(case_number="NY-000004", county="Queens", participants=False, **opened)
    add_child(d, paternity_status="pending", paternity_established_on=None, paternity_method="")
    medical = ObligationFactory(
        order=SupportOrderFactory(case=d, issued_on=date(2025, 5, 1)), kind="medical_support", amount=Decimal("50.00")
    )
    charge(d, medical, date(2025, 10, 1), "50.00")
    charge(d, medical, date(2025, 11, 1), "50.00")
    # E: opened during the year, no order; paternity acknowledged in the year; a federal tax offset
    # paid assigned arrears (never current support).
    e = CaseFactory(
        case_number="NY-000005",
        county="Queens",
        participants=False,
        application_received_on=date(2026, 1, 5),
        opened_on=date(2026, 1, 15),
    )
    add_child(e, paternity_established_on=date(2026, 2, 1))
    adjustment(e, date(2026, 1, 20), "1000.00")
    pay(e, date(2026, 4, 15), "300.00", bucket="arrears_assigned", source="federal_tax_offset", kind="")
    # F: opened after the year ended.
    f = CaseFactory(
        case_number="NY-000006",
        county="Albany",
        participants=False,
        application_received_on=date(2026, 10, 1),
        opened_on=date(2026, 10, 5),
    )
    add_child(f)
    # G: open at the year end, closed afterwards; no order, no child.
    g = CaseFactory(
        case_number="NY-000007",
        county="Albany",
        participants=False,
        status="closed",
        stage="closed",
        closure_reason="other",
        closed_on=date(2026, 10, 15),
        **opened,
    )
    # An unidentified collection held in the year is not a collection of the program yet.
    pay(None, date(2026, 1, 2), "999.00", status="held")
    ExpenditureFactory(fiscal_year=2026, amount=Decimal("400.00"))
    balances_from_ledger()
    return Office(a, b, c, d, e, f, g)

"""Statement of account (cases/ledger/statement.py, fix/lettersa 20dc34f): how a payment that is
reversed or distributed again is described (red team rt2b).

The statement groups a collection's allocation and reversal entries by (collection, day) and
describes the group in ``_Applied.settle``. Two descriptions read wrong figures:

- a payment received and distributed again on the same day (another payment reversed that day,
  or a late posting of an earlier date) gets the "applied again" text with the sum of *all* the
  day's allocations (its first distribution and its second), i.e. twice the payment, and is never
  shown as received ("Payment REF (source)");
- a payment whose redistribution left nothing in a bucket (all of it now an overpayment) and that
  was reversed *later* (after the statement's end) is described on the redistribution day as
  "reversed", because ``settle`` reads the collection's status today, not as of the line.

Who is hurt: the parent (CP or NCP) reading the statement, and the caseworker explaining it; a
statement is what the office tells a parent about every payment (issue 15.3, docs/desk.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cases import services
from cases.ledger.statement import case_statement_for_range
from cases.models import CaseBalance, Collection
from cases.services.ledger import collection_reverse
from tests.cases.factories import case_with_order
from tests.cases.test_ledger_services import post

pytestmark = pytest.mark.django_db


def _lines(statement):
    return [ln for month in statement.months for ln in month.lines]


def test_a_payment_received_and_applied_again_the_same_day_is_not_described_as_twice_its_amount():
    """$500 a month. Cheque A ($300) posted 3 June; B ($300, income withholding, collected 20 June)
    posted 22 June; A bounces and is reversed on 22 June, so B is distributed again the same day.
    B's line reads "Payment of Jun 20, 2024 ($600.00) applied again ..." — B was $300. The statement
    never says B was received ("Payment B (Income withholding)"), although this is the only line
    about B. Expected: B is shown as received ($300), once."""
    case = case_with_order(monthly=Decimal("500.00"))
    services.charges_accrue(through=date(2024, 6, 30))
    post(case, "300.00", "A", received_on=date(2024, 6, 3), posted_on=date(2024, 6, 3))
    post(case, "300.00", "B", received_on=date(2024, 6, 20), posted_on=date(2024, 6, 22))
    collection_reverse(collection=Collection.objects.get(source_reference="A"), reason="NSF", on=date(2024, 6, 22))

    statement = case_statement_for_range(case=case, start=date(2024, 6, 1), end=date(2024, 6, 30))
    b_lines = [ln for ln in _lines(statement) if ln.collection is not None and ln.collection.source_reference == "B"]
    assert len(b_lines) == 1
    assert b_lines[0].credit == Decimal("300.00")
    assert "$600.00" not in b_lines[0].description, b_lines[0].description
    assert b_lines[0].description.startswith("Payment B"), b_lines[0].description
    # the totals themselves are right (received 600, reversed 300) and match the balance row
    balance = CaseBalance.objects.get(case=case)
    assert statement.payments == Decimal("300.00")
    assert statement.closing == balance.total_arrears + balance.current_due_month - balance.current_paid_month


def test_a_statement_does_not_say_a_payment_was_reversed_before_it_was():
    """$500 a month, $2,000 arrears. B ($300) posted 20 June pays current support. C ($2,500,
    collected 1 June) is posted late on 25 June: distributed by month of collection it pays
    everything and B becomes an overpayment (no bucket) — B's bucketed allocation is reversed on
    25 June. B's cheque bounces on 2 July (after the statement's end). The June statement says on
    25 June "Payment B reversed: redistributed by month of collection ..." — at 30 June B was not
    reversed, and the reversal (2 July, NSF) is not what happened on 25 June. ``_Applied.settle``
    tests ``collection.status == REVERSED`` (today's status) instead of what the day's entries are."""
    case = case_with_order(monthly=Decimal("500.00"))
    services.charges_accrue(through=date(2024, 6, 30))
    post(case, "300.00", "B", received_on=date(2024, 6, 20), posted_on=date(2024, 6, 20))
    post(case, "2500.00", "C", received_on=date(2024, 6, 1), collected_on=date(2024, 6, 1), posted_on=date(2024, 6, 25))
    june_before = case_statement_for_range(case=case, start=date(2024, 6, 1), end=date(2024, 6, 30))
    described_before = [ln.description for ln in _lines(june_before)]

    collection_reverse(collection=Collection.objects.get(source_reference="B"), reason="NSF", on=date(2024, 7, 2))

    june_after = case_statement_for_range(case=case, start=date(2024, 6, 1), end=date(2024, 6, 30))
    described_after = [ln.description for ln in _lines(june_after)]
    assert not any("B reversed" in text for text in described_after), described_after
    # a statement of June, printed before or after a July event, tells June the same way
    assert described_after == described_before


def test_a_reversal_whose_typed_reason_reads_like_a_redistribution_is_shown_as_taken_back():
    """Cheque A ($300) posted 3 June bounces; the clerk reverses it on 10 June and types the reason
    "redistributed by month of collection? no: NSF". Before (rv1 review): the statement told a
    reversal from a redistribution by the reason's text, so it said A was "applied again" — a
    parent read that the $300 still counted. What tells them apart is the entries: only
    ``collection_reverse`` reverses the payment's collection entry."""
    case = case_with_order(monthly=Decimal("500.00"))
    services.charges_accrue(through=date(2024, 6, 30))
    post(case, "300.00", "A", received_on=date(2024, 6, 3), posted_on=date(2024, 6, 3))
    reason = "redistributed by month of collection? no: NSF"
    collection_reverse(collection=Collection.objects.get(source_reference="A"), reason=reason, on=date(2024, 6, 10))

    statement = case_statement_for_range(case=case, start=date(2024, 6, 1), end=date(2024, 6, 30))
    a_lines = [ln for ln in _lines(statement) if ln.collection is not None]
    assert [(ln.posted_on, ln.kind, ln.amount, ln.description) for ln in a_lines] == [
        (date(2024, 6, 3), "payment", Decimal("-300.00"), "Payment A (Income withholding)"),
        (date(2024, 6, 10), "payment", Decimal("300.00"), f"Payment A reversed: {reason}"),
    ]
    assert statement.payments == Decimal("0.00")

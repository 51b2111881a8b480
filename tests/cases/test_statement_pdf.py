"""The statement of account PDF (cases/ledger/statement_pdf.py) as the parent who receives it reads it
(red-team letters review).

A case with $500 a month due from February 2024; a $300 direct payment (CHK-1) on 3 June 2024 and a
$250 income-withholding payment on 20 June 2024 under a 35-character employer reference; the cheque
comes back unpaid and is reversed on 2 July 2024 (cases.services.ledger.collection_reverse)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cases import services
from cases.ledger.statement import case_statement_for_range
from cases.ledger.statement_pdf import statement_pdf
from cases.models import Collection
from cases.services.ledger import collection_reverse
from tests.cases.factories import case_with_order
from tests.cases.test_ledger_services import post
from tests.pdftext import overlapping_words, pdf_text

pytestmark = pytest.mark.django_db

IWO_REF = "IWO-2024-06-ACME-MANUFACTURING-0001"
REASON = "Cheque returned by the bank unpaid: insufficient funds, account closed by the payer"


def _statement(*, reverse: bool = True):
    case = case_with_order(monthly=Decimal("500.00"))
    services.charges_accrue(through=date(2024, 7, 31))
    post(case, "300.00", "CHK-1", source="direct_payment", received_on=date(2024, 6, 3), posted_on=date(2024, 6, 3))
    post(
        case, "250.00", IWO_REF, source="income_withholding", received_on=date(2024, 6, 20), posted_on=date(2024, 6, 20)
    )
    if reverse:
        collection_reverse(
            collection=Collection.objects.get(source_reference="CHK-1"), reason=REASON, on=date(2024, 7, 2)
        )
    statement = case_statement_for_range(case=case, start=date(2024, 1, 1), end=date(2024, 7, 31))
    return statement, statement_pdf(statement)


def test_a_long_payment_reference_is_not_printed_over_the_payment_amount():
    """A description wider than its column (a 35-character employer reference; source_reference
    allows 64) wraps within it: it was cut at 70 characters, not at the column's width, and ran
    under the Charge and Payment columns with the amount printed on top of it."""
    _statement_, content = _statement(reverse=False)
    assert overlapping_words(content) == []
    text = pdf_text(content)
    assert f"Payment {IWO_REF} (Income withholding)" in text and "Page 1 of 1" in text


def test_a_reference_wider_than_the_column_is_broken_within_it():
    """A 64-character reference (the most source_reference holds) has no space to wrap at: it is
    broken where the column ends, every character printed, none under the amounts."""
    case = case_with_order(monthly=Decimal("500.00"))
    services.charges_accrue(through=date(2024, 6, 30))
    reference = "EMPLOYER-REMIT-" + "0123456789" * 4 + "-ABCDEFGH"
    post(case, "250.00", reference, received_on=date(2024, 6, 20), posted_on=date(2024, 6, 20))
    content = statement_pdf(case_statement_for_range(case=case, start=date(2024, 6, 1), end=date(2024, 6, 30)))
    assert overlapping_words(content) == []
    assert reference in pdf_text(content).replace(" ", "")


def test_a_reversal_line_says_why_and_which_payment_was_reversed():
    """The reason typed for a reversal is printed whole (it was cut mid-sentence at 70 characters),
    and the statement says which payment bounced."""
    _statement_, content = _statement()
    text = pdf_text(content)
    assert "account closed by the payer" in text
    assert "CHK-1 reversed" in text


def test_one_payment_is_printed_as_one_payment():
    """The reversal of CHK-1 distributes the month's other payment again (by month of collection):
    its allocations are reversed and written anew on 2 July. That is not a second payment: the $250
    withheld on 20 June is printed once in the Payment column (it was printed again on 2 July, and
    the statement totalled $800 of payments). The payments total what was received less what came
    back unpaid; the reversal is taken back in the Payment column with its reason, and the payment
    distributed again is a line that names it and moves nothing owed."""
    statement, content = _statement()
    text = pdf_text(content)
    assert text.count(f"Payment {IWO_REF}") == 1, text
    assert statement.payments == Decimal("550.00") - Decimal("300.00")
    july = statement.months[-1]
    assert [(ln.kind, ln.credit) for ln in july.lines if ln.collection is not None] == [
        ("payment", Decimal("-300.00")),
        ("move", None),
    ]
    assert july.lines[-1].description == (
        "Payment of Jun 20, 2024 ($250.00) applied again: redistributed by month of collection "
        f"(collection CHK-1 reversed). Reference {IWO_REF}"
    )
    assert statement.closing == Decimal("3000.00") - Decimal("250.00") == july.closing

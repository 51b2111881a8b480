"""The statement of account for a date range (issue 15.3)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.ledger.statement import case_statement_for_range
from cases.models import CaseBalance
from cases.services import charges_accrue, collection_post
from core.models import AccessLog
from tests.cases.factories import CaseFactory, case_with_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(datetime(2024, 6, 20, 17, tzinfo=UTC), tick=False):
        yield


def pay(case, ref: str, amount: str, on: date, source: str = "direct_payment"):
    return collection_post(
        case_number=case.case_number,
        amount=Decimal(amount),
        received_on=on,
        source=source,
        source_reference=ref,
        received_via="file",
    )


@pytest.fixture
def history():
    """$500 a month from Feb 2024; $300 paid in March, $200 in May: arrears build up."""
    case = case_with_order(monthly=Decimal("500.00"))
    charges_accrue(through=date(2024, 3, 10))
    pay(case, "PAY-MARCH", "300.00", date(2024, 3, 12))
    charges_accrue(through=date(2024, 5, 10))
    pay(case, "PAY-MAY", "200.00", date(2024, 5, 14))
    charges_accrue(through=date(2024, 6, 20))
    return case


def test_running_balance_month_groups_and_buckets_agree_with_the_ledger(history):
    statement = case_statement_for_range(case=history, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert statement.opening == 0
    assert [m.month for m in statement.months] == [date(2024, m, 1) for m in (2, 3, 4, 5, 6)]
    assert statement.charges == Decimal("2500.00") and statement.payments == Decimal("500.00")
    running = statement.opening
    for month in statement.months:
        for line in month.lines:
            running += line.amount
            assert line.balance == running
    # what is owed at the end is what the ledger services keep on the case
    balance = CaseBalance.objects.get(case=history)
    owed = balance.total_arrears + balance.current_due_month - balance.current_paid_month
    assert statement.closing == owed == Decimal("2000.00")
    buckets = dict(statement.arrears)
    assert buckets["Unassigned arrears (family)"] == balance.unassigned_arrears
    # one payment is one line, whatever buckets it was spread over
    payments = [ln for m in statement.months for ln in m.lines if ln.kind == "payment"]
    assert [(p.description.split()[1], -p.amount) for p in payments] == [
        ("PAY-MARCH", Decimal("300.00")),
        ("PAY-MAY", Decimal("200.00")),
    ]


def test_a_later_range_opens_with_the_balance_carried_forward(history):
    whole = case_statement_for_range(case=history, start=date(2024, 1, 1), end=date(2024, 6, 30))
    later = case_statement_for_range(case=history, start=date(2024, 4, 1), end=date(2024, 6, 30))
    march_end = whole.months[1].closing
    assert later.opening == march_end and later.closing == whole.closing


def test_bad_range_is_refused(history, client_as):
    with pytest.raises(ValueError):
        case_statement_for_range(case=history, start=date(2024, 6, 1), end=date(2024, 1, 1))
    client = client_as("caseworker")
    url = reverse("cases:case_statement", args=[history.case_number])
    page = client.get(url, {"start": "2024-06-01", "end": "2024-01-01"}).content.decode()
    assert "The start date is after the end date." in page and 'data-testid="statement-table"' not in page
    assert client.get(url, {"start": "nonsense"}).status_code == 200
    pdf = client.get(
        reverse("cases:case_statement_pdf", args=[history.case_number]), {"start": "2024-06-01", "end": "2024-01-01"}
    )
    assert pdf.status_code == 400


def test_statement_page_shows_negative_amounts_with_the_sign_first(history, client_as):
    from cases.models import LedgerEntry

    LedgerEntry.objects.create(
        case=history,
        entry_type="adjustment",
        bucket="arrears_unassigned",
        amount=Decimal("-650.00"),
        posted_on=date(2024, 6, 18),
        description="Court credit",
    )
    page = (
        client_as("caseworker")
        .get(reverse("cases:case_statement", args=[history.case_number]), {"start": "2024-01-01", "end": "2024-06-30"})
        .content.decode()
    )
    assert "Court credit" in page and "-$650.00" in page and "$-" not in page
    assert "Jun 18, 2024" in page and "June 2024" in page


def test_statement_lines_are_escaped_and_formatted_like_the_filters(history, client_as):
    # The month's rows are built by one tag ({% statement_lines %}), not per-line template variables.
    from cases.models import LedgerEntry

    LedgerEntry.objects.create(
        case=history,
        entry_type="adjustment",
        bucket="arrears_unassigned",
        amount=Decimal("1234.50"),
        posted_on=date(2024, 6, 19),
        description="<b>Fee</b> & costs",
    )
    page = (
        client_as("caseworker")
        .get(reverse("cases:case_statement", args=[history.case_number]), {"start": "2024-01-01", "end": "2024-06-30"})
        .content.decode()
    )
    assert "<td>Jun 19, 2024</td><td>&lt;b&gt;Fee&lt;/b&gt; &amp; costs</td>" in page
    assert '<td class="text-end"></td><td class="text-end"></td><td class="text-end">$1,234.50</td>' in page
    assert "<b>Fee</b>" not in page


def test_pdf_is_a_pdf_with_the_figures(history, client_as):
    response = client_as("caseworker").get(
        reverse("cases:case_statement_pdf", args=[history.case_number]), {"start": "2024-01-01", "end": "2024-06-30"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Cache-Control"] == "no-store"


def test_scope_other_county_and_no_county_get_404(client_as, make_user, client):
    elsewhere = CaseFactory(county="Bronx")
    assert client_as("caseworker").get(reverse("cases:case_statement", args=[elsewhere.case_number])).status_code == 404
    mine = CaseFactory()
    client.force_login(make_user("caseworker", username="nocounty3", county=""))
    assert client.get(reverse("cases:case_statement", args=[mine.case_number])).status_code == 404
    client.force_login(make_user("trainer"))
    assert client.get(reverse("cases:case_statement", args=[mine.case_number])).status_code == 403


def test_tax_offset_source_shown_only_with_fti_access_and_logged(client_as):
    case = case_with_order(monthly=Decimal("500.00"))
    charges_accrue(through=date(2024, 5, 10))
    pay(case, "TAX-1", "400.00", date(2024, 5, 14), source="federal_tax_offset")
    page = (
        client_as("caseworker")
        .get(reverse("cases:case_statement", args=[case.case_number]), {"start": "2024-01-01", "end": "2024-06-30"})
        .content.decode()
    )
    assert "TAX-1" in page and "tax offset" not in page.lower()
    assert not AccessLog.objects.filter(fields=["fti_source"]).exists()


def test_query_count_is_flat_in_the_length_of_history(client_as):
    counts = []
    client = client_as("caseworker")
    for months in (2, 12):
        case = case_with_order(monthly=Decimal("100.00"))
        with time_machine.travel(datetime(2024 + months // 12, 2 + months % 12, 20, 17, tzinfo=UTC), tick=False):
            charges_accrue(through=date(2024 + months // 12, 1 + months % 12, 10))
        url = reverse("cases:case_statement", args=[case.case_number])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"start": "2024-01-01", "end": "2025-12-31"})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_unpaid_support_becoming_arrears_is_one_line_that_leaves_the_balance_as_it_was(history):
    """The month-end roll moves unpaid current support into arrears: two ledger entries (current −,
    arrears +) that net to nothing. A parent reading the statement must not see what they owe drop
    by a month's support and rise again on the same day: one line, saying what moved, balance kept."""
    statement = case_statement_for_range(case=history, start=date(2024, 1, 1), end=date(2024, 6, 30))
    rolls = [ln for m in statement.months for ln in m.lines if ln.description.startswith("Unpaid current support")]
    assert rolls, "the history has month-end rolls"
    previous = statement.opening
    for month in statement.months:
        for line in month.lines:
            assert line.balance >= previous or line.kind == "payment", (line.description, line.balance, previous)
            previous = line.balance
    for line in rolls:
        assert line.amount == 0 and line.adjustment is None and line.charge is None and line.credit is None
    # the roll the daily job made on June 1 (the fixture's runs happen on June 20's clock), in the
    # parent's words and with its amount
    assert {line.posted_on: line.description for line in rolls} == {
        date(2024, 6, 1): "Unpaid current support becomes arrears: $500.00"
    }
    # one line per roll, not two
    days = [line.posted_on for line in rolls]
    assert len(days) == len(set(days))
    assert statement.adjustments == 0

"""California's interest on support arrears (CCP 685.010(a)(1), 685.020(b); Fam. Code 155, 17433.5;
CCP 695.211(c), 695.221): 10 % a year, simple, on each unpaid installment from the first day of the
month after it was due, never on interest; a payment pays the current month's support, then the
principal (oldest first), then interest. New York charges none without a money judgment (FCA 460)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cases.ledger.interest import arrears_interest, case_arrears_interest
from cases.services import charges_accrue, collection_post, collection_reverse
from core.models import LegalParameter
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory, case_with_order
from tests.cases.test_guidelines_api import pdf_pages

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(datetime(2024, 6, 20, 17, tzinfo=UTC), tick=False):
        yield


def pay(case, ref: str, amount: str, on: date):
    return collection_post(
        case_number=case.case_number,
        amount=D(amount),
        received_on=on,
        source="direct_payment",
        source_reference=ref,
        received_via="file",
    )


def on_day(day: date, action, *args, **kwargs):
    """``action`` run on ``day`` (the daily accrual and the postings happen as days pass)."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 17, tzinfo=UTC), tick=False):
        return action(*args, **kwargs)


def ca_case(**fields):
    """$500 a month due on the 1st from February 1, 2024 (order issued that day)."""
    return case_with_order(monthly=D("500.00"), jurisdiction="CA", **fields)


def test_the_rate_is_a_dated_legal_parameter_with_its_citation():
    row = LegalParameter.objects.get(key="ca.arrears.interest_rate", jurisdiction="CA")
    assert row.value == 10 and "685.010" in row.citation and row.effective_on == date(1983, 7, 1)
    assert not LegalParameter.objects.filter(key__contains="interest_rate", jurisdiction="NY").exists()


def test_each_unpaid_installment_bears_interest_from_the_first_of_the_following_month():
    # given four months unpaid (February to May) and June's support due this month
    case = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    # when
    figure = case_arrears_interest(case=case, as_of=date(2024, 6, 20))
    # then: 500 x (111 + 80 + 50 + 19 days) x 10 % / 365; June's support bears none yet (17433.5)
    assert figure.principal == D("2000.00")
    assert figure.interest == D("35.62")
    assert figure.rate_percent == D("10") and "685.010" in figure.citation


def test_a_late_accrual_gives_the_interest_daily_runs_give():
    # given one case accrued by daily runs (each month's unpaid support rolled into arrears on the
    # first of the next month), then another accrued by one run today (its past charges go straight
    # into arrears)
    daily = ca_case()
    for day in (date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 20)):
        on_day(day, charges_accrue, through=day)
    once = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    # then both bear the same interest
    assert case_arrears_interest(case=daily, as_of=date(2024, 6, 20)).interest == D("35.62")
    assert case_arrears_interest(case=once, as_of=date(2024, 6, 20)).interest == D("35.62")


def test_payments_pay_current_support_first_and_then_reduce_the_principal_from_their_date():
    # given $300 paid in March and $200 in May: each pays its month's current support (695.221(a))
    case = ca_case()
    for day in (date(2024, 2, 1), date(2024, 3, 10)):
        on_day(day, charges_accrue, through=day)
    on_day(date(2024, 3, 12), pay, case, "PAY-MARCH", "300.00", date(2024, 3, 12))
    for day in (date(2024, 4, 1), date(2024, 5, 10)):
        on_day(day, charges_accrue, through=day)
    on_day(date(2024, 5, 14), pay, case, "PAY-MAY", "200.00", date(2024, 5, 14))
    charges_accrue(through=date(2024, 6, 20))
    # then: 500 x 31 (March) + 700 x 30 (April) + 1,200 x 31 (May) + 1,500 x 19 (June) days at 10 % / 365
    figure = case_arrears_interest(case=case, as_of=date(2024, 6, 20))
    assert figure.principal == D("1500.00") and figure.interest == D("28.00")


def test_a_payment_beyond_current_support_reduces_the_oldest_principal_and_stops_its_interest():
    case = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    pay(case, "PAY-JUNE", "1000.00", date(2024, 6, 20))  # June's 500, then 500 of the arrears
    with time_machine.travel(datetime(2024, 7, 1, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=date(2024, 7, 1))
        figure = case_arrears_interest(case=case, as_of=date(2024, 7, 1))
    # 130,000 dollar-days to June 20, then 1,500 x 11 days; never on the interest itself
    assert figure.principal == D("1500.00")
    assert figure.interest == D("40.14")


def test_a_payment_returned_unpaid_never_stopped_the_interest():
    # given $1,000 collected on June 20 (June's support, then $500 of the arrears) ...
    case = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    receipt = pay(case, "PAY-BOUNCED", "1000.00", date(2024, 6, 20))
    # ... returned unpaid on July 1 (CCP 685.030: only money received satisfies the judgment)
    with time_machine.travel(datetime(2024, 7, 1, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=date(2024, 7, 1))
        collection_reverse(collection=receipt.collection, reason="Returned unpaid")
        figure = case_arrears_interest(case=case, as_of=date(2024, 7, 1))
    # then: 130,000 dollar-days to June 20 and 2,000 x 11 days after, as if never paid
    assert figure.interest == D("41.64")


def test_a_retroactive_order_bears_interest_from_the_day_it_was_issued():
    # given an order issued on May 15 with support from February 1
    case = CaseFactory(jurisdiction="CA")
    order = SupportOrderFactory(case=case, issued_on=date(2024, 5, 15))
    ObligationFactory(order=order, amount=D("500.00"))
    charges_accrue(through=date(2024, 6, 20))
    # then: February to April from May 15 (36 days), May from June 1 (19 days)
    figure = case_arrears_interest(case=case, as_of=date(2024, 6, 20))
    assert figure.interest == (D(500 * (36 * 3 + 19)) / 3650).quantize(D("0.01")) == D("17.40")


def test_a_new_rate_row_applies_from_its_date_only():
    case = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    LegalParameter.objects.create(
        key="ca.arrears.interest_rate", jurisdiction="CA", effective_on=date(2024, 6, 1), value=5, citation="test"
    )
    figure = case_arrears_interest(case=case, as_of=date(2024, 6, 20))
    # before June 1: 500 x (92 + 61 + 31) days at 10 %; from June 1: 2,000 x 19 days at 5 %
    assert figure.interest == (D(500 * 184) * D("0.10") / 365 + D(2000 * 19) * D("0.05") / 365).quantize(D("0.01"))
    assert figure.rate_percent == 5


def test_new_york_cases_carry_no_interest():
    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 6, 20))
    assert case_arrears_interest(case=case, as_of=date(2024, 6, 20)) is None
    assert arrears_interest(case_ids=[case.pk], as_of=date(2024, 6, 20)) == {}


@pytest.mark.parametrize("rows", [1, 30])
def test_interest_of_many_cases_is_read_in_a_fixed_number_of_queries(rows, django_assert_num_queries):
    cases = [ca_case() for _ in range(rows)]
    charges_accrue(through=date(2024, 6, 20))
    with django_assert_num_queries(2):  # the cases' arrears entries, the rate's rows
        figures = arrears_interest(case_ids=[c.pk for c in cases], as_of=date(2024, 6, 20))
    assert {f.interest for f in figures.values()} == {D("35.62")} and len(figures) == rows


def test_the_balance_panel_statement_and_pdf_show_interest_apart_from_principal(client_as):
    case = ca_case()
    charges_accrue(through=date(2024, 6, 20))
    client = client_as("caseworker")
    label = "Interest at 10% a year (CCP 685.010)"
    page = client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert label in page and "$35.62" in page
    statement = client.get(
        reverse("cases:case_statement", args=[case.case_number]), {"start": "2024-01-01", "end": "2024-06-20"}
    ).content.decode()
    assert label in statement and "$35.62" in statement
    assert 'data-testid="closing">$2,500.00' in statement  # the principal's total is unchanged
    pdf = client.get(
        reverse("cases:case_statement_pdf", args=[case.case_number]), {"start": "2024-01-01", "end": "2024-06-20"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(pdf.content))
    assert "$35.62" in text and "$2,535.62" in text


def test_a_new_york_case_page_says_nothing_of_interest(client_as):
    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 6, 20))
    page = client_as("caseworker").get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert "Interest at" not in page


def test_the_cases_api_gives_the_interest_apart_from_the_balance(api_client_with):
    ca, ny = ca_case(), case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 6, 20))
    api = api_client_with("cases:read")
    detail = api.get(f"/api/v1/cases/{ca.case_number}/").json()
    assert detail["arrears_interest"] == {
        "accrued": "35.62",
        "principal": "2000.00",
        "rate_percent": "10",
        "citation": "CCP 685.010(a)(1)",
        "as_of": "2024-06-20",
    }
    assert detail["balance"]["total_arrears"] == "2000.00"  # principal only
    assert api.get(f"/api/v1/cases/{ny.case_number}/").json()["arrears_interest"] is None
    listed = {row["case_number"]: row["arrears_interest"] for row in api.get("/api/v1/cases/").json()["results"]}
    assert listed[ca.case_number]["accrued"] == "35.62" and listed[ny.case_number] is None
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "arrears_interest" in schema and "685.010" in schema


def _law(payments: list[tuple[date, Decimal]], months: list[date], as_of: date) -> Decimal:
    """The statute read directly, installment by installment: $500 due on the first of each of
    ``months``; a payment pays its month's installment first, then the oldest unpaid ones (CCP
    695.221); each unpaid dollar bears 10 % a year from the first of the month after its due date
    (685.020(b), Fam. Code 17433.5) until the day it is paid."""
    unpaid = {m: D("500.00") for m in months}
    dollar_days = D(0)
    for day, amount in payments:
        month = day.replace(day=1)
        for due in [month, *sorted(m for m in unpaid if m < month)]:
            if due not in unpaid or amount <= 0:
                continue
            part = min(unpaid[due], amount)
            unpaid[due] -= part
            amount -= part
            start = date(due.year + (due.month == 12), due.month % 12 + 1, 1)
            dollar_days += part * max((day - start).days, 0)
    for due, left in unpaid.items():
        start = date(due.year + (due.month == 12), due.month % 12 + 1, 1)
        dollar_days += left * max((as_of - start).days, 0)
    return (dollar_days * D("0.10") / 365).quantize(D("0.01"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ledgers_interest_is_the_statutes_installment_by_installment(seed):
    import random

    rng = random.Random(seed)
    case = ca_case()
    months = [date(2024, m, 1) for m in range(2, 10)]  # February to September
    payments: list[tuple[date, Decimal]] = []
    for month in months:
        on_day(month, charges_accrue, through=month)
        for _ in range(rng.randint(0, 2)):
            day = month.replace(day=rng.randint(2, 28))
            if payments and day <= payments[-1][0]:
                continue
            amount = D(rng.randrange(50, 1200, 25))
            on_day(day, pay, case, f"PAY-{seed}-{day:%m%d}", str(amount), day)
            payments.append((day, amount))
    as_of = date(2024, 9, 30)
    on_day(as_of, charges_accrue, through=as_of)
    with time_machine.travel(datetime(2024, 9, 30, 17, tzinfo=UTC), tick=False):
        figure = case_arrears_interest(case=case, as_of=as_of)
    assert figure.interest == _law(payments, months, as_of), payments


def test_a_california_case_enforcing_another_states_order_charges_no_california_interest(api_client_with):
    """Red team (rt2): "the law of the issuing state ... governs ... the computation and payment of
    arrearages and accrual of interest on the arrearages under the support order" (UIFSA 604(a)(2),
    Fam. Code 5700.604(a)(2)); California's 10 % was charged on New York's order it enforces."""
    # given: California responds to New York (the order enforced is New York's), and initiates a case
    responding = ca_case(interstate_role="responding", other_state="NY")
    initiating = ca_case(interstate_role="initiating", other_state="NY")
    charges_accrue(through=date(2024, 6, 20))
    # then: New York law decides the responding case's interest, not California's 10 %
    assert case_arrears_interest(case=responding, as_of=date(2024, 6, 20)) is None
    # and: the case California initiates on its own order keeps its interest
    assert case_arrears_interest(case=initiating, as_of=date(2024, 6, 20)).interest == D("35.62")
    rows = {r["case_number"]: r for r in api_client_with("cases:read").get("/api/v1/cases/").json()["results"]}
    assert rows[responding.case_number]["arrears_interest"] is None
    assert rows[initiating.case_number]["arrears_interest"]["accrued"] == "35.62"


@pytest.mark.parametrize("rows", [1, 30])
def test_a_page_of_california_cases_with_and_without_arrears_costs_two_queries_for_interest(
    rows, django_assert_num_queries
):
    """The API list and the caseload read interest for a page at once: cases with arrears and
    cases without (a zero figure) from one read of the rates — not a third query for the latter."""
    from cases.ledger.interest import interest_for_cases

    with_arrears = [ca_case() for _ in range(rows)]
    charges_accrue(through=date(2024, 6, 20))
    without = [ca_case(status="open") for _ in range(rows)]
    type(without[0]).objects.filter(pk__in=[c.pk for c in without]).update(opened_on=date(2024, 6, 1))
    from cases.models import LedgerEntry

    LedgerEntry.objects.filter(case__in=without).delete()
    cases = [(c.pk, "CA", c.interstate_role, c.other_state) for c in [*with_arrears, *without]]
    with django_assert_num_queries(2):
        figures = interest_for_cases(cases, as_of=date(2024, 6, 20))
    assert {figures[c.pk].interest for c in with_arrears} == {D("35.62")}
    assert {figures[c.pk].interest for c in without} == {D("0.00")}

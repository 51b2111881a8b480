"""Review and adjustment (45 CFR 303.8)."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.choices import OrderKind, OrderStatus, ReviewOutcome, ReviewStatus
from cases.models import CaseBalance, LedgerEntry, OrderReview, SupportOrder, WorkItem
from cases.reviews.selectors import orders_due_for_review
from cases.services import ObligationData, charges_accrue, order_create
from cases.services.reviews import review_calculate, review_complete, review_open
from core.models import DomainEvent
from tests.cases.factories import case_with_order
from tests.pages import shown_on

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def order_in_effect_since(effective_on: date, *, kind=OrderKind.ADMINISTRATIVE, monthly="500.00") -> SupportOrder:
    case = case_with_order(monthly=Decimal(monthly))
    order = case.orders.get()
    order.kind, order.effective_on, order.issued_on = kind, effective_on, effective_on
    order.save()
    order.obligations.update(start_on=effective_on)
    return order


def test_orders_in_effect_36_months_or_more_are_due_for_review(role_user):
    due = order_in_effect_since(date(2023, 11, 23))  # exactly 36 months
    not_yet = order_in_effect_since(date(2023, 11, 24))  # one day short
    assert list(orders_due_for_review(user=role_user("caseworker"), as_of=TODAY)) == [due]
    assert not_yet not in orders_due_for_review(user=role_user("caseworker"), as_of=date(2026, 11, 23))


def test_an_open_review_or_a_recent_one_takes_the_order_off_the_list(role_user):
    order = order_in_effect_since(date(2020, 1, 1))
    review_open(order=order, by=role_user("caseworker"))
    assert not orders_due_for_review(user=role_user("caseworker"), as_of=TODAY).exists()
    with pytest.raises(ValidationError, match="already has an open review"):
        review_open(order=order, by=role_user("caseworker"))


def test_ny_review_runs_the_cssa_and_compares(role_user):
    order = order_in_effect_since(date(2020, 1, 1), monthly="500.00")
    review = review_open(order=order, by=role_user("caseworker"))
    review = review_calculate(
        review=review,
        by=role_user("caseworker"),
        as_of=date(2025, 6, 1),
        inputs={"payor_income": Decimal("60000"), "other_income": Decimal("40000"), "children": 2},
    )
    assert review.guideline_monthly == Decimal("1250.00")
    assert review.current_monthly == Decimal("500.00")
    assert review.difference == Decimal("750.00")
    assert review.worksheet["payor_obligation_annual"] == "15000.00"


@time_machine.travel(date(2026, 11, 23), tick=False)
def test_adjustment_creates_a_new_order_version_and_keeps_past_charges(role_user):
    order = order_in_effect_since(date(2020, 1, 1))
    old = order.obligations.get()
    old.accrued_through = date(2026, 11, 1)
    old.save()
    review = review_open(order=order, by=role_user("caseworker"))
    review_calculate(
        review=review,
        by=role_user("caseworker"),
        as_of=date(2025, 6, 1),
        inputs={"payor_income": "60000", "other_income": "40000", "children": 2},
    )
    with pytest.raises(ValidationError, match="42 USC 666"):
        review_complete(
            review=review,
            outcome=ReviewOutcome.ADJUSTMENT,
            reason="income rose",
            effective_on=date(2026, 11, 1),
            by=role_user("caseworker"),
        )
    review = review_complete(
        review=review,
        outcome=ReviewOutcome.ADJUSTMENT,
        reason="income rose",
        effective_on=date(2026, 12, 1),
        by=role_user("caseworker"),
    )
    order.refresh_from_db()
    old.refresh_from_db()
    new = review.new_order
    assert (order.status, new.status, new.version, new.supersedes_id) == (
        OrderStatus.SUPERSEDED,
        OrderStatus.ACTIVE,
        2,
        order.pk,
    )
    assert old.end_on == date(2026, 11, 30) and old.accrued_through == date(2026, 11, 1)
    line = new.obligations.get()
    assert (line.amount, line.frequency, line.start_on) == (Decimal("1250.00"), "monthly", date(2026, 12, 1))
    assert review.status == ReviewStatus.COMPLETED
    assert DomainEvent.objects.filter(verb="order.modified", case_id=order.case_id).exists()


def test_a_court_order_is_not_adjusted_administratively(role_user):
    order = order_in_effect_since(date(2020, 1, 1), kind=OrderKind.COURT)
    review = review_open(order=order, by=role_user("caseworker"))
    review_calculate(
        review=review,
        by=role_user("caseworker"),
        inputs={"payor_income": "60000", "other_income": "40000", "children": 2},
        as_of=date(2025, 6, 1),
    )
    with pytest.raises(ValidationError, match="court"):
        review_complete(review=review, outcome=ReviewOutcome.ADJUSTMENT, reason="x", by=role_user("caseworker"))
    review = review_complete(
        review=review, outcome=ReviewOutcome.PETITION, reason="court order", by=role_user("caseworker")
    )
    assert WorkItem.objects.filter(case=order.case, kind="petition", dedupe_key=f"review-petition-{review.pk}").exists()


def test_no_change_needs_a_reason(role_user):
    order = order_in_effect_since(date(2020, 1, 1))
    review = review_open(order=order, by=role_user("caseworker"))
    with pytest.raises(ValidationError):
        review_complete(review=review, outcome=ReviewOutcome.NO_CHANGE, reason="  ", by=role_user("caseworker"))
    review_complete(review=review, outcome=ReviewOutcome.NO_CHANGE, reason="within 10%", by=role_user("caseworker"))
    assert OrderReview.objects.get().outcome == ReviewOutcome.NO_CHANGE


def test_review_pages_allow_caseworkers_and_refuse_others(client_as):
    order = order_in_effect_since(date(2020, 1, 1))
    assert client_as("trainer").get(reverse("reviews:list")).status_code == 403
    assert client_as("quality_analyst").post(reverse("reviews:open", args=[order.pk])).status_code == 403
    client = client_as("caseworker")
    page = client.get(reverse("reviews:list"))
    assert page.status_code == 200 and order in page.context["due"]
    response = client.post(reverse("reviews:open", args=[order.pk]))
    review = OrderReview.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:detail", args=[review.pk])
    bad = client.post(reverse("reviews:calculate", args=[review.pk]), {"payor_income": "-5", "children": "1"})
    assert bad.status_code == 200 and bad.context["inputs_form"].errors
    client.post(
        reverse("reviews:calculate", args=[review.pk]),
        {"payor_income": "60000", "other_income": "40000", "children": "2"},
    )
    review.refresh_from_db()
    assert review.guideline_monthly is not None


def test_review_list_query_count_does_not_grow(client_as, django_assert_max_num_queries):
    client = client_as("caseworker")
    order_in_effect_since(date(2020, 1, 1))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("reviews:list"))
    for _ in range(10):
        order_in_effect_since(date(2020, 1, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("reviews:list"))


def ny_review_calculated(role_user, **inputs):
    order = order_in_effect_since(date(2020, 1, 1), monthly="500.00")
    review = review_open(order=order, by=role_user("caseworker"))
    return review_calculate(
        review=review,
        by=role_user("caseworker"),
        as_of=date(2025, 6, 1),
        inputs={"payor_income": Decimal("60000"), "other_income": Decimal("40000"), "children": 2, **inputs},
    )


def test_review_page_shows_the_worksheet_as_numbered_lines_in_words(client_as, role_user):
    # 60,000 / 40,000, 2 children (2025): basic 25,000 × 60% = 15,000/yr = 1,250.00/month;
    # child care 10,000 × 60% = 6,000/yr = 500.00/month; total 1,750.00.
    review = ny_review_calculated(role_user, child_care_annual=Decimal("10000"))
    response = client_as("caseworker").get(reverse("reviews:detail", args=[review.pk]))
    text = response.content.decode()
    lines = {line.number: line for line in response.context["worksheet"].lines}
    assert lines["17"].cells[2] == "$1,250.00" and lines["27"].cells[2] == "$1,750.00"
    assert 'data-testid="review-worksheet"' in text
    for words in (
        "Payor&#x27;s total monthly obligation (line 17 plus line 26)",
        "$1,750.00",
        "Child care while the custodial parent works or studies",
        "DRL 240(1-b)(c)(4), (c)(6)",
        "Legal parameters used",
        "ny.cssa.income_cap",
        "SSL 111-i(2)(b)",
        "NCP&#x27;s annual gross income",
        "$60,000.00",
        "Child care (annual)",
        "Jun 1, 2025",
    ):
        assert words in text, words
    for raw in ("payor_add_ons_monthly", "payor_obligation_annual", "{&#x27;", "[{", "{'", "Decimal("):
        assert raw not in text, raw
    assert reverse("reviews:worksheet_pdf", args=[review.pk]) in text


def test_review_worksheet_pdf_prints_the_stored_calculation(client_as, role_user):
    from io import BytesIO

    from pypdf import PdfReader

    review = ny_review_calculated(role_user)
    response = client_as("caseworker").get(reverse("reviews:worksheet_pdf", args=[review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "New York Child Support Standards Act worksheet" in text and "$1,250.00" in text
    assert "NCP's annual gross income" in text and "ny.cssa.income_cap" in text


def test_review_worksheet_is_the_stored_one_not_a_recalculation(client_as, role_user):
    # A stored figure is shown as stored, whatever today's tables would give.
    review = ny_review_calculated(role_user)
    review.worksheet = {**review.worksheet, "payor_obligation_monthly": "1249.99"}
    review.save()
    response = client_as("caseworker").get(reverse("reviews:detail", args=[review.pk]))
    assert "$1,249.99" in response.content.decode()


def test_review_without_a_readable_worksheet_has_no_pdf(client_as, role_user):
    review = ny_review_calculated(role_user)
    review.worksheet = {"payor_obligation_monthly": "oops"}
    review.save()
    client = client_as("caseworker")
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "cannot be shown line by line" in page and "oops" not in page
    assert client.get(reverse("reviews:worksheet_pdf", args=[review.pk])).status_code == 404
    fresh = review_open(order=order_in_effect_since(date(2020, 1, 1)), by=role_user("caseworker"))
    assert client.get(reverse("reviews:worksheet_pdf", args=[fresh.pk])).status_code == 404


@pytest.mark.parametrize("guideline", ["NY", "CA"])
def test_a_stored_worksheet_reads_back_as_the_same_result(guideline):
    from dataclasses import asdict

    from cases.guidelines import ca_guideline, ny_guideline
    from cases.guidelines.stored import stored_result
    from cases.services.reviews import _json_safe

    if guideline == "NY":
        result = ny_guideline(
            gross_incomes=(Decimal("30000"), Decimal("0")),
            children=1,
            as_of=date(2025, 6, 1),
            deductions=({"fica": Decimal("2295")}, {}),
            add_ons={"child_care_annual": Decimal("900")},
        )
    else:
        result = ca_guideline(
            high_earner_net_monthly=Decimal("2000"),
            total_net_monthly=Decimal("2000"),
            high_earner_timeshare=Decimal("0"),
            children=1,
            as_of=date(2026, 6, 1),
            add_ons={"child_care_monthly": Decimal("300")},
        )
    stored = {k: _json_safe(v) for k, v in asdict(result).items()}
    assert stored_result(guideline, stored) == result
    assert stored_result(guideline, stored).lines() == result.lines()


# ---- A change of amount or frequency takes effect from a due date not yet charged -------------------
# Orders charge an installment on each due date (a month, a week ...). A change never charges a
# period already charged again (42 USC 666(a)(9)): it takes effect from the order's first due date
# on or after the date asked for, and the due day stays the order's.


def working_day(day: date):
    """Time travel to the afternoon of ``day`` in the office (its local date is ``day``)."""
    return time_machine.travel(datetime.combine(day, time(17), tzinfo=UTC), tick=False)


def charges(case, since: date = date(2026, 11, 1)) -> list[tuple[date, Decimal, int]]:
    return list(
        LedgerEntry.objects.filter(case=case, entry_type="charge", due_on__gte=since)
        .order_by("due_on", "id")
        .values_list("due_on", "amount", "obligation__order__version")
    )


def adjusted(order: SupportOrder, by, *, effective_on: date | None = None) -> OrderReview:
    """An adjustment review of ``order`` to the NY guideline amount 1,250.00 a month."""
    review = review_open(order=order, by=by)
    review_calculate(
        review=review,
        by=by,
        as_of=date(2025, 6, 1),
        inputs={"payor_income": "60000", "other_income": "40000", "children": 2},
    )
    return review_complete(
        review=review, outcome=ReviewOutcome.ADJUSTMENT, reason="income rose", effective_on=effective_on, by=by
    )


@pytest.mark.parametrize("effective_on", [None, date(2026, 11, 23)], ids=["today", "asked-for"])
def test_a_mid_month_adjustment_takes_effect_from_the_next_due_date(role_user, effective_on):
    # given: 500.00 a month due on the 1st since September, charged through November 1
    with working_day(date(2026, 11, 23)):
        order = order_in_effect_since(date(2026, 9, 1))
        charges_accrue(through=date(2026, 11, 23))
        # when: an adjustment to 1,250.00 is completed on November 23
        review = adjusted(order, role_user("caseworker"), effective_on=effective_on)
    # then: November stays charged once, at the old amount; the new amount starts on December 1
    new, old = review.new_order, order.obligations.get()
    line = new.obligations.get()
    assert (new.effective_on, line.start_on, line.amount) == (date(2026, 12, 1), date(2026, 12, 1), Decimal("1250.00"))
    assert old.end_on == date(2026, 11, 30)
    charges_accrue(through=date(2026, 11, 30))
    assert charges(order.case) == [(date(2026, 11, 1), Decimal("500.00"), 1)]
    balance = CaseBalance.objects.get(case=order.case)
    assert (balance.current_due_month, balance.monthly_obligation) == (Decimal("500.00"), Decimal("500.00"))
    charges_accrue(through=date(2027, 1, 1))
    assert charges(order.case) == [
        (date(2026, 11, 1), Decimal("500.00"), 1),
        (date(2026, 12, 1), Decimal("1250.00"), 2),
        (date(2027, 1, 1), Decimal("1250.00"), 2),
    ]
    assert CaseBalance.objects.get(case=order.case).monthly_obligation == Decimal("1250.00")
    event = DomainEvent.objects.get(verb="order.modified", case_id=order.case_id)
    assert event.data["effective_on"] == "2026-12-01" and event.data["requested_on"] == "2026-11-23"


def test_the_due_day_stays_the_orders_own(role_user):
    order = order_in_effect_since(date(2026, 9, 15))  # due on the 15th
    with working_day(date(2026, 11, 23)):
        charges_accrue(through=date(2026, 11, 23))
        review = adjusted(order, role_user("caseworker"))
    charges_accrue(through=date(2027, 1, 31))
    assert review.new_order.effective_on == date(2026, 12, 15)
    assert charges(order.case) == [
        (date(2026, 11, 15), Decimal("500.00"), 1),
        (date(2026, 12, 15), Decimal("1250.00"), 2),
        (date(2027, 1, 15), Decimal("1250.00"), 2),
    ]


def test_a_change_on_a_due_date_already_charged_takes_effect_from_the_next_one(role_user):
    # December 1: the night's accrual has charged December at the old amount.
    order = order_in_effect_since(date(2026, 9, 1))
    worker = role_user("caseworker")
    with working_day(date(2026, 12, 1)):
        charges_accrue(through=date(2026, 12, 1))
        with pytest.raises(ValidationError, match="42 USC 666"):  # asked for a charged date: refused
            adjusted(order, worker, effective_on=date(2026, 12, 1))
        review = OrderReview.objects.get(order=order)  # still open
        review = review_complete(review=review, outcome=ReviewOutcome.ADJUSTMENT, reason="income rose", by=worker)
    assert review.new_order.effective_on == date(2027, 1, 1)
    charges_accrue(through=date(2027, 1, 1))
    assert charges(order.case, since=date(2026, 12, 1)) == [
        (date(2026, 12, 1), Decimal("500.00"), 1),
        (date(2027, 1, 1), Decimal("1250.00"), 2),
    ]


def test_a_change_asked_for_a_due_date_not_yet_charged_starts_that_day(role_user):
    order = order_in_effect_since(date(2026, 9, 15))
    with working_day(date(2026, 11, 23)):
        charges_accrue(through=date(2026, 11, 23))
        review = adjusted(order, role_user("caseworker"), effective_on=date(2026, 12, 15))
    assert review.new_order.effective_on == date(2026, 12, 15)
    assert order.obligations.get().end_on == date(2026, 12, 14)


def test_a_weekly_order_changed_mid_week_keeps_the_week_charged(role_user):
    # given: 120.00 a week due on Fridays since Friday September 4, charged through Friday November 20
    order = order_in_effect_since(date(2026, 9, 4))
    order.obligations.update(amount=Decimal("120.00"), frequency="weekly")
    with working_day(date(2026, 11, 25)):  # a Wednesday
        charges_accrue(through=date(2026, 11, 25))
        review = adjusted(order, role_user("caseworker"))
    # then: the week of November 20 stays charged at 120.00; the monthly amount begins with the
    # next week's due date (Friday November 27) and falls due on the 27th
    line = review.new_order.obligations.get()
    assert (line.start_on, line.frequency) == (date(2026, 11, 27), "monthly")
    assert order.obligations.get().end_on == date(2026, 11, 26)
    charges_accrue(through=date(2026, 12, 31))
    assert charges(order.case, since=date(2026, 11, 20)) == [
        (date(2026, 11, 20), Decimal("120.00"), 1),
        (date(2026, 11, 27), Decimal("1250.00"), 2),
        (date(2026, 12, 27), Decimal("1250.00"), 2),
    ]


def test_an_amended_order_recorded_on_the_case_supersedes_the_version_in_force(role_user):
    # given: 500.00 a month due on the 1st, charged through November 1
    order = order_in_effect_since(date(2026, 9, 1))
    worker = role_user("caseworker")
    with working_day(date(2026, 11, 23)):
        charges_accrue(through=date(2026, 11, 23))

        def amended(effective_on: date) -> SupportOrder:
            return order_create(
                case=order.case,
                order_number=order.order_number,
                kind=order.kind,
                issued_on=date(2026, 11, 20),
                effective_on=effective_on,
                obligations=[ObligationData("current_support", Decimal("250.00"), "biweekly", effective_on)],
                by=worker,
            )

        with pytest.raises(ValidationError, match="42 USC 666"):  # November 1 is charged
            amended(date(2026, 11, 1))
        # when: the amended order (250.00 every two weeks) is recorded effective November 23
        new = amended(date(2026, 11, 23))
    # then: it is version 2 and supersedes version 1 from the next due date, December 1
    order.refresh_from_db()
    assert (order.status, new.version, new.supersedes_id, new.effective_on) == (
        OrderStatus.SUPERSEDED,
        2,
        order.pk,
        date(2026, 12, 1),
    )
    assert order.obligations.get().end_on == date(2026, 11, 30)
    charges_accrue(through=date(2026, 12, 31))
    assert charges(order.case) == [
        (date(2026, 11, 1), Decimal("500.00"), 1),
        (date(2026, 12, 1), Decimal("250.00"), 2),
        (date(2026, 12, 15), Decimal("250.00"), 2),
        (date(2026, 12, 29), Decimal("250.00"), 2),
    ]
    assert CaseBalance.objects.get(case=order.case).monthly_obligation == Decimal("541.67")  # 250 × 26 / 12


def test_a_new_line_or_a_new_order_number_starts_on_its_own_date(role_user):
    # A line the version in force does not have (medical support) has nothing charged: it starts on
    # the effective date; so does an order under another number (the case's second order).
    order = order_in_effect_since(date(2026, 9, 1))
    worker = role_user("caseworker")
    with working_day(date(2026, 11, 23)):
        charges_accrue(through=date(2026, 11, 23))
        new = order_create(
            case=order.case,
            order_number=order.order_number,
            kind=order.kind,
            issued_on=date(2026, 11, 20),
            effective_on=date(2026, 11, 23),
            obligations=[
                ObligationData("current_support", Decimal("500.00"), "monthly", date(2026, 11, 23)),
                ObligationData("medical_support", Decimal("60.00"), "monthly", date(2026, 11, 23)),
            ],
            by=worker,
        )
        other = order_create(
            case=order.case,
            order_number="SECOND-1",
            kind=order.kind,
            issued_on=date(2026, 11, 20),
            effective_on=date(2026, 11, 23),
            obligations=[ObligationData("spousal_support", Decimal("100.00"), "monthly", date(2026, 11, 23))],
            by=worker,
        )
    lines = {o.kind: o.start_on for o in new.obligations.all()}
    assert lines == {"current_support": date(2026, 12, 1), "medical_support": date(2026, 11, 23)}
    assert new.effective_on == date(2026, 11, 23)
    assert (other.version, other.supersedes_id, other.obligations.get().start_on) == (1, None, date(2026, 11, 23))


def test_an_orders_lines_keep_their_terms_in_a_new_order_and_in_its_next_version(role_user):
    # order_create and order_supersede build each obligation from its line (order_versions
    # .obligation_create): kind, amount, frequency and end date as asked; only the start of a line
    # that continues one of the version in force moves to that line's next due date.
    order = order_in_effect_since(date(2026, 9, 1))
    worker = role_user("caseworker")
    repay = ObligationData("arrears_repayment", Decimal("40.00"), "weekly", date(2026, 11, 23), date(2027, 11, 22))
    with working_day(date(2026, 11, 23)):
        charges_accrue(through=date(2026, 11, 23))
        new = order_create(
            case=order.case,
            order_number=order.order_number,
            kind=order.kind,
            issued_on=date(2026, 11, 20),
            effective_on=date(2026, 11, 23),
            obligations=[ObligationData("current_support", Decimal("450.00"), "monthly", date(2026, 11, 23)), repay],
            by=worker,
        )
        other = order_create(
            case=order.case,
            order_number="SECOND-1",
            kind=order.kind,
            issued_on=date(2026, 11, 20),
            effective_on=date(2026, 11, 23),
            obligations=[repay],
            by=worker,
        )
    terms = ("kind", "amount", "frequency", "start_on", "end_on")
    assert sorted(new.obligations.values_list(*terms)) == [
        ("arrears_repayment", Decimal("40.00"), "weekly", date(2026, 11, 23), date(2027, 11, 22)),
        ("current_support", Decimal("450.00"), "monthly", date(2026, 12, 1), None),
    ]
    assert list(other.obligations.values_list(*terms)) == [
        ("arrears_repayment", Decimal("40.00"), "weekly", date(2026, 11, 23), date(2027, 11, 22))
    ]


def test_the_review_page_says_when_the_new_amount_begins(client_as, role_user):
    order = order_in_effect_since(date(2026, 9, 1))
    review = review_open(order=order, by=role_user("caseworker"))
    review_calculate(
        review=review,
        by=role_user("caseworker"),
        as_of=date(2025, 6, 1),
        inputs={"payor_income": "60000", "other_income": "40000", "children": 2},
    )
    client = client_as("caseworker")
    with working_day(date(2026, 11, 23)):
        page = client.get(reverse("reviews:detail", args=[review.pk]))
        assert "first due date on or after this date" in page.content.decode()
        response = client.post(
            reverse("reviews:complete", args=[review.pk]),
            {
                **shown_on(page),
                "outcome": ReviewOutcome.ADJUSTMENT,
                "reason": "income rose",
                "effective_on": "2026-11-23",
            },
            follow=True,
        )
    text = response.content.decode()
    assert "Order " + str(order.order_number) + " v2 is in effect from Dec 1, 2026" in text
    assert "New order</dt>" in text and "from Dec 1, 2026" in text


# Pages out of date (core.stale) ---------------------------------------------------------------
def test_completing_an_adjustment_from_a_stale_page_is_refused_when_the_worksheet_was_rerun(client, role_user):
    with time_machine.travel("2026-11-23T15:00:00Z", tick=False):
        a, b = role_user("caseworker"), role_user("coordinator")
        order = order_in_effect_since(date(2020, 1, 1), monthly="500.00")
        review = review_open(order=order, by=a)
        review_calculate(
            review=review,
            by=a,
            as_of=date(2025, 6, 1),
            inputs={"payor_income": "60000", "other_income": "40000", "children": 2},
        )
        client.force_login(a)
        page = client.get(reverse("reviews:detail", args=[review.pk]))
        assert "1,250.00" in page.content.decode()  # what A reads before deciding
        # B re-runs the worksheet with other figures meanwhile
        review_calculate(
            review=review,
            by=b,
            as_of=date(2025, 6, 1),
            inputs={"payor_income": "90000", "other_income": "40000", "children": 2},
        )
        response = client.post(
            reverse("reviews:complete", args=[review.pk]),
            {**shown_on(page), "outcome": "adjustment", "reason": "guideline differs by more than 10%"},
        )
    assert response.status_code == 200
    [error] = response.context["complete_form"].non_field_errors()
    assert error.startswith(f"{b} changed the guideline amount at ")
    assert error in response.content.decode()
    assert error.endswith("reload the page to see it; nothing was saved.")
    review.refresh_from_db()
    assert (review.status, review.new_order) == (ReviewStatus.OPEN, None), "order adjusted to a figure not seen"


def test_a_calculation_that_read_the_review_before_its_completion_does_not_reopen_it(role_user):
    worker = role_user("caseworker")
    order = order_in_effect_since(date(2020, 1, 1), kind=OrderKind.COURT)
    review = review_open(order=order, by=worker)
    inputs = {"payor_income": "60000", "other_income": "40000", "children": 2}
    review_calculate(review=review, by=worker, as_of=date(2025, 6, 1), inputs=inputs)
    read_before = OrderReview.objects.get(pk=review.pk)  # what a calculation running alongside has read
    review_complete(review=review, outcome=ReviewOutcome.NO_CHANGE, reason="within 10%", by=worker)
    with pytest.raises(ValidationError, match="completed"):
        review_calculate(review=read_before, by=worker, as_of=date(2025, 6, 1), inputs=inputs)
    review.refresh_from_db()
    assert (review.status, review.outcome) == (ReviewStatus.COMPLETED, ReviewOutcome.NO_CHANGE)


def test_ca_review_allocates_the_guideline_amount_to_the_case_children_youngest_first(role_user):
    """Fam. Code 4055(b)(8): the review knows the case's children, so the worksheet names them by
    birth date, youngest first: the support for one child, then the difference to two (596.38 and
    357.83 of 954.21); the stored worksheet shows the same lines."""
    from cases.choices import ParticipantRole
    from cases.guidelines.stored import stored_result
    from cases.models import CaseParticipant
    from tests.cases.factories import ChildFactory

    order = order_in_effect_since(date(2020, 1, 1))
    case = order.case
    case.jurisdiction = "CA"
    case.save()
    CaseParticipant.objects.filter(case=case, role=ParticipantRole.CHILD).update(
        person=ChildFactory(date_of_birth=date(2014, 5, 2))
    )
    CaseParticipant.objects.create(case=case, person=ChildFactory(date_of_birth=date(2018, 9, 9)), role="child")
    review = review_open(order=order, by=role_user("caseworker"))
    inputs = {
        "high_earner_net_monthly": "3000",
        "total_net_monthly": "4000",
        "high_earner_timeshare": "0.2",
        "children": 2,
        "payor_is_high_earner": True,
    }
    review = review_calculate(review=review, by=role_user("caseworker"), as_of=date(2026, 6, 1), inputs=inputs)
    assert review.guideline == "CA" and review.guideline_monthly == Decimal("954.21")
    shares = stored_result("CA", review.worksheet).child_allocation
    assert [(s.born_on, s.amount) for s in shares] == [
        (date(2018, 9, 9), Decimal("596.38")),
        (date(2014, 5, 2), Decimal("357.83")),
    ]
    # Typed for another number of children than the case has: by position only.
    review = review_calculate(
        review=review, by=role_user("caseworker"), as_of=date(2026, 6, 1), inputs={**inputs, "children": 3}
    )
    assert [s.born_on for s in stored_result("CA", review.worksheet).child_allocation] == [None, None, None]

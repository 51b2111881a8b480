from datetime import date
from decimal import Decimal

from cases.choices import OrderKind
from cases.services.reviews import review_calculate, review_open
from tests.cases.factories import case_with_order


def url_samples(*, users) -> dict[str, dict]:
    case = case_with_order(monthly=Decimal("400.00"))
    order = case.orders.get()
    order.kind = OrderKind.ADMINISTRATIVE
    order.effective_on = date(2020, 1, 1)
    order.save()
    review = review_open(order=order, by=users["coordinator"])
    review_calculate(
        review=review,
        by=users["coordinator"],
        as_of=date(2025, 6, 1),  # the worksheet PDF has a sheet
        inputs={"payor_income": Decimal("60000"), "other_income": Decimal("40000"), "children": 2},
    )
    return {
        "reviews:open": {"order_id": order.pk},
        "reviews:detail": {"pk": review.pk},
        "reviews:calculate": {"pk": review.pk},
        "reviews:worksheet_pdf": {"pk": review.pk},
        "reviews:complete": {"pk": review.pk},
    }

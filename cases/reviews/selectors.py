from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.dates import add_months

from ..choices import CaseStatus, OrderStatus, ReviewStatus
from ..models import OrderReview, SupportOrder
from ..services.reviews import review_cycle_months


def orders_due_for_review(*, user, as_of: date) -> QuerySet[SupportOrder]:
    """Active orders of open cases in effect for the review cycle or more (36 months: 42 USC
    666(a)(10)(A)(i); 45 CFR 303.8(b)(1)) with no open review and none completed within the cycle."""
    cutoff = add_months(as_of, -review_cycle_months(as_of))
    recent_or_open = OrderReview.objects.filter(order__case=OuterRef("case")).filter(
        Q(status=ReviewStatus.OPEN) | Q(completed_on__gt=cutoff))
    return (
        SupportOrder.objects.restrict(user, "view")
        .filter(status=OrderStatus.ACTIVE, effective_on__lte=cutoff, case__status=CaseStatus.OPEN)
        .exclude(Exists(recent_or_open))
        .select_related("case", "case__caseworker")
        .order_by("effective_on", "id")
    )


def reviews_open(*, user) -> QuerySet[OrderReview]:
    return (OrderReview.objects.restrict(user, "view").filter(status=ReviewStatus.OPEN)
            .select_related("case", "order", "reviewer").order_by("requested_on", "id"))

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.dates import add_months

from ..choices import CaseStatus, OrderStatus, ReviewStatus
from ..models import OrderReview, SupportOrder
from ..services.reviews import REVIEW_CYCLE_MONTHS


def orders_due_for_review(*, user, as_of: date) -> QuerySet[SupportOrder]:
    """Active orders of open cases in effect for 36 months or more (45 CFR 303.8(b)(1)) with no
    open review and no review completed in the last 36 months."""
    cutoff = add_months(as_of, -REVIEW_CYCLE_MONTHS)
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

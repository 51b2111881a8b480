from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.dates import add_months, display_date

from ..choices import CaseStatus, OrderStatus, ReviewStatus
from ..guidelines.forms import labelled_inputs
from ..guidelines.stored import WORKSHEETS, StoredResultError, stored_result
from ..models import OrderReview, SupportOrder
from ..services.reviews import review_cycle_months


def orders_due_for_review(*, user, as_of: date) -> QuerySet[SupportOrder]:
    """Active orders of open cases in effect for the review cycle or more (36 months: 42 USC
    666(a)(10)(A)(i); 45 CFR 303.8(b)(1)) with no open review and none completed within the cycle."""
    cutoff = add_months(as_of, -review_cycle_months(as_of))
    recent_or_open = OrderReview.objects.filter(order__case=OuterRef("case")).filter(
        Q(status=ReviewStatus.OPEN) | Q(completed_on__gt=cutoff)
    )
    return (
        SupportOrder.objects.restrict(user, "view")
        .filter(status=OrderStatus.ACTIVE, effective_on__lte=cutoff, case__status=CaseStatus.OPEN)
        .exclude(Exists(recent_or_open))
        .select_related("case", "case__caseworker")
        .order_by("effective_on", "id")
    )


def reviews_open(*, user) -> QuerySet[OrderReview]:
    return (
        OrderReview.objects.restrict(user, "view")
        .filter(status=ReviewStatus.OPEN)
        .select_related("case", "order", "reviewer")
        .order_by("requested_on", "id")
    )


@dataclass(frozen=True)
class ReviewWorksheet:
    """A review's stored calculation, ready for ``cases/guidelines/_worksheet.html`` and the PDF."""

    result: object
    lines: list
    columns: tuple[str, ...]
    title: str
    subtitle: str
    inputs: list[tuple[str, str]]  # (label in words, value as printed)


def review_worksheet(review: OrderReview) -> ReviewWorksheet | None:
    """The stored worksheet of ``review`` read back into its guideline result (never recalculated: it
    shows the law that was applied), with the inputs labelled as the calculation form labels them.
    None when nothing was calculated or the record has an older shape."""
    if not review.worksheet or review.guideline not in WORKSHEETS:
        return None
    try:
        result = stored_result(review.guideline, review.worksheet)
    except StoredResultError:
        return None
    _, columns, title, subtitle = WORKSHEETS[review.guideline]
    return ReviewWorksheet(
        result=result,
        lines=result.lines(),
        columns=columns,
        title=title,
        subtitle=f"{subtitle} · calculated as of {display_date(review.calculated_on)}"
        if review.calculated_on
        else subtitle,
        inputs=_labelled_inputs(review),
    )


def _labelled_inputs(review: OrderReview) -> list[tuple[str, str]]:
    from .forms import CaReviewInputsForm, NyReviewInputsForm  # the labels the reviewer saw

    form = NyReviewInputsForm() if review.guideline == "NY" else CaReviewInputsForm()
    return labelled_inputs(form, review.inputs or {})

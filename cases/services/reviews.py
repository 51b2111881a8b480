"""Review and adjustment of support orders (45 CFR 303.8).

An order whose current version took effect 36 months ago or more is eligible for review
(303.8(b)(1)). A review records current incomes, runs the guideline calculator of the case's
jurisdiction and compares the result with the order. It ends in no change, an adjustment (a new
order version; administrative orders only — a court order changes only by the court) or a
petition to court. A new version never rewrites past charges: it takes effect from the order's
first due date on or after the date asked for, which must be after the last due date charged (no
retroactive modification of arrears, 42 USC 666(a)(9)); without a date, from the first due date not
charged yet (``order_versions``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.legal import legal_parameter
from core.money import money
from core.services import acting_user, saved_with_event
from core.stale import Shown, refuse_if_changed

from ..choices import Frequency, ObligationKind, OrderKind, OrderStatus, ReviewOutcome, ReviewRequester, ReviewStatus
from ..guidelines import ca_guideline, ny_guideline
from ..guidelines.ca import CaGuidelineResult
from ..guidelines.ny import NyGuidelineResult
from ..guidelines.tables import TableGap
from ..models import OrderReview, SupportOrder
from .order_versions import order_supersede
from .work import work_item_create


def review_cycle_months(on: date) -> int:
    """Months between reviews of an order: at least every 3 years (42 USC 666(a)(10)(A)(i); 45 CFR
    303.8(b)(1)), read from ``core.LegalParameter`` ``us.review.cycle_months`` on ``on``."""
    return int(legal_parameter("us.review.cycle_months", jurisdiction="US", on=on))


CURRENT_KINDS = (ObligationKind.CURRENT_SUPPORT,)


def review_open(
    *, order: SupportOrder, by: User, requested_by: str = ReviewRequester.AGENCY, requested_on: date | None = None
) -> OrderReview:
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError({"order": "Only an active order can be reviewed."})
    if not order.case.is_open:
        raise ValidationError({"order": "The case is closed."})
    if OrderReview.objects.filter(order=order, status=ReviewStatus.OPEN).exists():
        raise ValidationError({"order": "This order already has an open review."})
    review = OrderReview(
        case=order.case,
        order=order,
        requested_on=requested_on or timezone.localdate(),
        requested_by=requested_by,
        reviewer=acting_user(by),
        guideline=order.case.jurisdiction,
        current_monthly=current_monthly_support(order),
    )
    with transaction.atomic():
        saved_with_event(
            review,
            verb="order.review_opened",
            by=by,
            summary=f"Review of order {order} opened ({review.get_requested_by_display()})",
        )
    return review


def _json_safe(value):
    """A worksheet value as JSON: amounts and dates as strings, nested rows as lists of dicts."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)


def current_monthly_support(order: SupportOrder) -> Decimal:
    return money(
        sum(
            (o.monthly_amount for o in order.obligations.all() if o.kind in CURRENT_KINDS and o.end_on is None),
            Decimal("0"),
        )
    )


@transaction.atomic
def review_calculate(*, review: OrderReview, inputs: dict, by: User, as_of: date | None = None) -> OrderReview:
    """Run the case's guideline on ``inputs`` and store the worksheet.

    NY inputs: ``payor_income``, ``other_income`` (annual, after deductions), ``children``.
    CA inputs: ``high_earner_net_monthly``, ``total_net_monthly``, ``high_earner_timeshare``,
    ``children``, and ``payor_is_high_earner`` (whether the NCP is the higher earner).
    """
    # Under the review's lock, as ``review_complete``: a calculation that ran alongside a completion
    # must not write the review back as it read it (open) over the completed one.
    review = OrderReview.objects.select_for_update().select_related("order").get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError("This review is completed.")
    as_of = as_of or timezone.localdate()

    def amount(key: str) -> Decimal:
        return Decimal(str(inputs.get(key) or "0"))

    result: NyGuidelineResult | CaGuidelineResult
    try:
        if review.guideline == "NY":
            deductions = tuple(
                {key: amount(f"{who}_{key}") for key in ("fica", "local_tax", "maintenance_paid", "other_support_paid")}
                for who in ("payor", "other")
            )
            add_ons = {
                key: amount(key)
                for key in (
                    "child_care_annual",
                    "health_insurance_annual",
                    "unreimbursed_health_annual",
                    "education_annual",
                )
            }
            result = ny_guideline(
                gross_incomes=(Decimal(inputs["payor_income"]), Decimal(inputs["other_income"])),
                deductions=deductions,
                add_ons=add_ons,
                children=int(inputs["children"]),
                as_of=as_of,
            )
            monthly = result.payor_obligation_monthly
        else:
            # Fam. Code 4055(b)(8): the allocation names the case's children, youngest first, when
            # the children counted are the case's (each with a birth date); by position otherwise.
            children = int(inputs["children"])
            born = [child.date_of_birth for child in review.case.children]
            result = ca_guideline(
                children_born=born if len(born) == children and None not in born else (),
                high_earner_net_monthly=Decimal(inputs["high_earner_net_monthly"]),
                total_net_monthly=Decimal(inputs["total_net_monthly"]),
                high_earner_timeshare=Decimal(inputs["high_earner_timeshare"]),
                children=children,
                as_of=as_of,
                low_income_adjustment=inputs.get("low_income_adjustment") or "apply",
                rebuttal_reason=inputs.get("rebuttal_reason") or "",
                add_ons={key: amount(key) for key in ("child_care_monthly", "uninsured_health_monthly")},
            )
            ncp_pays = (result.payor == "high_earner") == bool(inputs.get("payor_is_high_earner", True))
            monthly = result.monthly_support if ncp_pays else Decimal("0.00")
    except (KeyError, ValueError, TableGap) as exc:
        raise ValidationError(f"The guideline could not be calculated: {exc}")
    review.inputs = {k: str(v) for k, v in inputs.items() if v is not None}
    review.worksheet = {k: _json_safe(v) for k, v in asdict(result).items()}
    review.guideline_monthly = monthly
    review.current_monthly = current_monthly_support(review.order)
    review.calculated_on = as_of
    return saved_with_event(
        review,
        by=by,
        verb="order.review_calculated",
        summary=f"Guideline {monthly} vs current {review.current_monthly} per month",
        data={"guideline_monthly": str(monthly), "current_monthly": str(review.current_monthly)},
        update_fields=[*REVIEW_CALCULATED, "updated_at"],
    )


REVIEW_CALCULATED = ("inputs", "worksheet", "guideline_monthly", "current_monthly", "calculated_on")
DECIDED_ON = {"guideline_monthly": "guideline amount", "calculated_on": "calculation"}


def review_shown(review: OrderReview) -> dict:
    """What a review's page shows that its completion decides on: the guideline amount and when it
    was calculated (``core.stale``: the completion form carries their fingerprint)."""
    return {name: getattr(review, name) for name in DECIDED_ON}


@transaction.atomic
def review_complete(
    *,
    review: OrderReview,
    outcome: str,
    reason: str,
    by: User,
    effective_on: date | None = None,
    shown: Shown | None = None,
) -> OrderReview:
    """Record the outcome. An adjustment makes the order's next version at the guideline amount,
    from the order's first due date on or after ``effective_on``; without a date, from the first
    due date not charged yet (``order_versions``: a month already charged is not charged again).

    From the review's page (``shown``, ``core.stale``): refused when the guideline amount or its
    calculation is no longer the one the page showed (a colleague re-ran the worksheet since): the
    reviewer decides on the figure they read, never on one they have not seen."""
    review = OrderReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError("This review is already completed.")
    refuse_if_changed(row=review, shown=shown, current=review_shown(review), labels=DECIDED_ON)
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose no change, adjustment or petition."})
    if not reason.strip():
        raise ValidationError({"outcome_reason": "Record the reason for the outcome."})
    if outcome != ReviewOutcome.NO_CHANGE and review.guideline_monthly is None:
        raise ValidationError({"outcome": "Calculate the guideline amount first."})
    today = timezone.localdate()
    if outcome == ReviewOutcome.ADJUSTMENT:
        if review.order.kind != OrderKind.ADMINISTRATIVE:
            raise ValidationError({"outcome": "A court order is changed only by the court: choose a petition."})
        review.new_order = _order_new_version(
            order=review.order, monthly=review.guideline_monthly, effective_on=effective_on, by=by
        )
    elif outcome == ReviewOutcome.PETITION:
        work_item_create(
            case=review.case,
            title=f"File a modification petition for order {review.order}",
            kind="petition",
            due_on=today + timedelta(days=30),
            unit="Enforcement",
            dedupe_key=f"review-petition-{review.pk}",
            by=by,
        )
    review.status = ReviewStatus.COMPLETED
    review.outcome = outcome
    review.outcome_reason = reason.strip()
    review.completed_on = today
    review.reviewer = acting_user(by) or review.reviewer
    return saved_with_event(
        review,
        by=by,
        verb=f"order.review_{outcome}",
        summary=f"Review of {review.order}: {review.get_outcome_display()}",
        data={"reason": review.outcome_reason, "new_order_id": review.new_order_id},
    )


def _order_new_version(
    *, order: SupportOrder, monthly: Decimal, effective_on: date | None, by: User | None, issued_on: date | None = None
) -> SupportOrder:
    """The next version of ``order`` with current support at ``monthly`` a month, from the order's
    first due date on or after ``effective_on`` (None: the first one not charged yet, on or after
    today); its other lines carry over (``order_versions.order_supersede``)."""
    return order_supersede(
        order=order,
        effective_on=effective_on,
        current_support=(monthly, Frequency.MONTHLY),
        issued_on=issued_on,
        by=by,
    )

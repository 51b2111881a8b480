"""Data checks for the cases app (``core.integrity``): rows written before a fix, for the office to decide."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q
from django.db.models.functions import Upper

from core.integrity import IntegrityCheck, IntegrityRow

from .choices import OrderStatus
from .models import FviOverride, OrderReview, SupportOrder


def _orders_two_active_versions() -> Iterator[IntegrityRow]:
    doubled = (
        SupportOrder.objects.filter(status=OrderStatus.ACTIVE)
        .values("case__case_number", "order_number")
        .annotate(versions=Count("id"))
        .filter(versions__gt=1)
        .order_by("case__case_number", "order_number")
    )
    for row in doubled:
        yield IntegrityRow(
            reference=row["case__case_number"],
            detail=f"order {row['order_number']}: {row['versions']} versions active, each charging",
        )


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def _reviews(guideline: str):
    return (
        OrderReview.objects.filter(guideline=guideline)
        .exclude(worksheet={})
        .select_related("case")
        .only("id", "case__case_number", "status", "outcome", "worksheet", "calculated_on")
        .order_by("id")
    )


def _review_detail(review: OrderReview, figures: str) -> str:
    state = review.get_outcome_display() if review.outcome else review.get_status_display()
    return f"review {review.pk} calculated {review.calculated_on or 'on an unknown date'} ({state}): {figures}"


def _ca_add_ons_old_split() -> Iterator[IntegrityRow]:
    for review in _reviews("CA").iterator(chunk_size=500):
        sheet = review.worksheet
        add_ons = _amount(sheet.get("payor_add_ons_monthly"))
        if sheet.get("add_on_rule") or add_ons <= 0:
            continue
        yield IntegrityRow(
            reference=review.case.case_number,
            detail=_review_detail(review, f"payor's add-ons ${add_ons:,.2f} a month, split on unadjusted incomes"),
        )


def _ny_maintenance_not_income() -> Iterator[IntegrityRow]:
    for review in _reviews("NY").iterator(chunk_size=500):
        incomes = review.worksheet.get("incomes") or []
        paid = [_amount((income.get("deductions") or {}).get("maintenance_paid")) for income in incomes]
        if not any(paid) or any("maintenance_received" in income for income in incomes):
            continue
        yield IntegrityRow(
            reference=review.case.case_number,
            detail=_review_detail(
                review, f"maintenance paid ${max(paid):,.2f} a year not counted as the recipient's income"
            ),
        )


def _fvi_overrides_recorded_twice() -> Iterator[IntegrityRow]:
    """One court order allows one release of a protected person's whereabouts (42 USC 654(26)(c));
    the same order recorded twice (a double-clicked form, before the fix) allows two."""
    twice = (
        FviOverride.objects.annotate(court=Upper("court_name"), reference=Upper("court_order_reference"))
        .values("person_id", "court", "reference")
        .annotate(times=Count("id"), used=Count("id", filter=Q(used_at__isnull=False)))
        .filter(times__gt=1)
        .order_by("person_id", "court", "reference")
    )
    for row in twice:
        yield IntegrityRow(
            reference=f"person {row['person_id']}",
            detail=f"court order {row['reference']} of {row['court']} recorded {row['times']} times, "
            f"{row['used']} release(s) made",
        )


CHECKS = [
    IntegrityCheck(
        name="cases.order_two_active_versions",
        title="Orders with two active versions of one order number",
        why=(
            "Before the fix of 'Add an order' under a number in force, the old version was left active "
            "beside the new one, and both charged. For each, decide which version is in force from "
            "when, supersede the other, and reverse the charges it should not have made."
        ),
        find=_orders_two_active_versions,
    ),
    IntegrityCheck(
        name="cases.ca_add_ons_old_split",
        title="CA guideline worksheets whose add-ons were split on unadjusted incomes",
        why=(
            "Fam. Code 4061(a) divides add-ons one-half each before 2024-09-01 and, from then (SB 343), "
            "in proportion to net incomes adjusted by 4061(d); worksheets stored before the fix split "
            "them on unadjusted incomes. For each adjustment made on one, decide whether to recalculate "
            "and amend the order."
        ),
        find=_ca_add_ons_old_split,
    ),
    IntegrityCheck(
        name="cases.ny_maintenance_not_income",
        title="NY CSSA worksheets that did not count maintenance received as income",
        why=(
            "DRL 240(1-b)(b)(5)(iii)(I), as amended by L. 2015 c. 387 (in force 2016-01-24), adds maintenance "
            "paid to the other parent to that parent's income; worksheets stored before the fix only "
            "deducted it from the payer's. For each adjustment made on one, decide whether to "
            "recalculate and amend the order."
        ),
        find=_ny_maintenance_not_income,
    ),
    IntegrityCheck(
        name="cases.fvi_overrides_recorded_twice",
        title="Court orders releasing a protected person's whereabouts recorded more than once",
        why=(
            "A court's order allows one release of an FVI person's whereabouts (42 USC 654(26)(c)); the same "
            "order recorded twice allowed two until the fix. For each, check the releases made against the "
            "order's terms, and report any beyond it as the office's breach procedure requires."
        ),
        find=_fvi_overrides_recorded_twice,
    ),
]

"""Data checks for the cases app (``core.integrity``): rows written before a fix, for the office to decide."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, Upper

from core.integrity import IntegrityCheck, IntegrityRow
from core.money import display

from .allocation import (
    CHILD_MONTH_FIELDS,
    children_in_month,
    former_assigned_passed_through,
    former_assigned_table,
    pass_through_limit,
    pass_through_table,
)
from .choices import AssistanceStatus, Bucket, OrderStatus, ParticipantRole, Payee
from .ledger_dates import month_start
from .models import Allocation, AssistanceSpell, CaseParticipant, FviOverride, OrderReview, SupportOrder
from .services.assistance import spell_status_in_month

# The months whose pass-through core migration 0014 changed: CA from 2022-01-01 (Fam. Code 17504,
# $50 → $100/$200), NY before 2010-01-01 (18 NYCRR 352.15(b): $100/$200 from 2010, not 2008; $50 before).
PASS_THROUGH_CHANGED = Q(case__jurisdiction="CA", collection__collected_on__gte=date(2022, 1, 1)) | Q(
    case__jurisdiction="NY", collection__collected_on__lt=date(2010, 1, 1)
)


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


def _pass_through_not_as_the_law_reads() -> Iterator[IntegrityRow]:
    """A month of current assistance (42 USC 657(a)(6)(B)) in the changed windows whose family share of
    current support differs from the pass-through the corrected table gives: the lesser of the month's
    limit and the current support collected."""
    on_assistance = Q(
        case__assistance_spells__status=AssistanceStatus.CURRENT,
        case__assistance_spells__start_on__lte=F("collection__collected_on"),
    ) & (
        Q(case__assistance_spells__end_on__isnull=True)
        | Q(case__assistance_spells__end_on__gte=F("collection__collected_on"))
    )
    months = (
        Allocation.objects.filter(PASS_THROUGH_CHANGED, on_assistance, bucket=Bucket.CURRENT, reversed_on__isnull=True)
        .annotate(month=TruncMonth("collection__collected_on"))
        .values("case_id", "case__case_number", "case__jurisdiction", "month")
        .annotate(family=Sum("amount", filter=Q(payee=Payee.FAMILY), default=0), current=Sum("amount"))
        .order_by("case__case_number", "month")
    )
    table = pass_through_table()
    # The children of every case the months name, with the days each was added and ended, in one
    # query (not one per case): a child added later counts from the month added, one whose
    # participation ended through the month its end was recorded (``children_in_month``).
    added: dict[int, list[tuple[date | None, date | None]]] = {}
    for case_id, added_on, ended in CaseParticipant.objects.filter(
        role=ParticipantRole.CHILD, case_id__in=months.order_by().values("case_id").distinct()
    ).values_list("case_id", *CHILD_MONTH_FIELDS):
        added.setdefault(case_id, []).append((added_on, ended))
    for row in months.iterator(chunk_size=500):
        case_id = row["case_id"]
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        limit = pass_through_limit(
            jurisdiction=row["case__jurisdiction"],
            children=children_in_month(added.get(case_id, []), month),
            on=month,
            table=table,
        )
        due = min(limit, row["current"])
        if row["family"] != due:
            yield IntegrityRow(
                reference=row["case__case_number"],
                detail=f"{month:%Y-%m}: the family received {display(row['family'])} of {display(row['current'])} "
                f"current support; the pass-through in force gives {display(due)}",
            )


def _former_assigned_retained() -> Iterator[IntegrityRow]:
    """Collections on assigned arrears of a former recipient, dated when the jurisdiction passes them
    through (``former_assigned_table``: CA Fam. Code 17504.2 from 2024-05-05), that the state kept:
    one row per case, with the collections' count, total and first date of collection."""
    table = former_assigned_table()
    starts: dict[str, date] = {}
    for rule in table:
        if rule.to_family:
            starts.setdefault(rule.jurisdiction, rule.effective_on)
    if not starts:
        return
    in_window = Q()
    for jurisdiction, start in starts.items():
        in_window |= Q(case__jurisdiction=jurisdiction, collection__collected_on__gte=start)
    retained = (
        Allocation.objects.filter(
            in_window, bucket=Bucket.ARREARS_ASSIGNED, payee=Payee.STATE, reversed_on__isnull=True
        )
        .exclude(case__assistance_status=AssistanceStatus.NEVER)
        .values_list("case_id", "case__case_number", "case__jurisdiction", "case__assistance_status")
        .annotate(collected_on=F("collection__collected_on"), total=Sum("amount"))
        .order_by("case__case_number", "collected_on")
    )
    rows = list(retained)
    spells: dict[int, list[tuple[str, date, date | None]]] = {}
    for case_id, status, start_on, end_on in AssistanceSpell.objects.filter(
        case_id__in={row[0] for row in rows}
    ).values_list("case_id", "status", "start_on", "end_on"):
        spells.setdefault(case_id, []).append((status, start_on, end_on))
    found: dict[str, tuple[int, Decimal, date]] = {}
    for case_id, number, jurisdiction, fallback, collected_on, total in rows:
        month_status = spell_status_in_month(spells.get(case_id, []), month_start(collected_on), fallback)
        if month_status != AssistanceStatus.FORMER or not former_assigned_passed_through(
            jurisdiction=jurisdiction, on=collected_on, table=table
        ):
            continue
        count, amount, first = found.get(number, (0, Decimal(0), collected_on))
        found[number] = (count + 1, amount + total, min(first, collected_on))
    for number, (count, amount, first) in found.items():
        yield IntegrityRow(
            reference=number,
            detail=f"{count} day(s) of collection from {first:%Y-%m-%d}: {display(amount)} of assigned arrears "
            "retained by the state; the law passes it through to the former recipient",
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
    IntegrityCheck(
        name="cases.pass_through_not_as_the_law_reads",
        title="Months of assistance whose pass-through differs from the corrected amounts",
        why=(
            "Core migration 0014 corrected the pass-through: CA $100 for one child and $200 for two or more "
            "from 2022-01-01 (Fam. Code 17504; the start date is marked confirm), NY $100/$200 from 2010-01-01 "
            "and $50 before (18 NYCRR 352.15(b)). Allocations posted before it used the old table. For each, "
            "decide whether to redistribute the month (case_redistribute) and pay the family what it was owed."
        ),
        find=_pass_through_not_as_the_law_reads,
    ),
    IntegrityCheck(
        name="cases.former_assigned_retained",
        title="Collections on assigned arrears retained from a former recipient the law passes them to",
        why=(
            "CA Fam. Code 17504.2(a)(1) (AB 207, Stats. 2022 ch. 573) passes support collected on assigned "
            "arrears through to a former CalWORKs recipient, from 2024-05-05 as DCSS implemented it (the date "
            "is marked confirm); until the fix the ledger kept it for the state. For each case, decide whether "
            "to redistribute from the first date listed (case_redistribute) and pay the family what it was owed."
        ),
        find=_former_assigned_retained,
    ),
]

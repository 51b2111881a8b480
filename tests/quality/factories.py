"""Quality factories and ledger helpers for hand-built offices."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date
from decimal import Decimal

import factory
from django.db.models import Sum

from cases.models import Allocation, CaseBalance, Collection, LedgerEntry
from quality.models import Expenditure, ImprovementPlan, PlanAction, Review
from tests.factory_base import ModelFactory

_refs = itertools.count(1)


def charge(case, obligation, due_on: date, amount: str, bucket: str = "current") -> LedgerEntry:
    return LedgerEntry.objects.create(
        case=case,
        entry_type="charge",
        obligation=obligation,
        obligation_kind=obligation.kind,
        bucket=bucket,
        amount=Decimal(amount),
        due_on=due_on,
        posted_on=due_on,
    )


def reverse_entry(entry: LedgerEntry, on: date) -> LedgerEntry:
    return LedgerEntry.objects.create(
        case=entry.case,
        entry_type="reversal",
        obligation=entry.obligation,
        obligation_kind=entry.obligation_kind,
        bucket=entry.bucket,
        amount=-entry.amount,
        posted_on=on,
        due_on=entry.due_on,
        reverses=entry,
    )


def adjustment(case, on: date, amount: str, bucket: str = "arrears_unassigned") -> LedgerEntry:
    return LedgerEntry.objects.create(
        case=case,
        entry_type="adjustment",
        bucket=bucket,
        amount=Decimal(amount),
        posted_on=on,
        description="arrears judgment",
    )


def balances_from_ledger() -> None:
    """Every case's balance row holding its bucket sums, as the ledger services keep it (what
    ``verify_ledger`` checks): the hand-built entries above bypass those services."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for case_id, bucket, total in (
        LedgerEntry.objects.exclude(bucket="").values_list("case_id", "bucket").annotate(s=Sum("amount")).order_by()
    ):
        sums[case_id][bucket] = total
    for case_id, by_bucket in sums.items():
        unassigned, assigned = by_bucket["arrears_unassigned"], by_bucket["arrears_assigned"]
        CaseBalance.objects.update_or_create(
            case_id=case_id,
            defaults={
                "current_due_month": by_bucket["current"],
                "current_paid_month": Decimal("0.00"),
                "unassigned_arrears": unassigned,
                "assigned_arrears": assigned,
                "total_arrears": unassigned + assigned,
            },
        )


def pay(
    case,
    on: date,
    amount: str,
    bucket: str = "current",
    source: str = "income_withholding",
    kind: str = "current_support",
    status: str = "posted",
) -> Collection:
    """A collection fully allocated to one bucket (Collection + Allocation + ledger allocation entry)."""
    collection = Collection.objects.create(
        source_reference=f"Q-{next(_refs)}",
        case=case,
        amount=Decimal(amount),
        received_on=on,
        source=source,
        status=status,
    )
    if status == "posted":
        Allocation.objects.create(
            collection=collection,
            case=case,
            obligation_kind=kind,
            bucket=bucket,
            payee="family",
            amount=Decimal(amount),
            allocated_on=on,
        )
        LedgerEntry.objects.create(
            case=case,
            entry_type="allocation",
            bucket=bucket,
            amount=-Decimal(amount),
            posted_on=on,
            collection=collection,
        )
    return collection


class ExpenditureFactory(ModelFactory):
    class Meta:
        model = Expenditure
        django_get_or_create = ("fiscal_year",)

    fiscal_year = 2026
    amount = Decimal("400.00")
    source = "OCSE-396"


class ReviewFactory(ModelFactory):
    class Meta:
        model = Review

    title = factory.Sequence(lambda n: f"Self-assessment {n}")
    period_start = date(2025, 10, 1)
    period_end = date(2026, 9, 30)
    sample_size = 5
    seed = 42


class ImprovementPlanFactory(ModelFactory):
    class Meta:
        model = ImprovementPlan

    title = factory.Sequence(lambda n: f"Raise order establishment {n}")
    topic = "orders"
    baseline = Decimal("60.00")
    target = Decimal("80.00")
    target_on = date(2027, 9, 30)


class PlanActionFactory(ModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(ImprovementPlanFactory)
    description = "Schedule establishment hearings for located NCPs"
    due_on = date(2026, 12, 15)

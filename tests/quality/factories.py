"""Quality factories and ledger helpers for hand-built offices."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from cases.models import Allocation, Collection, LedgerEntry
from quality.models import Expenditure, ImprovementPlan, PlanAction, Review

_refs = itertools.count(1)


def charge(case, obligation, due_on: date, amount: str) -> LedgerEntry:
    return LedgerEntry.objects.create(case=case, entry_type="charge", obligation=obligation,
                                      obligation_kind=obligation.kind, amount=Decimal(amount), due_on=due_on,
                                      posted_on=due_on)


def reverse_entry(entry: LedgerEntry, on: date) -> LedgerEntry:
    return LedgerEntry.objects.create(case=entry.case, entry_type="reversal", obligation=entry.obligation,
                                      obligation_kind=entry.obligation_kind, amount=-entry.amount, posted_on=on,
                                      reverses=entry)


def adjustment(case, on: date, amount: str) -> LedgerEntry:
    return LedgerEntry.objects.create(case=case, entry_type="adjustment", amount=Decimal(amount), posted_on=on,
                                      description="arrears judgment")


def pay(case, on: date, amount: str, bucket: str = "current", source: str = "income_withholding",
        kind: str = "current_support", status: str = "posted") -> Collection:
    """A collection fully allocated to one bucket (Collection + Allocation + ledger allocation entry)."""
    collection = Collection.objects.create(source_reference=f"Q-{next(_refs)}", case=case, amount=Decimal(amount),
                                           received_on=on, source=source, status=status)
    if status == "posted":
        Allocation.objects.create(collection=collection, case=case, obligation_kind=kind, bucket=bucket,
                                  payee="family", amount=Decimal(amount), allocated_on=on)
        LedgerEntry.objects.create(case=case, entry_type="allocation", bucket=bucket, amount=-Decimal(amount),
                                   posted_on=on, collection=collection)
    return collection


class ExpenditureFactory(DjangoModelFactory):
    class Meta:
        model = Expenditure
        django_get_or_create = ("fiscal_year",)

    fiscal_year = 2026
    amount = Decimal("400.00")
    source = "OCSE-396"


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    title = factory.Sequence(lambda n: f"Self-assessment {n}")
    period_start = date(2025, 10, 1)
    period_end = date(2026, 9, 30)
    sample_size = 5
    seed = 42


class ImprovementPlanFactory(DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    title = factory.Sequence(lambda n: f"Raise order establishment {n}")
    topic = "orders"
    baseline = Decimal("60.00")
    target = Decimal("80.00")
    target_on = date(2027, 9, 30)


class PlanActionFactory(DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(ImprovementPlanFactory)
    description = "Schedule establishment hearings for located NCPs"
    due_on = date(2026, 12, 15)

"""Recompute every balance from the ledger entries (set-based) and report the differences.

The figures a balance must equal (see cases/models/ledger.py for the sign convention):
- ``unassigned_arrears`` / ``assigned_arrears``: the sum of the entries in that bucket;
- ``current_due_month - current_paid_month``: the sum of the entries in the current bucket;
- ``current_due_month``: the current-bucket charges due since ``current_month``;
- ``total_arrears``: unassigned + assigned.
Used by ``manage.py verify_ledger`` and by the tests after random posting sequences.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum

from core.money import ZERO, money

from .choices import Bucket, EntryType
from .models import CaseBalance, LedgerEntry


@dataclass(frozen=True)
class Difference:
    case_id: int
    case_number: str
    figure: str
    stored: Decimal
    recomputed: Decimal


def ledger_differences(*, case_range: tuple[int, int] | None = None) -> list[Difference]:
    entries = LedgerEntry.objects.exclude(bucket="")
    balances = CaseBalance.objects.all()
    if case_range is not None:
        entries = entries.filter(case__gte=case_range[0], case__lte=case_range[1])
        balances = balances.filter(case__gte=case_range[0], case__lte=case_range[1])
    by_bucket: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for case_id, bucket, total in entries.values_list("case_id", "bucket").annotate(s=Sum("amount")).order_by():
        by_bucket[case_id][bucket] = money(total or 0)
    due_now: dict[int, Decimal] = {
        case_id: money(total or 0)
        for case_id, total in entries.filter(
            # a charge, or the reversal of one (an order ended after it was charged: order_end)
            Q(entry_type=EntryType.CHARGE) | Q(entry_type=EntryType.REVERSAL, reverses__entry_type=EntryType.CHARGE),
            bucket=Bucket.CURRENT,
            due_on__gte=F("case__balance__current_month"),
        )
        .values_list("case_id")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    differences = []
    seen = set()
    for row in balances.values_list(
        "case_id",
        "case__case_number",
        "current_due_month",
        "current_paid_month",
        "unassigned_arrears",
        "assigned_arrears",
        "total_arrears",
    ).order_by("case_id"):
        case_id, number, due, paid, unassigned, assigned, total = row
        seen.add(case_id)
        sums = by_bucket.get(case_id, {})
        expected = {
            "unassigned_arrears": (unassigned, sums.get(Bucket.ARREARS_UNASSIGNED, ZERO)),
            "assigned_arrears": (assigned, sums.get(Bucket.ARREARS_ASSIGNED, ZERO)),
            "current_unpaid": (due - paid, sums.get(Bucket.CURRENT, ZERO)),
            "current_due_month": (due, due_now.get(case_id, ZERO)),
            "total_arrears": (
                total,
                sums.get(Bucket.ARREARS_UNASSIGNED, ZERO) + sums.get(Bucket.ARREARS_ASSIGNED, ZERO),
            ),
        }
        for figure, (stored, recomputed) in expected.items():
            if money(stored) != money(recomputed):
                differences.append(Difference(case_id, number, figure, money(stored), money(recomputed)))
    for case_id in sorted(set(by_bucket) - seen):
        if any(by_bucket[case_id].values()):
            differences.append(
                Difference(case_id, "", "balance_row_missing", ZERO, sum(by_bucket[case_id].values(), ZERO))
            )
    return differences

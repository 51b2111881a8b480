"""Ledger reads: the held queue, late disbursements, a case's statement of account, the support
unpaid of a recent period."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.money import ZERO

from ..choices import FTI_SOURCES, Bucket, CollectionStatus, EntryType
from ..ledger_dates import month_start, next_month
from ..models import Case, CaseBalance, Collection, Disbursement, LedgerEntry
from .fti import can_view_fti, shown_source
from .interest import case_arrears_interest


def collections_held(*, user) -> QuerySet[Collection]:
    """Held collections the user may see: those of cases in scope, and the unidentified ones
    (no case yet: they belong to no county). A held tax offset only to staff cleared for federal
    tax information (IRS Publication 1075): why it is held says what it is, and releasing it is
    decided on that (a joint return's injured-spouse claim, 45 CFR 303.72(h))."""
    scoped = Collection.objects.restrict(user, "view").filter(status=CollectionStatus.HELD)
    unidentified = Collection.objects.filter(status=CollectionStatus.HELD, case__isnull=True)
    held = scoped | unidentified
    if not can_view_fti(user):
        held = held.exclude(source__in=FTI_SOURCES)
    return held.select_related("case").order_by("received_on", "id")


def disbursements_late(*, user) -> QuerySet[Disbursement]:
    return (
        Disbursement.objects.restrict(user, "view")
        .filter(is_late=True)
        .select_related("case", "collection")
        .order_by("due_by", "id")
    )


def case_statement(*, case: Case, user=None, limit: int = 20) -> dict:
    """The statement of account on the case page: the balance kept by the ledger services (never
    re-added from history) and the latest entries. A tax offset's source shows only to users
    allowed to see federal tax information (IRS Publication 1075). A California case's interest on
    its arrears (CCP 685.010) is shown apart from them (``interest``, ``None`` elsewhere)."""
    balance = CaseBalance.objects.filter(case=case).first()
    fti = can_view_fti(user) if user is not None else False
    entries = list(LedgerEntry.objects.filter(case=case).select_related("collection").order_by("-id")[:limit])
    for entry in entries:
        entry.shown_source = shown_source(entry.collection.source, fti=fti) if entry.collection_id else None
    held = (
        Collection.objects.filter(Q(case=case), Q(status=CollectionStatus.HELD) | ~Q(hold_reason=""))
        .exclude(status=CollectionStatus.REVERSED)  # one reversed before its hold reason was cleared holds nothing
        .count()
    )
    pending = Disbursement.objects.filter(case=case, status="pending").count()
    return {
        "case": case,
        "balance": balance,
        "entries": entries,
        "held_count": held,
        "pending_disbursements": pending,
        "interest": case_arrears_interest(case=case, as_of=timezone.localdate()) if balance else None,
        "charge_type": EntryType.CHARGE,
        "collection_type": EntryType.COLLECTION,
    }


ARREARS_BUCKETS: tuple[str, ...] = (Bucket.ARREARS_UNASSIGNED, Bucket.ARREARS_ASSIGNED)


def support_unpaid_since(*, case: Case, since: date, on: date, open_month: date | None) -> dict[str, Decimal]:
    """Per arrears bucket, the most of the case's arrears in it that can be support falling due
    after ``since`` (to ``on``): for each month whose current support has become arrears (before
    ``open_month``, the balance's month still open), the charges of the month due after ``since``,
    but never more than what the month's current support payments left unpaid of all its charges,
    counted in the bucket that month's unpaid support went to (its roll-over at the month's end, or
    the month's reassignment by assistance status; a charge posted straight into arrears, its own
    bucket). Within a bucket arrears are paid oldest first (``cases.allocation``), so what a bucket
    owes is its newest unpaid support: a bucket's arrears above its figure are support for a period
    before ``since``. Not across buckets: under assistance a payment pays the assigned arrears
    first (42 USC 657(a)(1)), however new, and leaves older family arrears owed (red team rt2).
    Set-based: three queries.

    A payment pays current support of the month it was collected in (45 CFR 302.51(a)): its
    allocation's month is the due date it was written for (a redistribution, a closed month) or
    the day it was posted. Charges and allocations reversed since count for nothing. A month whose
    unpaid support is in neither bucket on file counts toward both (never a "yes" by a guess)."""
    from ..services.ledger import ROLL_DESCRIPTION
    from ..services.ledger_redistribute import REASSIGN_PREFIX

    limits: dict[str, Decimal] = dict.fromkeys(ARREARS_BUCKETS, ZERO)
    first = month_start(since + timedelta(days=1))
    if open_month is not None and open_month <= first:
        return limits
    charges = LedgerEntry.objects.filter(
        case=case, entry_type=EntryType.CHARGE, due_on__gte=first, due_on__lte=on, reversed_by__isnull=True
    ).exclude(bucket="")  # an arrears repayment's memo charge is no new debt
    if open_month is not None:
        charges = charges.filter(due_on__lt=open_month)
    months: dict[date, dict[str, tuple[Decimal, Decimal]]] = {}
    for row in (
        charges.annotate(month=TruncMonth("due_on"))
        .values("month", "bucket")
        .annotate(charged=Sum("amount"), recent=Sum("amount", filter=Q(due_on__gt=since)))
    ):
        months.setdefault(row["month"], {})[row["bucket"]] = (row["charged"] or ZERO, row["recent"] or ZERO)
    if not months:
        return limits
    last = max(months)
    paid = {
        row["month"]: -(row["total"] or ZERO)
        for row in LedgerEntry.objects.filter(
            case=case, entry_type=EntryType.ALLOCATION, bucket=Bucket.CURRENT, reversed_by__isnull=True
        )
        .annotate(month=TruncMonth(Coalesce("due_on", "posted_on")))
        .filter(month__gte=first, month__lte=last)
        .values("month")
        .annotate(total=Sum("amount"))
    }
    # The bucket each month's unpaid current support went to: its roll-over (posted the first day of
    # the next month), unless a reassignment by the month's assistance status (dated by the month)
    # moved it since.
    rolled_to: dict[date, str] = {}
    reassigned_to: dict[date, str] = {}
    for posted_on, due_on, description, bucket in (
        LedgerEntry.objects.filter(
            Q(description=ROLL_DESCRIPTION, posted_on__gt=first, posted_on__lte=next_month(last))
            | Q(description__startswith=REASSIGN_PREFIX, due_on__gte=first, due_on__lte=last),
            case=case,
            entry_type=EntryType.ADJUSTMENT,
            bucket__in=ARREARS_BUCKETS,
            amount__gt=0,
            reversed_by__isnull=True,
        )
        .order_by("pk")
        .values_list("posted_on", "due_on", "description", "bucket")
    ):
        if description == ROLL_DESCRIPTION:
            rolled_to[month_start(posted_on - timedelta(days=1))] = bucket
        else:
            reassigned_to[month_start(due_on)] = bucket
    for month, by_bucket in months.items():
        charged = sum((c for c, _ in by_bucket.values()), ZERO)
        recent = sum((r for _, r in by_bucket.values()), ZERO)
        left = max(charged - paid.get(month, ZERO), ZERO)
        unpaid = min(recent, left)
        # Charges posted straight into an arrears bucket are that bucket's; the rest rolled over.
        for bucket in ARREARS_BUCKETS:
            direct = min(by_bucket.get(bucket, (ZERO, ZERO))[1], unpaid)
            limits[bucket] += direct
            unpaid -= direct
        if unpaid <= 0:
            continue
        went = reassigned_to.get(month) or rolled_to.get(month)
        for bucket in [went] if went else ARREARS_BUCKETS:
            limits[bucket] += unpaid
    return limits

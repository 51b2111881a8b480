"""Ledger reads: the held queue, late disbursements, a case's statement of account."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..choices import FTI_SOURCES, CollectionStatus, EntryType
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

"""Distribution by month of collection for collections that arrive out of order (45 CFR 302.51).

A collection pays current support due in its *month of collection* first (302.51(a)(1)), then
arrears in the federal order. When one is posted after its month was closed out — withheld on
November 30, posted December 2 — or after collections of a later date were already distributed,
the case is redistributed from its date of collection: every live collection of the case from
that date on is distributed again in order of collection (date, then source reference), as if
they had been posted in that order. Only collections whose distribution changes get new rows:
their ledger entries are reversed (never updated) and new entries written, their allocations
marked ``reversed_on`` and new ones written, the family disbursement corrected, and an event
records what changed.

Current support of a closed month is paid out of the arrears its close-out created (the bucket
of that month's assistance status, 42 USC 608(a)(3)): the allocation says *current support*
(OCSE-157 line 25 counts it in its month of collection) and its ledger entry reduces that
arrears bucket, so the balance stays the sum of its entries (``verify_ledger``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from core.db import ledger_writer, rows_insert
from core.money import ZERO, money
from core.services import event_about

from .. import allocation as rules
from ..choices import (
    Bucket,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    ObligationKind,
    ParticipantRole,
    Payee,
)
from ..ledger_dates import month_start, next_month
from ..models import (
    Allocation,
    AssistanceSpell,
    Case,
    CaseBalance,
    CaseParticipant,
    Collection,
    Disbursement,
    LedgerEntry,
)
from ..models.ledger import REDISTRIBUTED_REASON
from .ledger import (
    DUE_ENTRY_COLUMNS,
    ROLL_DESCRIPTION,
    SpellMap,
    _after_payment,
    _balances_save,
    _event_source,
    _plan,
    _refresh_derived,
    allocation_description,
    arrears_bucket_for,
    collection_entry_description,
    disbursement_due_by,
    overpayment_policy,
    spells_of,
    status_in,
)

CURRENT_KINDS = (ObligationKind.CURRENT_SUPPORT, ObligationKind.MEDICAL_SUPPORT, ObligationKind.SPOUSAL_SUPPORT)


def _undo_bucket(entry: LedgerEntry, *, balance: CaseBalance, case: Case, spells: SpellMap) -> str:
    """The bucket a reversal of ``entry`` restores: current support paid in a month since closed
    out is owed again as that month's arrears (assigned if it was a month of assistance)."""
    if entry.bucket != Bucket.CURRENT:
        return entry.bucket
    month = month_start(entry.due_on or entry.posted_on)
    if balance.current_month is None or month >= balance.current_month:
        return Bucket.CURRENT
    return arrears_bucket_for(status_in(spells, case, month))


def current_support_charged(first: date, end: date, **case_lookup):
    """The charges of current support (and their reversals) due from ``first`` to before ``end``,
    of the cases ``case_lookup`` names: what each month owed, whatever bucket it has moved to since.

    Only charges and their reversals (``order_end``) carry an obligation kind: an allocation entry
    has none (``allocation.Slice`` of current support is built without one by every writer), so
    the reversal of a payment — ``collection_reverse``, a redistribution's — never counts here,
    though it carries its closed month's due date (tests/cases/test_ledger_month_due.py)."""
    return LedgerEntry.objects.filter(
        **case_lookup,
        entry_type__in=(EntryType.CHARGE, EntryType.REVERSAL),
        obligation_kind__in=CURRENT_KINDS,
        due_on__gte=first,
        due_on__lt=end,
    ).exclude(bucket="")


def current_support_paid(first: date, end: date, **case_lookup):
    """The standing allocations to current support of the collections collected from ``first`` to
    before ``end``, of the cases ``case_lookup`` names (45 CFR 302.51: by month of collection)."""
    return Allocation.objects.filter(
        **case_lookup,
        bucket=Bucket.CURRENT,
        reversed_on__isnull=True,
        collection__collected_on__gte=first,
        collection__collected_on__lt=end,
    )


def allocation_entry_rows(
    *,
    collection: Collection,
    case: Case,
    distribution: rules.Distribution,
    on: date,
    month_bucket: str | None = None,
) -> list[tuple]:
    """The allocation rows (``DUE_ENTRY_COLUMNS``) of ``distribution``. For a collection of a
    closed month (``month_bucket``: the arrears its close-out created), current support of that
    month is paid out of that bucket, dated by the month."""
    month = month_start(collection.collected_on)
    rows = []
    for line in distribution.lines:
        bucket, due_on, text = line.bucket, None, allocation_description(line, distribution)
        if month_bucket is not None and line.bucket == rules.CURRENT:
            bucket, due_on = month_bucket, month
            text = (
                f"Current support of {month:%Y-%m} (month of collection, closed out) "
                f"paid from that month's arrears ({line.payee})"
            )
        rows.append(
            (
                case.pk,
                EntryType.ALLOCATION,
                bucket,
                line.obligation_kind,
                due_on,
                -line.amount,
                on,
                collection.pk,
                text[:200],
            )
        )
    return rows


def closed_month_offer(
    balance: CaseBalance, *, month_bucket: str, unpaid: Decimal
) -> tuple[Decimal, list[rules.Slice]]:
    """A collection of a month since closed out pays that month's unpaid current support first
    (45 CFR 302.51), which is now arrears in ``month_bucket``: what it may pay of it, and the
    arrears left to offer after it."""
    arrears: dict[str, Decimal] = {
        Bucket.ARREARS_UNASSIGNED: max(balance.unassigned_arrears, ZERO),
        Bucket.ARREARS_ASSIGNED: max(balance.assigned_arrears, ZERO),
    }
    offer = max(min(unpaid, arrears[month_bucket]), ZERO)
    arrears[month_bucket] -= offer
    return offer, rules.arrears_slices(
        unassigned=arrears[Bucket.ARREARS_UNASSIGNED], assigned=arrears[Bucket.ARREARS_ASSIGNED]
    )


def closed_month_distribute(
    balance: CaseBalance,
    *,
    assistance_status: str,
    month_bucket: str,
    unpaid: Decimal,
    source: str,
    amount: Decimal,
    pass_through_available: Decimal,
    policy: str,
    former_assigned_to_family: bool = False,
) -> rules.Distribution:
    """Distribute a collection of a month since closed out (``closed_month_offer``): ``unpaid``
    current support of its month first, then arrears. What it pays of that month's support leaves
    ``month_bucket`` of ``balance``; the rest of the distribution is the caller's to apply."""
    offer, arrears = closed_month_offer(balance, month_bucket=month_bucket, unpaid=unpaid)
    distribution = rules.distribute(
        assistance_status=assistance_status,
        source=source,
        amount=amount,
        current_due=[rules.Slice(rules.CURRENT, offer)],
        arrears=arrears,
        pass_through_available=pass_through_available,
        ura_available=balance.unreimbursed_assistance,
        overpayment_policy=policy,
        former_assigned_to_family=former_assigned_to_family,
    )
    _move(balance, month_bucket, -distribution.paid(bucket=rules.CURRENT))
    return distribution


def _move(balance: CaseBalance, bucket: str, amount: Decimal, *, closed: bool = False) -> None:
    """Change what is owed in ``bucket`` by ``amount`` (the sign of a ledger entry)."""
    if bucket == Bucket.CURRENT and not closed:
        balance.current_paid_month -= amount
    elif bucket == Bucket.ARREARS_UNASSIGNED:
        balance.unassigned_arrears += amount
    elif bucket == Bucket.ARREARS_ASSIGNED:
        balance.assigned_arrears += amount


def _months_due_and_paid(case: Case, months: set[date], exclude: list[int]):
    """Current support due in each closed month, and what collections of that month outside the
    redistribution already paid of it (all, and to the family for the pass-through)."""
    due: dict[date, Decimal] = defaultdict(lambda: ZERO)
    paid: dict[date, Decimal] = defaultdict(lambda: ZERO)
    passed: dict[date, Decimal] = defaultdict(lambda: ZERO)
    if not months:
        return due, paid, passed
    first, end = min(months), next_month(max(months))
    for due_on, amount in current_support_charged(first, end, case=case).values_list("due_on", "amount"):
        due[month_start(due_on)] += amount
    for collected_on, payee, amount in (
        current_support_paid(first, end, case=case)
        .exclude(collection_id__in=exclude)
        .values_list("collection__collected_on", "payee", "amount")
    ):
        paid[month_start(collected_on)] += amount
        if payee == Payee.FAMILY:
            passed[month_start(collected_on)] += amount
    return due, paid, passed


def case_redistribute(
    *,
    case: Case,
    balance: CaseBalance,
    from_date: date,
    on: date,
    by=None,
    actor_label: str = "",
    spells: SpellMap | None = None,
    policy: str | None = None,
    former_assigned: tuple[rules.FormerAssignedRule, ...] | None = None,
    reason: str,
    changes_out: list | None = None,
) -> dict[int, list[Allocation]]:
    """Distribute again, in order of collection, every posted collection of ``case`` collected on
    or after ``from_date`` (see the module docstring). ``balance`` is the case's balance row,
    locked by the caller and in the month of ``on``. ``former_assigned``: the
    ``rules.former_assigned_table`` a batch read once (read here when not given). Returns the new allocations of each
    collection that changed (or was distributed for the first time). Call inside a transaction."""
    ledger_writer()
    spells = spells if spells is not None else spells_of([case.pk])
    policy = policy or overpayment_policy()
    redo = list(
        Collection.objects.filter(case=case, status=CollectionStatus.POSTED, collected_on__gte=from_date).order_by(
            "collected_on", "source_reference", "pk"
        )
    )
    if not redo:
        return {}
    ids = [c.pk for c in redo]
    live_allocations: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in Allocation.objects.filter(collection_id__in=ids, reversed_on__isnull=True).order_by("pk"):
        live_allocations[allocation.collection_id].append(allocation)
    live_entries: dict[int, list[tuple[LedgerEntry, str]]] = defaultdict(list)
    received: set[int] = set()
    for entry in LedgerEntry.objects.filter(
        collection_id__in=ids, entry_type__in=(EntryType.ALLOCATION, EntryType.COLLECTION), reversed_by__isnull=True
    ).order_by("pk"):
        if entry.entry_type == EntryType.COLLECTION:
            received.add(entry.collection_id)
            continue
        bucket = _undo_bucket(entry, balance=balance, case=case, spells=spells)
        live_entries[entry.collection_id].append((entry, bucket))
        _move(balance, bucket, -entry.amount)
    for allocations in live_allocations.values():
        for allocation in allocations:
            if allocation.payee == Payee.STATE and balance.unreimbursed_assistance is not None:
                balance.unreimbursed_assistance += allocation.amount

    this_month = balance.current_month or month_start(on)
    closed_months = {month_start(c.collected_on) for c in redo if month_start(c.collected_on) < this_month}
    due, paid, passed = _months_due_and_paid(case, closed_months, ids)
    child_months = list(
        CaseParticipant.objects.filter(case=case, role=ParticipantRole.CHILD).values_list(*rules.CHILD_MONTH_FIELDS)
    )
    passed_now = sum(
        (
            a.amount
            for a in Allocation.objects.filter(
                case=case,
                bucket=Bucket.CURRENT,
                payee=Payee.FAMILY,
                reversed_on__isnull=True,
                allocated_on__gte=this_month,
                collection__collected_on__gte=this_month,
            ).exclude(collection_id__in=ids)
        ),
        ZERO,
    )

    plans: dict[int, tuple[rules.Distribution, date, bool, str]] = {}
    pass_through = rules.pass_through_table((case.jurisdiction,))
    if former_assigned is None:
        former_assigned = rules.former_assigned_table((case.jurisdiction,))
    for collection in redo:
        month = month_start(collection.collected_on)
        status = status_in(spells, case, month)
        closed = month < this_month
        month_bucket = arrears_bucket_for(status)
        pass_left = ZERO
        if status == rules.CURRENT_ASSISTANCE:
            limit = rules.pass_through_limit(
                jurisdiction=case.jurisdiction,
                children=rules.children_in_month(child_months, month),
                on=month,
                table=pass_through,
            )
            pass_left = max(limit - (passed[month] if closed else passed_now), ZERO)
        # Fam. Code 17504.2: whether assigned support goes to a former recipient, on each collection's date.
        to_family = rules.former_assigned_passed_through(
            jurisdiction=case.jurisdiction, on=collection.collected_on, table=former_assigned
        )
        # Planned as a batch plans it: a closed month's collection by its month, one of this month
        # as on receipt.
        if closed:
            distribution = closed_month_distribute(
                balance,
                assistance_status=status,
                month_bucket=month_bucket,
                unpaid=due[month] - paid[month],
                source=collection.source,
                amount=collection.amount,
                pass_through_available=pass_left,
                policy=policy,
                former_assigned_to_family=to_family,
            )
            paid[month] += distribution.paid(bucket=rules.CURRENT)
            passed[month] += distribution.paid(bucket=rules.CURRENT, payee=rules.FAMILY)
        else:
            distribution = _plan(
                balance=balance,
                assistance_status=status,
                source=collection.source,
                amount=collection.amount,
                pass_through_left=pass_left,
                policy=policy,
                former_assigned_to_family=to_family,
            )
            balance.current_paid_month += distribution.paid(bucket=rules.CURRENT)
            passed_now += distribution.paid(bucket=rules.CURRENT, payee=rules.FAMILY)
        _after_payment(
            balance,
            distribution,
            received_on=collection.received_on,
            amount=collection.amount,
            collected_on=collection.collected_on,
        )
        plans[collection.pk] = (distribution, month, closed, month_bucket)

    result = _write(
        case=case,
        redo=redo,
        plans=plans,
        live_allocations=live_allocations,
        live_entries=live_entries,
        received=received,
        on=on,
        by=by,
        actor_label=actor_label,
        reason=reason,
        changes_out=changes_out,
    )
    _refresh_derived(balance, on=on)
    _balances_save([balance])
    return result


def _family_given(collection: Collection) -> tuple[Decimal, Decimal]:
    """What was already given to the family of ``collection``: (sent, returned by the bank).

    A returned disbursement (R-code, ``enforcement.services.returns``) is money the office holds
    undistributed for the family, with a work item to pay it again: the return is the one way it
    is paid again, so a redistribution counts it as given (never a second, pending disbursement of
    the same money) and never asks the family to give back what they did not receive."""
    given = Disbursement.objects.filter(collection=collection, payee=Payee.FAMILY).aggregate(
        sent=Sum("amount", filter=Q(status=DisbursementStatus.SENT)),
        returned=Sum("amount", filter=Q(status=DisbursementStatus.RETURNED)),
    )
    return money(given["sent"] or ZERO), money(given["returned"] or ZERO)


def _write(
    *, case, redo, plans, live_allocations, live_entries, received, on, by, actor_label, changes_out=None, reason
) -> dict[int, list[Allocation]]:
    reversals: list[LedgerEntry] = []
    entries: list[tuple] = []
    new_allocations: list[Allocation] = []
    disbursements: list[Disbursement] = []
    reversed_allocation_ids: list[int] = []
    changes = []
    result: dict[int, list[Allocation]] = {}
    for collection in redo:
        distribution, month, closed, month_bucket = plans[collection.pk]
        old = sorted((a.bucket, a.payee, a.amount) for a in live_allocations.get(collection.pk, []))
        new = sorted((line.bucket, line.payee, line.amount) for line in distribution.lines)
        first_time = collection.pk not in received
        hold_reason = distribution.held_reason
        # What the entries do to the buckets, before and after: the same allocation lines can
        # move another bucket (current support of this month vs of a closed month's arrears).
        old_effect = sorted((bucket, -entry.amount) for entry, bucket in live_entries.get(collection.pk, []))
        new_effect = sorted(
            (month_bucket if closed and line.bucket == rules.CURRENT else line.bucket, line.amount)
            for line in distribution.lines
        )
        if not first_time and old == new and old_effect == new_effect and collection.hold_reason == hold_reason:
            continue
        for entry, bucket in live_entries.get(collection.pk, []):
            reversals.append(entry.reversal(bucket=bucket, on=on, reason=f"{REDISTRIBUTED_REASON} ({reason})"))
        reversed_allocation_ids += [a.pk for a in live_allocations.get(collection.pk, [])]
        if first_time:
            entries.append(
                (
                    case.pk,
                    EntryType.COLLECTION,
                    "",
                    "",
                    None,
                    collection.amount,
                    on,
                    collection.pk,
                    collection_entry_description(collection, distribution),
                )
            )
        entries += allocation_entry_rows(
            collection=collection,
            case=case,
            distribution=distribution,
            on=on,
            month_bucket=month_bucket if closed else None,
        )
        for line in distribution.lines:
            new_allocations.append(
                Allocation(
                    collection=collection,
                    case=case,
                    obligation_kind=line.obligation_kind,
                    bucket=line.bucket,
                    payee=line.payee,
                    amount=line.amount,
                    allocated_on=on,
                )
            )
        family = distribution.paid(payee=rules.FAMILY)
        Disbursement.objects.filter(collection=collection, status=DisbursementStatus.PENDING).update(
            status=DisbursementStatus.CANCELLED
        )
        sent, returned = _family_given(collection)
        if family - sent - returned > 0:
            disbursements.append(
                Disbursement(
                    case=case,
                    collection=collection,
                    payee=Payee.FAMILY,
                    amount=family - sent - returned,
                    received_on=collection.received_on,
                    due_by=disbursement_due_by(collection.received_on, case.jurisdiction, source=collection.source),
                )
            )
        updates = {}
        if collection.hold_reason != hold_reason:
            updates["hold_reason"] = hold_reason
        if collection.overpayment_policy != distribution.overpayment_policy:
            updates["overpayment_policy"] = distribution.overpayment_policy
        if updates:
            Collection.objects.filter(pk=collection.pk).update(**updates)
            for name, value in updates.items():
                setattr(collection, name, value)
        if first_time:
            event_about(
                collection,
                verb="collection.posted",
                case_id=case.pk,
                by=by,
                actor_label=actor_label,
                summary=(
                    f"{collection.amount} {_event_source(collection)} ref {collection.source_reference}"
                    f" collected {collection.collected_on}, distributed by month of collection"
                )[:500],
            )
        else:
            changes.append(
                {
                    "collection": collection.source_reference,
                    "collected_on": collection.collected_on.isoformat(),
                    "before": [[b, p, str(a)] for b, p, a in old],
                    "after": [[b, p, str(a)] for b, p, a in new],
                    "family_sent_before": str(sent),
                    "family_to_recover": str(max(sent - family, ZERO)),
                    # A returned payment is held, not owed back: what the new share no longer
                    # covers of it stays with the office (the family never received it).
                    "family_returned_held": str(returned),
                    "family_held_not_due": str(returned - min(max(family - sent, ZERO), returned)),
                }
            )
    LedgerEntry.objects.bulk_create(reversals)
    if reversed_allocation_ids:
        Allocation.objects.filter(pk__in=reversed_allocation_ids).update(reversed_on=on)
    rows_insert(LedgerEntry, DUE_ENTRY_COLUMNS, entries)
    Allocation.objects.bulk_create(new_allocations)
    Disbursement.objects.bulk_create(disbursements)
    for allocation in new_allocations:
        result.setdefault(allocation.collection_id, []).append(allocation)
    for collection in redo:
        if collection.pk not in received:
            result.setdefault(collection.pk, [])
    if changes_out is not None:
        changes_out.extend(changes)
    elif changes:
        recover = [c for c in changes if Decimal(c["family_to_recover"]) > 0]
        held = [c for c in changes if Decimal(c["family_returned_held"]) > 0]
        not_due = sum((Decimal(c["family_held_not_due"]) for c in held), ZERO)
        event_about(
            case,
            verb="collections.redistributed",
            by=by,
            actor_label=actor_label,
            summary=(
                f"{len(changes)} collection(s) {REDISTRIBUTED_REASON}: {reason}"
                + (f"; {len(recover)} with family payments already sent to recover" if recover else "")
                + (
                    f"; {len(held)} with a payment returned by the bank held undistributed (paid again"
                    " through its return's work item"
                    + (f"; {not_due} of it no longer due to the family)" if not_due else ")")
                    if held
                    else ""
                )
            )[:500],
            data={"reason": reason, "changes": changes},
        )
    return result


# --- re-derivation of existing ledgers (issue 11, item 10) ----------------------------------------

REASSIGN_PREFIX = "Reassigned by month of assistance"


@dataclass
class RederiveResult:
    case_id: int
    spells_opened: int = 0
    months_reassigned: int = 0
    amount_reassigned: Decimal = ZERO
    collections_redistributed: int = 0


def _reassign(case: Case, balance: CaseBalance, spells: SpellMap, on: date, by) -> tuple[int, Decimal]:
    """Arrears of each closed month go to the bucket of that month's assistance status (42 USC
    608(a)(3)): a month closed out into the other bucket is corrected by an adjustment pair (out
    of the bucket it went to, as far as that bucket still holds it, into the right one), dated
    by the month (``due_on``) so a rerun sees it done."""
    done = set(
        LedgerEntry.objects.filter(
            case=case, entry_type=EntryType.ADJUSTMENT, description__startswith=REASSIGN_PREFIX
        ).values_list("due_on", flat=True)
    )
    rows: list[tuple] = []
    months, total = 0, ZERO
    rolls = (
        LedgerEntry.objects.filter(
            case=case,
            entry_type=EntryType.ADJUSTMENT,
            description=ROLL_DESCRIPTION,
            bucket__in=(Bucket.ARREARS_ASSIGNED, Bucket.ARREARS_UNASSIGNED),
            reversed_by__isnull=True,
        )
        .values_list("posted_on", "bucket")
        .annotate(s=Sum("amount"))
        .order_by("posted_on")
    )
    for posted_on, bucket, amount in rolls:
        month = month_start(posted_on - timedelta(days=1))  # a roll is posted the first day of the next month
        if month in done or amount <= 0:
            continue
        right = arrears_bucket_for(status_in(spells, case, month))
        if right == bucket:
            continue
        held = balance.assigned_arrears if bucket == Bucket.ARREARS_ASSIGNED else balance.unassigned_arrears
        moved = min(amount, max(held, ZERO))
        if moved <= 0:
            continue
        text = f"{REASSIGN_PREFIX}: {month:%Y-%m} closed out as {bucket}, month status decides {right}"
        rows += [
            (case.pk, EntryType.ADJUSTMENT, bucket, "", month, -moved, on, None, text[:200]),
            (case.pk, EntryType.ADJUSTMENT, right, "", month, moved, on, None, text[:200]),
        ]
        _move(balance, bucket, -moved)
        _move(balance, right, moved)
        months += 1
        total += moved
    if rows:
        rows_insert(LedgerEntry, DUE_ENTRY_COLUMNS, rows)
        event_about(
            case,
            verb="arrears.reassigned",
            by=by,
            summary=f"{months} month(s), {total:.2f} moved to the bucket of the month's assistance status",
            data={"months": months, "amount": str(total)},
        )
    return months, total


def ledger_rederive(*, case: Case, on: date, by=None) -> RederiveResult:
    """Re-derive one case's ledger by the law (issue 11, item 10), through the same reversal and
    new-entry services as a posting: assistance spells where the case has none (its present
    status since it opened), the assignment of each closed month by its month of assistance,
    then the distribution by month of collection from the first collection that was distributed
    in another month than it was collected. Events record what changed; rerunning changes
    nothing. Call inside a transaction (``manage.py ledger_rederive`` runs one per case)."""
    from .assistance import case_assistance_open
    from .ledger import _locked_balance

    ledger_writer()
    result = RederiveResult(case_id=case.pk)
    if not AssistanceSpell.objects.filter(case=case).exists():
        case_assistance_open(case=case)
        result.spells_opened = 1
    spells = spells_of([case.pk])
    balance = _locked_balance(case, on=on, spells=spells)
    result.months_reassigned, result.amount_reassigned = _reassign(case, balance, spells, on, by)
    first = None
    for collected_on, allocated_on in (
        Allocation.objects.filter(case=case, reversed_on__isnull=True, collection__status=CollectionStatus.POSTED)
        .values_list("collection__collected_on", "allocated_on")
        .order_by("collection__collected_on")
    ):
        if month_start(collected_on) != month_start(allocated_on):
            first = collected_on
            break
    if first is not None:
        done = case_redistribute(
            case=case,
            balance=balance,
            from_date=first,
            on=on,
            by=by,
            spells=spells,
            reason="ledger re-derived by month of collection",
        )
        result.collections_redistributed = len(done)
    else:
        _refresh_derived(balance, on=on)
        _balances_save([balance])
    return result

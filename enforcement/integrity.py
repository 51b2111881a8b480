"""Data checks for the enforcement app (``core.integrity``): rows written before a fix, for the office to decide."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import Count, F

from cases.choices import CollectionStatus, WorkItemStatus
from core.integrity import IntegrityCheck, IntegrityRow
from core.money import display

from .choices import OPEN_ACTION_STATUSES, Comparison, IwoKind, ReturnKind
from .models import DisbursementReturn, EnforcementAction, IncomeWithholdingOrder


def _actions_on_rounded_months() -> Iterator[IntegrityRow]:
    """Before the fix a rule "at least N months of support in arrears" compared the months figure
    rounded to two places: $3,995 owed on $1,000 a month was 4.00 months. Such an action recorded
    exactly N months. One that recorded N months may also be right (the figure is now cut, not
    rounded), so each row gives the arrears beside N times the case's monthly obligation today."""
    edge = (
        EnforcementAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            rule__months_min__isnull=False,
            rule__months_comparison=Comparison.AT_LEAST,
            months_in_arrears=F("rule__months_min"),
        )
        .select_related("case__balance", "rule")
        .order_by("id")
    )
    for action in edge.iterator(chunk_size=500):
        months = action.rule.months_min
        balance = getattr(action.case, "balance", None)
        monthly = balance.monthly_obligation if balance is not None else None
        if monthly:
            needed = months * monthly
            verdict = "below it: fired early" if action.total_arrears < needed else "meets it"
            figures = f"{months.normalize():f} x {display(monthly)} a month today is {display(needed)}, {verdict}"
        else:
            figures = "no monthly obligation today to compare with"
        yield IntegrityRow(
            reference=action.case.case_number,
            detail=(
                f"action {action.pk} ({action.get_remedy_display()}, {action.get_status_display()}): "
                f"{display(action.total_arrears)} owed recorded as {action.months_in_arrears} months; {figures}"
            ),
        )


def _returns_listed(returns, detail: Callable[[DisbursementReturn], str]) -> Iterator[IntegrityRow]:
    """A row for each bank return of ``returns``, looked up by its disbursement's case (or the
    disbursement itself, one without a case), with ``detail(item)``."""
    for item in returns.select_related("disbursement__case").order_by("id").iterator(chunk_size=500):
        case = item.disbursement.case
        reference = case.case_number if case is not None else f"disbursement {item.disbursement_id}"
        yield IntegrityRow(reference=reference, detail=detail(item))


def _returns_matched_to_another_amount() -> Iterator[IntegrityRow]:
    """A bank return is matched to the disbursement its trace number names; until the fix a trace
    found in one file only was taken without comparing the amount, so another family's disbursement
    could be marked returned. An ACH return gives back the entry's whole amount: one that differs
    was matched to the wrong entry."""
    wrong = (
        DisbursementReturn.objects.filter(kind=ReturnKind.RETURN)
        .exclude(amount=F("export_entry__amount"))
        .select_related("export_entry")
    )
    return _returns_listed(
        wrong,
        lambda item: (
            f"return {item.pk} of {display(item.amount)} (code {item.code}, return file {item.return_file_id}) "
            f"marked disbursement {item.disbursement_id} of {display(item.export_entry.amount)} returned "
            f"({item.get_outcome_display()})"
        ),
    )


def _pay_again_items_for_reversed_collections() -> Iterator[IntegrityRow]:
    """A collection reversed after its disbursement was returned now closes the return's "pay
    again" work item (``returns.returned_disbursements_moot``); one reversed before the fix left it
    open, asking someone to pay out money the office took back."""
    open_items = DisbursementReturn.objects.filter(
        kind=ReturnKind.RETURN,
        work_item__status=WorkItemStatus.OPEN,
        disbursement__collection__status=CollectionStatus.REVERSED,
    ).select_related("disbursement__collection")
    return _returns_listed(
        open_items,
        lambda item: (
            f"work item {item.work_item_id} still asks to pay disbursement {item.disbursement_id} "
            f"({display(item.amount)}) again; its collection {item.disbursement.collection.source_reference} "
            "was reversed"
        ),
    )


def _lump_sum_orders_sent_twice() -> Iterator[IntegrityRow]:
    """A lump sum order sent twice the same day for the same amount (a double click, before the
    fix) asks the employer to withhold the lump sum twice."""
    twice = (
        IncomeWithholdingOrder.objects.filter(kind=IwoKind.LUMP_SUM)
        .values("case__case_number", "action_id", "employment_id", "lump_sum_amount", "issued_on")
        .annotate(times=Count("id"))
        .filter(times__gt=1)
        .order_by("case__case_number", "issued_on")
    )
    for row in twice:
        yield IntegrityRow(
            reference=row["case__case_number"],
            detail=f"action {row['action_id']}: {row['times']} lump sum orders of {display(row['lump_sum_amount'])} "
            f"to one employer on {row['issued_on']}",
        )


CHECKS = [
    IntegrityCheck(
        name="enforcement.actions_on_rounded_months",
        title="Open enforcement actions fired at exactly their rule's months of support",
        why=(
            "Rules in months of support (DRL 244-b(a), Fam. Code 17520) compared a months figure rounded to "
            "two places until the fix; they now compare money: arrears of at least the months times the "
            "monthly obligation. An action that recorded exactly the rule's months may have fired on less. "
            "For each marked 'fired early', decide whether to release it and send a corrected notice."
        ),
        find=_actions_on_rounded_months,
    ),
    IntegrityCheck(
        name="enforcement.returns_matched_to_another_amount",
        title="Bank returns matched to a disbursement of another amount",
        why=(
            "Until the fix, a return whose trace number was in one export file was matched without comparing "
            "its amount and case, so another family's payment could be marked returned and held. For each, "
            "find the entry the bank meant, and undo the hold on the disbursement marked by mistake."
        ),
        find=_returns_matched_to_another_amount,
    ),
    IntegrityCheck(
        name="enforcement.pay_again_for_reversed_collections",
        title="Open 'pay again' work items of returned disbursements whose collection was reversed",
        why=(
            "A returned disbursement's work item asks for bank details to pay the family again; when the "
            "collection behind it is reversed there is nothing to pay. Reversals now close the item; ones "
            "made before the fix left it open. Close each with a note, unless the reversal itself was wrong."
        ),
        find=_pay_again_items_for_reversed_collections,
    ),
    IntegrityCheck(
        name="enforcement.lump_sum_orders_sent_twice",
        title="Lump sum withholding orders sent twice to one employer on one day",
        why=(
            "A double-clicked lump sum order sent the employer a second order for the same amount until the fix. "
            "For each, tell the employer which order stands and refund anything withheld twice."
        ),
        find=_lump_sum_orders_sent_twice,
    ),
]

"""Data checks for the enforcement app (``core.integrity``): rows written before a fix, for the office to decide."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F

from core.integrity import IntegrityCheck, IntegrityRow
from core.money import display

from .choices import OPEN_ACTION_STATUSES, Comparison
from .models import EnforcementAction


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
]

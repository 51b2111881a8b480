"""Does a case still meet an enforcement rule today? (read side of issuing a notice)

The sweep proposes an action on the figures of its run date; a notice may be issued days or weeks
later, after payments. Before the notice goes out the case is checked again with the *same* query
the sweep uses (``qualifying_balances``), on the case's balance as of the notice date, so the
notice never states a rule the case no longer meets (DOMAIN.md: every automated action records the
rule and the figures that fired it; due process before the action).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from cases.models import CaseBalance

from .legal_floors import rule_under_law
from .models import EnforcementAction, RemedyRule
from .services.sweep import _figures_fill, qualifying_balances

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RuleCheck:
    """The outcome of checking ``rule`` against the case on ``as_of``."""

    met: bool
    rule: RemedyRule | None
    as_of: date
    total_arrears: Decimal = ZERO
    assigned_arrears: Decimal = ZERO
    unassigned_arrears: Decimal = ZERO
    months_in_arrears: Decimal = ZERO
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def rule_for_notice(*, action: EnforcementAction, on: date) -> RemedyRule | None:
    """The enabled version of the action's rule (remedy and jurisdiction) in effect on ``on``."""
    return (
        RemedyRule.objects.in_effect(on)
        .filter(remedy=action.remedy, jurisdiction=action.rule.jurisdiction, enabled=True)
        .first()
    )


def _unmet(rule: RemedyRule, balance: CaseBalance, as_of: date) -> list[str]:
    """The conditions of ``rule`` the balance fails, in words (for the refusal's reason). The query
    decides; this only explains the common conditions."""
    reasons = []
    total = balance.total_arrears
    if rule.requires_delinquency and (balance.delinquent_since is None or balance.delinquent_since > as_of):
        reasons.append("The case is no longer delinquent (less than one month of support unpaid).")
    if rule.arrears_min is not None and not rule.aggregate_by_ncp:
        below = total < rule.arrears_min if rule.arrears_comparison == "gte" else total <= rule.arrears_min
        if below:
            reasons.append(
                f"Arrears are ${total:,.2f} on {as_of:%B %d, %Y}; the rule needs "
                f"{rule.get_arrears_comparison_display()} ${rule.arrears_min:,.2f}."
            )
    if rule.months_min is not None:
        # In money, as the query compares (``months_of_support``): never the months figure, which
        # is cut to two places for reading.
        monthly = balance.monthly_obligation
        wanted = f"{rule.get_months_comparison_display()} {rule.months_min.normalize():f} months of support"
        if monthly <= 0:
            reasons.append(
                f"The case has no monthly support obligation to count months of support by; the rule needs {wanted}."
            )
        else:
            support = rule.months_min * monthly
            at_least = rule.months_comparison == "gte"
            below = total < support if at_least else total <= support
            if below:
                # The least (or the most) amount in cents that meets (or fails) the rule, when the
                # months' support has fractions of a cent (4.5 x $333.33 = $1,499.985).
                cents = support.quantize(Decimal("0.01"), rounding=ROUND_CEILING if at_least else ROUND_FLOOR)
                reasons.append(
                    f"Arrears are ${total:,.2f} on {as_of:%B %d, %Y}; the rule needs {wanted}: arrears of "
                    f"{rule.get_months_comparison_display()} ${cents:,.2f} at ${monthly:,.2f} a month."
                )
    if total <= 0 and not reasons:
        reasons.append(f"The case has no arrears on {as_of:%B %d, %Y}.")
    return reasons


def rule_check(*, action: EnforcementAction, as_of: date) -> RuleCheck:
    """Check the case of ``action`` against the rule in effect on ``as_of``, by the sweep's query.

    Must run inside a transaction on PostgreSQL (the figures' temporary table is dropped at commit).
    """
    rule = rule_for_notice(action=action, on=as_of)
    balance = CaseBalance.objects.filter(case_id=action.case_id).select_related("case").first()
    if balance is None:
        return RuleCheck(met=False, rule=rule, as_of=as_of, reasons=["The case has no balance."])
    figures = {
        "total_arrears": balance.total_arrears,
        "assigned_arrears": balance.assigned_arrears,
        "unassigned_arrears": balance.unassigned_arrears,
        "months_in_arrears": balance.months_in_arrears,
    }
    if balance.case.status != "open":
        return RuleCheck(met=False, rule=rule, as_of=as_of, reasons=["The case is not open."], **figures)
    if rule is None:
        return RuleCheck(
            met=False,
            rule=None,
            as_of=as_of,
            **figures,
            reasons=[f"No {action.get_remedy_display().lower()} rule is in effect on {as_of:%B %d, %Y}."],
        )
    rule = rule_under_law(rule, on=as_of)  # the stricter of the office's and the law's thresholds
    _figures_fill(low=action.case_id, high=action.case_id + 1)
    balances = CaseBalance.objects.filter(case_id=action.case_id, case__status="open")
    met = qualifying_balances(rule=rule, as_of=as_of, balances=balances).exists()
    reasons = (
        []
        if met
        else (_unmet(rule, balance, as_of) or [f"The case no longer meets the rule: {rule.threshold_text()}."])
    )
    return RuleCheck(met=met, rule=rule, as_of=as_of, reasons=reasons, **figures)

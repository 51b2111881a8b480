"""Enforcement reads for the coordinator dashboard, the delinquent-cases page and an action's page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from cases.models import CaseBalance, Collection
from cases.redaction import protected_q, whereabouts_shown

from .choices import OPEN_ACTION_STATUSES, ActionStatus, Remedy
from .models import BankMatch, EnforcementAction, SweepRun

ZERO = Decimal("0.00")


def delinquent_balances(*, user):
    """Open cases delinquent under 45 CFR 303.6(b) (arrears of one month of support), in the user's scope."""
    from cases.models.scope import case_scope_q

    qs = CaseBalance.objects.filter(case__status="open", delinquent_since__isnull=False)
    scope = case_scope_q(user, "case__")
    return qs.filter(scope) if scope is not None else qs


def levy_institutions_shown(action: EnforcementAction) -> list[str] | None:
    """The financial institutions of a bank levy's accounts (``BankMatch.institution``, sorted), as
    a page or the NCP's notice may name them; ``None`` when they are withheld. An account locates
    its holder: for a person whose whereabouts are withheld (``cases.redaction.protected_q``: the
    FVI, read now) none is named (42 USC 654(26)). The action's ``partner`` never names one (frozen
    text, written before the indicator may be set); an action of another remedy has none: ``[]``."""
    if action.remedy != Remedy.BANK_LEVY:
        return []
    matches = BankMatch.objects.filter(action=action)
    if matches.filter(protected_q("person__")).exists():
        return None
    return sorted(set(matches.values_list("institution", flat=True)))


def withholding_employers_shown(action: EnforcementAction, *, on: date) -> list[str] | None:
    """The employers an income withholding action's orders go to on ``on`` (the NCP's current jobs
    that drive withholding, ``withholding.current_employments``), as the NCP's notice names them
    (42 USC 666(b)(4)(B): the notice carries what the employer is told); ``None`` when they are
    withheld. The notice is mailed to the NCP, who knows their own employer, but its text is also
    kept and read on the action's page: as for a levy's institutions, an employer locates its
    employee, so for an NCP whose whereabouts are withheld (``cases.redaction.whereabouts_shown``)
    none is named (42 USC 654(26)). An action of another remedy has none: ``[]``."""
    from .services.withholding import current_employments

    if action.remedy != Remedy.INCOME_WITHHOLDING:
        return []
    ncp = action.case.ncp
    if ncp is not None and not whereabouts_shown(ncp):
        return None
    return sorted({job.employer.name for job in current_employments(case=action.case, on=on)})


def actions_by_remedy_and_stage(*, actions) -> dict:
    """Open actions: count and arrears per remedy × stage (one grouped query)."""
    rows = (
        actions.filter(status__in=OPEN_ACTION_STATUSES)
        .order_by()
        .values("remedy", "status")
        .annotate(n=Count("id"), arrears=Sum("total_arrears"))
    )
    cells = {(r["remedy"], r["status"]): (r["n"], r["arrears"] or ZERO) for r in rows}
    remedies = [r for r in Remedy if any(key[0] == r for key in cells)]
    return {"cells": cells, "remedies": remedies, "stages": [ActionStatus(s) for s in OPEN_ACTION_STATUSES]}


def timeframe_compliance(*, actions, today: date) -> dict:
    """45 CFR 303.6(c)(2): share of actions taken within their 30 (or 60) days, counting overdue
    untaken actions as missed; over ``timeframe_judged`` (the population the quality timeframes
    page counts too)."""
    row = actions.timeframe_judged().aggregate(
        met=Count("id", filter=Q(taken_on__isnull=False, taken_on__lte=F("timeframe_due_on"))),
        late=Count("id", filter=Q(taken_on__isnull=False, taken_on__gt=F("timeframe_due_on"))),
        overdue=Count("id", filter=Q(taken_on__isnull=True, timeframe_due_on__lt=today)),
    )
    measured = row["met"] + row["late"] + row["overdue"]
    row["measured"] = measured
    row["rate"] = round(100 * row["met"] / measured, 1) if measured else None
    return row


def actions_due_within(actions, *, today: date, within_days: int = 7):
    """Open actions whose timeframe (untaken) or next step falls within ``within_days``: the
    dashboard's "due" figure and the queue's ``?due_within=7`` rows (one condition for both)."""
    horizon = today + timedelta(days=within_days)
    return actions.filter(status__in=OPEN_ACTION_STATUSES).filter(
        Q(taken_on__isnull=True, timeframe_due_on__lte=horizon) | Q(next_step_on__lte=horizon)
    )


def actions_due(*, actions, today: date, within_days: int = 7) -> int:
    return actions_due_within(actions, today=today, within_days=within_days).count()


def collections_month(*, user, today: date) -> dict:
    from cases.models.scope import case_scope_q

    first = today.replace(day=1)
    collections = Collection.objects.filter(received_on__gte=first, received_on__lte=today, status="posted")
    balances = CaseBalance.objects.filter(case__status="open")
    scope = case_scope_q(user, "case__")
    if scope is not None:
        collections, balances = collections.filter(scope), balances.filter(scope)
    due = balances.aggregate(due=Sum("current_due_month"), paid=Sum("current_paid_month"))
    return {
        "collected": collections.aggregate(s=Sum("amount"))["s"] or ZERO,
        "current_due": due["due"] or ZERO,
        "current_paid": due["paid"] or ZERO,
        "since": first,
    }


def last_sweep_runs(limit: int = 5):
    return list(SweepRun.objects.select_related("started_by")[:limit])


def reconciliation_exceptions(user=None) -> dict | None:
    """Open reconciliation exceptions (from the payment-files part of the app, when present); with
    ``user``, those in the user's scope (the rows the exception list shows)."""
    try:
        from .selectors import reconciliation_open_exceptions
    except ImportError:
        return None
    return reconciliation_open_exceptions(user)

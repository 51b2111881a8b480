"""California driver's licence actions and the obligor's household income (Fam. Code 17520.5).

"(a)(1) … the department shall not include in the list sent to the Department of Motor Vehicles
pursuant to Section 17520 … the information of a support obligor … if the annual household income of
the support obligor is at or below 70 percent of the median income for the county in which the
department or the local child support agency believes the support obligor resides, based on the most
recent available data published by the Department of Housing and Community Development …
(2) Commencing January 1, 2027, this subdivision shall apply only with respect to noncommercial
driver's licenses. … (c) This section shall become operative on January 1, 2025."

So a CA licence action is sent to the DMV (activated, by a person or by the sweep) only after a
caseworker has recorded the check (``action_income_check_record``) and found the income above the
line; at or below it, a noncommercial licence action is closed as exempt, never sent. Whether the
section covers a commercial licence is judged on the day the action would be sent, not on the day
of the check (the list is sent then): at or below the line, a commercial licence action waits while
the covers-commercial row is 1 on the send date and may be sent once it is 0 (from 2027-01-01),
without a new check. The line is rounded DOWN to the cent, so an income in cents is at or below the
exact line exactly when it is at or below the line shown. The percent and the 2027 limit are
dated legal parameter rows (core 0019); the county medians are rows an administrator adds from the
HCD publication (``ca.hcd.median_income.<county>``): none is written in code. Before the percent row
is in force (before 2025) nothing changes.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from core.dates import display_date
from core.legal import LegalParameterMissing, legal_parameter, legal_parameter_row
from core.models import LegalParameter
from core.services import event_about, saved_with_event

from ..choices import ActionStatus, LicenceClass, Remedy
from ..models import EnforcementAction, LicenceIncomeCheck, RemedyRule

PERCENT_KEY = "ca.remedy.license_suspension.low_income_pct"
COVERS_COMMERCIAL_KEY = "ca.remedy.license_suspension.low_income_covers_commercial"
MEDIAN_PREFIX = "ca.hcd.median_income."
CITATION = "Fam. Code 17520.5"
CENT = Decimal("0.01")

# The check is recorded before the action is sent (an active action is released, not checked).
CHECKABLE = (ActionStatus.PROPOSED, ActionStatus.NOTICED, ActionStatus.CONTEST_WINDOW, ActionStatus.CONTESTED)


def median_key(county: str) -> str:
    """The legal parameter key of a county's HCD median income: "Los Angeles County" →
    ``ca.hcd.median_income.los_angeles``."""
    name = re.sub(r"\s+county\s*$", "", county.strip(), flags=re.IGNORECASE)
    return MEDIAN_PREFIX + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def is_ca_licence(action: EnforcementAction) -> bool:
    return action.remedy == Remedy.LICENSE_SUSPENSION and action.rule.jurisdiction == "CA"


def check_in_force(on: date) -> bool:
    """Fam. Code 17520.5 is operative on ``on`` (its percent row is in force; read through
    ``legal_parameter_row``, so a run's ``legal_parameters_read_once`` reads it once)."""
    try:
        legal_parameter_row(PERCENT_KEY, jurisdiction="CA", on=on)
    except LegalParameterMissing:
        return False
    return True


def covers_commercial(on: date) -> bool:
    """17520.5(a)(2): the section covers commercial licences on ``on`` (the row is 1: before 2027)."""
    return legal_parameter(COVERS_COMMERCIAL_KEY, jurisdiction="CA", on=on) == 1


def commercial_cover_ends(on: date) -> date | None:
    """The first day after ``on`` from which the section no longer covers commercial licences."""
    row = (
        LegalParameter.objects.filter(key=COVERS_COMMERCIAL_KEY, jurisdiction="CA", effective_on__gt=on, value=0)
        .order_by("effective_on")
        .first()
    )
    return row.effective_on if row else None


def _waits_until(on: date) -> str:
    ends = commercial_cover_ends(on)
    return f"until {display_date(ends)}" if ends else "while the section covers commercial licences"


def activation_refusal(action: EnforcementAction, on: date) -> str:
    """Why ``action`` may not be sent to the partner on ``on`` under 17520.5 ("" when it may)."""
    if not is_ca_licence(action) or not check_in_force(on):
        return ""
    check = LicenceIncomeCheck.objects.filter(action=action).first()
    if check is None:
        return (
            f"Record the obligor's annual household income check ({CITATION}) first: a California licence "
            "action is not sent to the DMV until the income is found above the county line."
        )
    if check.exempt:
        return f"Exempt under {CITATION}: the household income is at or below the county line."
    if check.licence_class == LicenceClass.COMMERCIAL and check.at_or_below and covers_commercial(on):
        return (
            f"Not sent to the DMV {_waits_until(on)}: the household income is at or below the county line and "
            f"{CITATION} covers a commercial licence until then ((a)(2): from January 1, 2027 it applies only "
            "to noncommercial licences)."
        )
    return ""


def awaiting_check_q(on: date) -> Q:
    """The actions the sweep must not send on ``on``: CA licence actions without a recorded check
    above the line. One condition on the sweep's own query (subqueries, no query per action);
    empty (``Q(pk__in=[])``) before 17520.5 is operative."""
    if not check_in_force(on):
        return Q(pk__in=[])
    passed = LicenceIncomeCheck.objects.filter(action=OuterRef("pk"), exempt=False)
    if covers_commercial(on):  # a commercial licence at or below the line waits (17520.5(a)(2))
        passed = passed.exclude(licence_class=LicenceClass.COMMERCIAL, household_income__lte=F("line"))
    ca_rules = RemedyRule.objects.filter(remedy=Remedy.LICENSE_SUSPENSION, jurisdiction="CA").values("pk")
    return Q(remedy=Remedy.LICENSE_SUSPENSION, rule__in=ca_rules) & ~Q(Exists(passed))


@transaction.atomic
def action_income_check_record(
    *,
    action: EnforcementAction,
    household_income: Decimal,
    income_source: str,
    county: str,
    licence_class: str,
    by: User,
    on: date | None = None,
) -> LicenceIncomeCheck:
    """Record the obligor's annual household income check of a CA licence action and apply
    17520.5: at or below the percent of the county's HCD median on a noncommercial licence → the
    action is closed as exempt, with the reason; on a commercial licence → it waits while the section
    covers commercial licences on the day it would be sent (``activation_refusal``), then may be sent;
    above → the action may be sent.

    Refused, nothing saved: not a CA licence action, not open before sending, before 2025, or no
    median on file for the county on that day (the action then waits: an administrator adds the
    county's row)."""
    from .actions import _locked  # actions imports this module

    action = _locked(action)
    today = on or timezone.localdate()
    if not is_ca_licence(action):
        raise ValidationError(f"The {CITATION} income check is for California driver's licence actions only.")
    if action.status not in CHECKABLE:
        raise ValidationError(
            f"Cannot record the income check: the action is {action.get_status_display().lower()}."
            + (" Release it if the obligor is exempt." if action.status == ActionStatus.ACTIVE else "")
        )
    if household_income is None or household_income < 0:
        raise ValidationError({"household_income": "Give the annual household income (0 or more)."})
    if not income_source.strip():
        raise ValidationError({"income_source": "Say where the income figure comes from."})
    if not county.strip():
        raise ValidationError({"county": "Give the county the obligor is believed to reside in."})
    if licence_class not in LicenceClass.values:
        raise ValidationError({"licence_class": "Choose the licence class."})
    try:
        percent = legal_parameter(PERCENT_KEY, jurisdiction="CA", on=today)
    except LegalParameterMissing:
        raise ValidationError(f"{CITATION} is not operative on {display_date(today)}: no income check is needed.")
    key = median_key(county)
    try:
        median = legal_parameter_row(key, jurisdiction="CA", on=today)
    except LegalParameterMissing:
        raise ValidationError(
            {
                "county": f"No HCD median income for {county.strip()} is on file for {display_date(today)}: "
                f"an administrator adds it as legal parameter {key} (CA) from the HCD State Income Limits. "
                "The action waits: it is not sent to the DMV until the check is recorded."
            }
        )
    line_exact = median.value * percent / 100
    at_or_below = household_income <= line_exact
    # A noncommercial licence is covered on every day from 2025; a commercial one only while the
    # covers-commercial row is 1, judged on the day the action would be sent: never closed here.
    exempt = at_or_below and licence_class == LicenceClass.NONCOMMERCIAL

    check = LicenceIncomeCheck.objects.filter(action=action).first() or LicenceIncomeCheck(action=action)
    check.checked_on, check.checked_by = today, by
    check.household_income, check.income_source = household_income, income_source.strip()[:200]
    check.county, check.licence_class = county.strip()[:60], licence_class
    check.median_income, check.median_key = median.value.quantize(CENT), key
    check.median_effective_on, check.median_citation = median.effective_on, median.citation
    check.percent, check.line, check.exempt = percent.quantize(CENT), line_exact.quantize(CENT, ROUND_DOWN), exempt
    check.full_clean()
    check.save()

    compared = (
        f"household income ${household_income:,.2f} ({check.income_source}) "
        f"{'at or below' if at_or_below else 'above'} {percent.normalize():f}% of the {check.county} median "
        f"${median.value:,.2f} (HCD, from {display_date(median.effective_on)}) = ${check.line:,.2f}"
    )
    if at_or_below and not exempt:
        result = f"commercial licence: {CITATION}(a)(2) covers noncommercial licences only from January 1, 2027; " + (
            f"not sent to the DMV {_waits_until(today)}" if covers_commercial(today) else "may be sent to the DMV"
        )
    else:
        result = "exempt, not sent to the DMV" if exempt else "may be sent to the DMV"
    event_about(
        action,
        verb="enforcement.income_check_recorded",
        by=by,
        summary=f"{CITATION} income check: {compared}; {result}"[:500],
        data={
            "household_income": str(household_income),
            "income_source": check.income_source,
            "county": check.county,
            "licence_class": licence_class,
            "median_key": key,
            "median_income": str(median.value),
            "median_effective_on": median.effective_on.isoformat(),
            "median_citation": median.citation,
            "percent": str(percent),
            "line": str(check.line),
            "at_or_below": at_or_below,
            "exempt": exempt,
        },
    )
    if exempt:
        action.status = ActionStatus.CLOSED
        action.release_reason = ""
        action.ended_on = today
        action.next_step_on = None
        action.end_note = (
            f"Exempt under {CITATION}: household income ${household_income:,.2f} at or below "
            f"{percent.normalize():f}% of the {check.county} median (${check.line:,.2f})"
        )[:300]
        saved_with_event(
            action,
            by=by,
            verb="enforcement.action_closed",
            summary=f"{action.get_remedy_display()}: {action.end_note}"[:500],
        )
    return check

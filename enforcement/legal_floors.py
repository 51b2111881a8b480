"""The law's minimum under each remedy rule: a threshold an office may raise, never lower.

A ``RemedyRule`` is the office's setting; where the law fixes a threshold (45 CFR 303.72(a) for the
federal tax refund offset, 42 USC 652(k) for passport denial, the state statutes for licence
suspension and its notice, credit reporting notice and California's state collection) the number
itself is a dated ``core.LegalParameter`` row; where the law gives a chance to contest without a
number, a rule with no day to contest is refused (``CONTEST_REQUIRED``). The notice and contest
days stay on the revise page (an office may give more than the law): the law is held here, once,
for the page, the admin and every other caller of ``rule_revise``. The choice made here:

* A rule version is validated against the row in force on its ``effective_from``
  (``RemedyRule.clean``): a lower value is refused, an empty one takes the law's value.
* The sweep and the notice check compare with the *stricter* of the office's value and the law's
  value on the day they run (``rule_under_law``), so a later legal row (e.g. the passport threshold
  lowered from $5,000 to $2,500 on 2006-10-01, DRA 2005 s. 7303) applies without a new rule version
  and an office value can never make the agency act below the law.
* The rules page shows both, with the law's citation.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.legal import LegalParameterMissing, legal_parameter_row

from .choices import Comparison, Remedy


@dataclass(frozen=True)
class Floor:
    """``field`` of a rule for ``remedy`` (in ``jurisdiction``; None: every profile) may not be below
    the legal parameter ``key`` of ``key_jurisdiction``. ``strict``: the law says "more than", so the
    rule's comparison field (``comparison``) must be "more than" when the values are equal."""

    remedy: str
    jurisdiction: str | None
    field: str
    key: str
    key_jurisdiction: str
    comparison: str | None = None
    strict: bool = False


FLOORS: tuple[Floor, ...] = (
    Floor(Remedy.FEDERAL_TAX_OFFSET, None, "assigned_arrears_min", "us.remedy.offset.assigned_min", "US"),
    Floor(Remedy.FEDERAL_TAX_OFFSET, None, "unassigned_arrears_min", "us.remedy.offset.unassigned_min", "US"),
    Floor(
        Remedy.PASSPORT_DENIAL, None, "arrears_min", "us.remedy.passport.min", "US", "arrears_comparison", strict=True
    ),
    Floor(Remedy.CREDIT_BUREAU, "NY", "notice_days", "ny.remedy.credit_bureau.notice_days", "NY"),
    Floor(
        Remedy.LICENSE_SUSPENSION,
        "NY",
        "months_min",
        "ny.remedy.license_suspension.months_min",
        "NY",
        "months_comparison",
    ),
    Floor(
        Remedy.LICENSE_SUSPENSION,
        "CA",
        "days_past_due_min",
        "ca.remedy.license_suspension.days_past_due",
        "CA",
        "days_comparison",
        strict=True,
    ),
    Floor(
        Remedy.LICENSE_SUSPENSION,
        "CA",
        "months_min",
        "ca.remedy.license_suspension.months_min",
        "CA",
        "months_comparison",
        strict=True,
    ),
    Floor(Remedy.LICENSE_SUSPENSION, "CA", "notice_days", "ca.remedy.license_suspension.notice_days", "CA"),
    Floor(
        Remedy.STATE_COLLECTION,
        "CA",
        "days_past_due_min",
        "ca.remedy.state_collection.days_past_due",
        "CA",
        "days_comparison",
        strict=True,
    ),
    Floor(
        Remedy.STATE_COLLECTION,
        "CA",
        "arrears_min",
        "ca.remedy.state_collection.arrears_min",
        "CA",
        "arrears_comparison",
        strict=True,
    ),
)

# Remedies where the law gives the NCP notice and a chance to contest before the action but fixes no
# number of days (where it does, a ``Floor`` above holds it: NY credit reporting notice, CA licence
# notice): the rule must leave some period, so notice days + contest days of 0 is refused. The
# field the refusal is shown on, and the law.
CONTEST_REQUIRED: dict[str, tuple[str, str]] = {
    Remedy.CREDIT_BUREAU: ("notice_days", "42 USC 666(a)(7): reported only after notice and a chance to contest"),
    Remedy.FEDERAL_TAX_OFFSET: ("contest_days", "45 CFR 303.72: the pre-offset notice and a chance to contest"),
    Remedy.PASSPORT_DENIAL: ("contest_days", "42 USC 652(k)(2): certified after notice and a chance to contest"),
}


def contest_errors(rule) -> dict[str, list[str]]:
    """A rule of a ``CONTEST_REQUIRED`` remedy that leaves no day to contest (the notice's contest
    window is ``notice_days`` then ``contest_days`` from the notice date)."""
    required = CONTEST_REQUIRED.get(rule.remedy)
    if required is None or (rule.notice_days or 0) + (rule.contest_days or 0) > 0:
        return {}
    field, law = required
    return {
        field: [
            f"The law gives the NCP a chance to contest ({law}) without fixing a number of days: a rule with "
            "no notice days and no contest days leaves none. Give at least one day."
        ]
    }


LABELS = {
    "assigned_arrears_min": "Assigned arrears",
    "unassigned_arrears_min": "Unassigned arrears",
    "arrears_min": "Arrears",
    "notice_days": "Notice (days)",
    "months_min": "Months of support in arrears",
    "days_past_due_min": "Days past due",
}
INTEGER_FIELDS = {"notice_days", "days_past_due_min"}


def floors_for(remedy: str, jurisdiction: str) -> list[Floor]:
    return [f for f in FLOORS if f.remedy == remedy and f.jurisdiction in (None, jurisdiction)]


@dataclass(frozen=True)
class FloorValue:
    """A floor with the legal row in force on a date, beside the office's value."""

    floor: Floor
    legal: Decimal
    citation: str
    confirm: bool
    effective_on: date
    office: Decimal | None
    office_comparison: str | None

    @property
    def field_label(self) -> str:
        return LABELS[self.floor.field]

    def _amount(self, value: Decimal) -> str:
        if self.floor.field.endswith("arrears_min"):
            return f"${value:,.2f}"
        return f"{value.normalize():f}"

    @property
    def legal_text(self) -> str:
        return f"{'more than' if self.floor.strict else 'at least'} {self._amount(self.legal)}"

    @property
    def office_text(self) -> str:
        if self.office is None:
            return "the law's value"
        word = "more than" if self.office_comparison == Comparison.MORE_THAN else "at least"
        return f"{word} {self._amount(self.office)}"

    @property
    def stricter(self) -> bool:
        """The office's value is stricter than the law's (raised above it)."""
        return self.office is not None and self.office > self.legal


def _value(floor: Floor, legal: Decimal):
    return int(legal) if floor.field in INTEGER_FIELDS else legal


def floor_values(rule, *, on: date) -> list[FloorValue]:
    """The floors of ``rule`` with the legal rows in force on ``on``; ``LegalParameterMissing``
    before the first row of a table."""
    values = []
    for floor in floors_for(rule.remedy, rule.jurisdiction):
        row = legal_parameter_row(floor.key, jurisdiction=floor.key_jurisdiction, on=on)
        office = getattr(rule, floor.field)
        values.append(
            FloorValue(
                floor=floor,
                legal=row.value,
                citation=row.citation,
                confirm=row.confirm,
                effective_on=row.effective_on,
                office=None if office is None else Decimal(office),
                office_comparison=getattr(rule, floor.comparison) if floor.comparison else None,
            )
        )
    return values


def floor_errors(rule) -> dict[str, list[str]]:
    """Validate a rule version against the law in force on its ``effective_from``; fills an empty
    threshold with the law's value (the default); a remedy the law lets the NCP contest keeps a
    period to contest (``contest_errors``). Returns the errors keyed by field."""
    errors: dict[str, list[str]] = contest_errors(rule)
    if rule.effective_from is None:
        return errors
    try:
        values = floor_values(rule, on=rule.effective_from)
    except LegalParameterMissing as exc:
        return {"effective_from": [str(exc)]}
    for value in values:
        floor = value.floor
        if value.office is None:
            setattr(rule, floor.field, _value(floor, value.legal))
            if floor.comparison and floor.strict:
                setattr(rule, floor.comparison, Comparison.MORE_THAN)
            continue
        if value.office < value.legal:
            errors.pop(floor.field, None)  # the law's own number says more than "no period"
            errors.setdefault(floor.field, []).append(
                f"The law requires {value.legal_text} ({value.citation}); an office may set a stricter value, "
                f"never a lower one."
            )
        elif (
            floor.strict
            and floor.comparison
            and value.office == value.legal
            and value.office_comparison != Comparison.MORE_THAN
        ):
            errors.setdefault(floor.comparison, []).append(
                f"The law says {value.legal_text} ({value.citation}): at the law's value the comparison must "
                f'be "more than".'
            )
    return errors


def rule_under_law(rule, *, on: date):
    """A copy of ``rule`` (never saved) whose thresholds are the stricter of the office's and the
    law's value in force on ``on``: what the sweep and the notice check compare with."""
    values = floor_values(rule, on=on)
    if not values:
        return rule
    effective = copy.copy(rule)
    for value in values:
        floor = value.floor
        if value.office is None or value.office < value.legal:
            setattr(effective, floor.field, _value(floor, value.legal))
            if floor.comparison:
                setattr(effective, floor.comparison, Comparison.MORE_THAN if floor.strict else Comparison.AT_LEAST)
        elif floor.strict and floor.comparison and value.office == value.legal:
            setattr(effective, floor.comparison, Comparison.MORE_THAN)
    return effective

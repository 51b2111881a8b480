"""Federal case processing timeframes (45 CFR 303; DOMAIN.md) as pure functions.

Every timeframe here is in calendar days; a deadline falling on a weekend or a state holiday moves
to the next business day (DOMAIN.md, applying 22 CCR 120100 everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from core.business_days import add_calendar_days
from core.legal import legal_parameter

from .choices import CaseStage, CaseStatus, DeadlineKind, InterstateRole

# step -> calendar days, with the source.
TIMEFRAME_DAYS: dict[str, int] = {
    DeadlineKind.OPEN: 20,  # 45 CFR 303.2(b): open the case within 20 calendar days of application
    DeadlineKind.LOCATE: 75,  # 45 CFR 303.3(b)(3): all appropriate locate sources within 75 days
    DeadlineKind.ESTABLISH: 90,  # 45 CFR 303.4(d): order established or service completed within 90 days
}
# Read from core.LegalParameter on the day the clock starts (issue 11.1): 45 CFR 303.7(b)(2) (1988),
# 303.7(c)(4) (from 2011-01-03): the initiating State refers within 20 calendar days.
LEGAL_TIMEFRAME_KEYS: dict[str, str] = {
    DeadlineKind.INTERSTATE_REFERRAL: "us.timeframe.interstate_referral_days",
}
# 45 CFR 303.3(b)(3): repeat locate attempts quarterly while the NCP stays unlocated.
LOCATE_REPEAT_MONTHS = 3


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date
    started_on: date

    @property
    def label(self) -> str:
        return DeadlineKind(self.kind).label

    def state(self, today: date) -> str:
        """``overdue``, ``due_soon`` (within CASES_DUE_SOON_DAYS) or ``on_track``."""
        return deadline_state(self.due_on, today)


def due_soon_days() -> int:
    """How many days ahead a deadline counts as "due soon" (an office setting, not a legal rule)."""
    return settings.CASES_DUE_SOON_DAYS


def deadline_state(due_on: date | None, today: date) -> str:
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    if (due_on - today).days <= due_soon_days():
        return "due_soon"
    return "on_track"


def timeframe_days(kind: str, start: date) -> int:
    """Calendar days of the timeframe ``kind`` whose clock starts on ``start``."""
    key = LEGAL_TIMEFRAME_KEYS.get(kind)
    if key is None:
        return TIMEFRAME_DAYS[kind]
    return int(legal_parameter(key, jurisdiction="US", on=start))


def due_date(kind: str, start: date, jurisdiction: str) -> date:
    return add_calendar_days(start, timeframe_days(kind, start), jurisdiction)


def pending_deadlines(case) -> list[Deadline]:
    """The timeframes still running on a case (any object with the Case date fields)."""
    if case.status == CaseStatus.CLOSED:
        return []
    found: list[Deadline] = []

    def add(kind: str, start: date | None) -> None:
        if start is not None:
            found.append(Deadline(kind, due_date(kind, start, case.jurisdiction), start))

    if case.opened_on is None:
        add(DeadlineKind.OPEN, case.application_received_on)
    if case.stage == CaseStage.LOCATE and case.ncp_located_on is None:
        add(DeadlineKind.LOCATE, case.locate_needed_on)
    if case.stage == CaseStage.ESTABLISHMENT:
        add(DeadlineKind.ESTABLISH, case.ncp_located_on)
    if case.interstate_role == InterstateRole.INITIATING and case.interstate_referred_on is None:
        add(DeadlineKind.INTERSTATE_REFERRAL, case.interstate_needed_on)
    return sorted(found, key=lambda d: d.due_on)


def next_deadline(case) -> Deadline | None:
    pending = pending_deadlines(case)
    return pending[0] if pending else None

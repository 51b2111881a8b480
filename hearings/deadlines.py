"""State-hearing timeframes (Fam. Code 17801; hearing held within 45 days and decided within 75
(confirm); New York: requested within 60 days of the determination, 18 NYCRR 358-3.5(b)(1), decided
within 90 days of the request, 358-6.4(a)), dated rows read through ``core.deadlines``: hearings no longer uses
complaints' helpers (issue 18.2)."""

from __future__ import annotations

from datetime import date

from core.business_days import roll_forward
from core.dates import add_months
from core.deadlines import Deadline, due_after, hearing_request_start, presumed_received_on, profile
from core.legal import LegalParameterMissing, legal_parameter_row

from .choices import Basis

__all__ = [
    "decide_by",
    "filing_deadline",
    "hold_by",
    "minimum_notice",
    "no_resolution_window_end",
    "presumed_received_on",
    "profile",
    "reopen_last_day",
]


def no_resolution_window_end(complaint_made_on: date, *, jurisdiction: str) -> date:
    """The day the written resolution is due: after it, with none, a hearing may be requested."""
    return due_after(complaint_made_on, Deadline.NO_RESOLUTION, jurisdiction=jurisdiction)


def filing_deadline(
    *,
    basis: str,
    complaint_made_on: date,
    resolution_received_on: date | None,
    jurisdiction: str,
    determined_on: date | None = None,
    stated_on_notice: date | None = None,
) -> date:
    """The last day to request a state hearing, rolled to a business day. After a written resolution:
    in California 90 days after it was received (Fam. Code 17801(c)), in New York 60 days after the
    determination, ``determined_on`` (18 NYCRR 358-3.5(b)(1): "within 60 days after the social
    services agency's determination"; ``core.deadlines.hearing_request_start``). A request without a
    complaint on record has no determination date: its resolution's receipt, never earlier, counts.
    With no resolution within 30 days (failure to act), the time runs from the complaint in both.
    A resolution received after those 30 days never shortens the time, and neither does the law: the
    deadline the office stated on the resolution notice (``stated_on_notice``, the complaint's
    ``hearing_deadline``, which New York notices counted from receipt before the count followed
    358-3.5) holds when it is later -- a parent is never held to less time than the office gave."""
    after_complaint = due_after(complaint_made_on, Deadline.HEARING_REQUEST, jurisdiction=jurisdiction)
    if basis != Basis.RESOLUTION or not resolution_received_on:
        return after_complaint
    start = hearing_request_start(
        jurisdiction=jurisdiction,
        determined_on=determined_on or resolution_received_on,
        received_on=resolution_received_on,
    )
    after_resolution = due_after(start, Deadline.HEARING_REQUEST, jurisdiction=jurisdiction)
    window_end = no_resolution_window_end(complaint_made_on, jurisdiction=jurisdiction)
    if resolution_received_on > window_end:
        after_resolution = max(after_resolution, after_complaint)
    return max(after_resolution, stated_on_notice) if stated_on_notice else after_resolution


def hold_by(requested_on: date, *, jurisdiction: str) -> date:
    return due_after(requested_on, Deadline.HEARING_HELD, jurisdiction=jurisdiction)


def decide_by(requested_on: date, *, jurisdiction: str) -> date:
    return due_after(requested_on, Deadline.HEARING_DECISION, jurisdiction=jurisdiction)


def dismissal_on(noticed_on: date, *, jurisdiction: str) -> date:
    """The day a California dismissal noticed on ``noticed_on`` may take effect: "a dismissal shall
    occur 15 days after the notice is sent" (22 CCR 120211(b), 120213(b);
    ``ca.hearing.dismissal_notice_days``), moved to the next business day when it falls on a weekend
    or holiday, as every calendar-day timeframe of the division (22 CCR 120100): the letter tells the
    parent to answer before that day."""
    return due_after(noticed_on, Deadline.DISMISSAL_NOTICE, jurisdiction=jurisdiction)


def minimum_notice(jurisdiction: str, *, on: date) -> tuple[int, str]:
    """The calendar days a notice of hearing sent on ``on`` must precede the hearing, with the
    citation: New York 18 NYCRR 358-5.1(a), "at least 10 calendar days prior to the date of the fair
    hearing, a written notice of the fair hearing will be sent" (``ny.hearing.notice_days``). A
    jurisdiction without the row (California: no minimum was found in 22 CCR) has none: (0, "")."""
    key = f"{profile(jurisdiction).lower()}.hearing.notice_days"
    try:
        row = legal_parameter_row(key, jurisdiction=profile(jurisdiction), on=on)
    except LegalParameterMissing:
        return 0, ""
    return int(row.value), row.citation


def reopen_last_day(scheduled_on: date) -> date:
    """New York: the last day an abandoned fair hearing request may be asked to be reopened, "within
    one calendar year from the scheduled date of the fair hearing" (18 NYCRR 358-5.5(c)). A year is
    twelve months (N.Y. General Construction Law 58), counted to the day of the same number, or the
    month's last day when it has none (GCL 30): a hearing of March 15, 2027 may be reopened through
    March 15, 2028; one of February 29 through February 28. A last day on a Saturday, Sunday or public
    holiday moves to the next business day: GCL 25-a(1), "When any period of time, computed from a
    certain day, within which ... an act is authorized or required to be done, ends on a Saturday,
    Sunday or a public holiday, such act may be done on the next succeeding business day"."""
    return roll_forward(add_months(scheduled_on, 12), "NY")

"""Legal day-count deadlines of complaints and state hearings, read from ``core.LegalParameter``.

Each timeframe is a dated row per jurisdiction profile, key ``<jur>.<Deadline value>`` (e.g.
``ca.complaint.resolution_days``), seeded in ``core.legal_seed`` with its citation: California
Family Code 17800 (complaint within 90 days of knowing; written resolution within 30 days of
receipt, extendable by 30) and 17801 (state hearing request within 90 days of receiving the
resolution, or of the complaint when none came within 30 days). A deadline that falls on a weekend
or holiday moves to the next business day (22 CCR 120100; DOMAIN.md applies it everywhere). A date
before a table's first row raises ``LegalParameterMissing``. The time to request a hearing after a
written resolution runs from its receipt in California and from the determination in New York
(``HEARING_REQUEST_COUNTED_FROM``). Complaints use the complaint keys, hearings the hearing keys
(``hearings.deadlines``); the hearing request deadline is also printed on the complaint's resolution
letter, which is why both read it here and neither imports the other.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from . import business_days
from .legal import legal_parameter


class Deadline(StrEnum):
    """The key of each timeframe after the jurisdiction prefix."""

    RESOLUTION = "complaint.resolution_days"
    EXTENSION_MAX = "complaint.extension_max_days"
    KNOWN_LIMIT = "complaint.known_limit_days"
    REFERRAL_FORWARD = "complaint.referral_forward_days"
    HEARING_REQUEST = "hearing.request_days"
    NO_RESOLUTION = "hearing.no_resolution_days"
    HEARING_HELD = "hearing.held_days"
    HEARING_DECISION = "hearing.decision_days"
    DISMISSAL_NOTICE = "hearing.dismissal_notice_days"  # California only (22 CCR 120211(b), 120213(b))


# Timeframes the law counts in business days rather than calendar days: 22 CCR 120104(a)(1) (a
# complaint for another county's agency is sent "within five (5) business days after the complaint
# receipt date"). The New York rows mirror California's until the office confirms its own.
BUSINESS_DAY_DEADLINES = frozenset({Deadline.REFERRAL_FORWARD})

# Timeframes only California's law has: New York dismisses without a notice period (18 NYCRR
# 358-5.5(a)), so it has no row and ``days_for`` raises ``LegalParameterMissing`` for it.
CALIFORNIA_ONLY_DEADLINES = frozenset({Deadline.DISMISSAL_NOTICE})


def profile(jurisdiction: str | None) -> str:
    return (jurisdiction or settings.CASEWORKS_JURISDICTION).upper()


def legal_key(deadline: Deadline | str, jurisdiction: str | None = None) -> str:
    return f"{profile(jurisdiction).lower()}.{Deadline(deadline).value}"


def days_for(deadline: Deadline | str, *, jurisdiction: str | None = None, on: date | None = None) -> int:
    """The number of days of ``deadline`` in ``jurisdiction`` in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return int(legal_parameter(legal_key(deadline, jurisdiction), jurisdiction=profile(jurisdiction), on=on))


def due_after(start: date, deadline: Deadline | str, *, jurisdiction: str | None = None) -> date:
    """``start`` + the timeframe's days in force on ``start``: calendar days moved to the next
    business day (22 CCR 120100(c)), or business days for ``BUSINESS_DAY_DEADLINES``."""
    days = days_for(deadline, jurisdiction=jurisdiction, on=start)
    if Deadline(deadline) in BUSINESS_DAY_DEADLINES:
        return business_days.add_business_days(start, days, profile(jurisdiction))
    return business_days.add_calendar_days(start, days, profile(jurisdiction))


def presumed_received_on(mailed_on: date) -> date:
    """When a mailed written resolution is presumed received: its date plus the mailing allowance
    (``CASEWORKS_MAILING_ALLOWANCE_DAYS``, calendar days; Cal. Code Civ. Proc. 1013(a)) (confirm).
    An office setting, not a legal-parameter row (issue 11.8)."""
    return mailed_on + timedelta(days=settings.CASEWORKS_MAILING_ALLOWANCE_DAYS)


class CountedFrom(StrEnum):
    """The day the time to request a state hearing after a written resolution starts."""

    RECEIPT = "receipt"  # the day the person received the resolution (mailed: ``presumed_received_on``)
    # The date of the written determination, the notice (``resolution_sent_on``): a resolution reached
    # earlier but written up later does not shorten the time the notice gives.
    DETERMINATION = "determination"


# California, Fam. Code 17801(c): the 90 days run from receiving the notice of the resolution.
# New York, 18 NYCRR 358-3.5(b)(1): "A request for a fair hearing must be made within 60 days after
# the social services agency's determination, action, or failure to act about which you are
# complaining" -- from the determination, whenever its notice arrives.
HEARING_REQUEST_COUNTED_FROM = {"CA": CountedFrom.RECEIPT, "NY": CountedFrom.DETERMINATION}


def hearing_request_counted_from(jurisdiction: str | None) -> CountedFrom:
    """From what day ``jurisdiction`` counts the time to request a hearing after a written resolution."""
    return HEARING_REQUEST_COUNTED_FROM[profile(jurisdiction)]


def hearing_request_start(*, jurisdiction: str | None, determined_on: date, received_on: date) -> date:
    """The day the time to request a state hearing after a written resolution starts: its receipt in
    California (Fam. Code 17801(c)), the determination in New York (18 NYCRR 358-3.5(b)(1), "within
    60 days after the social services agency's determination"). ``determined_on`` is the date of the
    written determination, the resolution notice (``Complaint.resolution_sent_on``; a resolution
    reached earlier and written up later must not shorten the time), ``received_on`` the day it was,
    or is presumed, received. The time after a complaint left without a resolution (failure
    to act) counts from the complaint in both and is not decided here (``hearings.deadlines``)."""
    if hearing_request_counted_from(jurisdiction) == CountedFrom.DETERMINATION:
        return determined_on
    return received_on

"""Complaint timeframes: the legal rows of ``core.deadlines`` (Fam. Code 17800; 22 CCR 120100)
and the office's own reminder lead time (``CASEWORKS_COMPLAINT_DUE_SOON_DAYS``, not a legal number).

The state-hearing timeframes live in ``hearings.deadlines``; the resolution letter reads the
hearing request deadline through ``core.deadlines`` (complaints never imports hearings).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from core import business_days
from core.deadlines import (
    CountedFrom,
    Deadline,
    days_for,
    due_after,
    hearing_request_counted_from,
    hearing_request_start,
    presumed_received_on,
    profile,
)

__all__ = [
    "CountedFrom",
    "Deadline",
    "days_for",
    "due_after",
    "due_soon_days",
    "hearing_request_counted_from",
    "hearing_request_start",
    "presumed_received_on",
    "profile",
    "public_due_on",
]


def due_soon_days() -> int:
    """Days before the due date a complaint's investigator is reminded (office practice)."""
    return settings.CASEWORKS_COMPLAINT_DUE_SOON_DAYS


def public_due_on(complaint) -> date:
    """The written-answer date the public pages (confirmation, status) show: the earliest of the
    dates the office's profiles give for the complaint's received day and any extension, whatever
    the profile of the case it names. The complaint's own ``due_on`` follows its case's state's
    holidays, so in an office with New York and California cases it would hint which state a case
    number belongs to (or that it names none) to an anonymous complainant. The earliest, not the
    office's default profile's alone: the date tells the complainant when they may ask for a state
    hearing without a resolution (Fam. Code 17801(b)), so it is never later than the complaint's own
    (staff pages, reminders and letters keep ``due_on``)."""
    from cases.choices import Jurisdiction

    extra = complaint.extension_days or 0
    return min(
        business_days.add_calendar_days(
            complaint.received_on,
            days_for(Deadline.RESOLUTION, jurisdiction=jurisdiction, on=complaint.received_on) + extra,
            jurisdiction,
        )
        for jurisdiction in sorted({profile(None), *Jurisdiction.values})
    )

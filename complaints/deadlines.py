"""Complaint and state-hearing timeframes: dated rows per jurisdiction profile, with sources.

California: Family Code 17800 (complaint within 90 days of knowing; written resolution within 30
days, extendable by 30), Family Code 17801 (state hearing request within 90 days of the resolution,
or of the complaint when none came within 30 days), 22 CCR 120100 (a deadline on a weekend or
holiday moves to the next business day). Values marked *(confirm)* come from a secondary source
(DOMAIN.md) and New York keeps the same workflow with its own rows: an administrator edits
``DeadlineSetting`` rows (effective date → days) and the code falls back to ``DEFAULTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from core import business_days

from .choices import DeadlineKey


@dataclass(frozen=True)
class Default:
    days: int
    source: str
    confirm: bool = False


DEFAULTS: dict[str, Default] = {
    DeadlineKey.RESOLUTION: Default(30, "Fam. Code 17800; 22 CCR 120100"),
    DeadlineKey.EXTENSION_MAX: Default(30, "Fam. Code 17800 (director may extend by 30 days)"),
    DeadlineKey.KNOWN_LIMIT: Default(90, "Fam. Code 17800"),
    DeadlineKey.REFERRAL_FORWARD: Default(5, "DOMAIN.md: complaint about another county forwarded", confirm=True),
    DeadlineKey.DUE_SOON: Default(5, "Office practice: reminder lead time (not a legal number)"),
    DeadlineKey.HEARING_REQUEST: Default(90, "Fam. Code 17801"),
    DeadlineKey.NO_RESOLUTION: Default(30, "Fam. Code 17801"),
    DeadlineKey.HEARING_HELD: Default(45, "DOMAIN.md: hearing held within 45 days", confirm=True),
    DeadlineKey.HEARING_DECISION: Default(75, "DOMAIN.md: decision within 75 days", confirm=True),
}


def profile(jurisdiction: str | None) -> str:
    return (jurisdiction or settings.CASEWORKS_JURISDICTION).upper()


def days_for(key: str, *, jurisdiction: str | None = None, on: date | None = None) -> int:
    """The number of days in force for ``key`` in ``jurisdiction`` on date ``on``."""
    from .models import DeadlineSetting

    row = (
        DeadlineSetting.objects.filter(jurisdiction=profile(jurisdiction), key=key)
        .filter(**({"effective_from__lte": on} if on else {}))
        .order_by("-effective_from")
        .values_list("days", flat=True)
        .first()
    )
    return row if row is not None else DEFAULTS[key].days


def presumed_received_on(mailed_on: date) -> date:
    """When a mailed written resolution is presumed received: its date plus the mailing allowance
    (``CASEWORKS_MAILING_ALLOWANCE_DAYS``, calendar days; Cal. Code Civ. Proc. 1013(a)) (confirm)."""
    return mailed_on + timedelta(days=settings.CASEWORKS_MAILING_ALLOWANCE_DAYS)


def due_after(start: date, key: str, *, jurisdiction: str | None = None) -> date:
    """``start`` + the timeframe's calendar days, moved to the next business day (22 CCR 120100)."""
    days = days_for(key, jurisdiction=jurisdiction, on=start)
    return business_days.add_calendar_days(start, days, profile(jurisdiction))

"""Complaint timeframes: the legal rows of ``core.deadlines`` (Fam. Code 17800; 22 CCR 120100)
and the office's own reminder lead time (``CASEWORKS_COMPLAINT_DUE_SOON_DAYS``, not a legal number).

The state-hearing timeframes live in ``hearings.deadlines``; the resolution letter reads the
hearing request deadline through ``core.deadlines`` (complaints never imports hearings).
"""

from __future__ import annotations

from django.conf import settings

from core.deadlines import Deadline, days_for, due_after, presumed_received_on, profile

__all__ = ["Deadline", "days_for", "due_after", "due_soon_days", "presumed_received_on", "profile"]


def due_soon_days() -> int:
    """Days before the due date a complaint's investigator is reminded (office practice)."""
    return settings.CASEWORKS_COMPLAINT_DUE_SOON_DAYS

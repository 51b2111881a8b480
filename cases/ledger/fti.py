"""Federal Tax Information (IRS Publication 1075): who may see that a payment came from a tax offset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..choices import FTI_SOURCES


def can_view_fti(user) -> bool:
    """Staff with ``cases.view_fti`` and current FTI training (the cases access layer decides when
    it exists). Partner keys never see FTI: no API scope grants it (docs/ledger.md)."""
    access_rule: Callable[[Any], bool] | None
    try:
        from ..access import can_view_fti as access_rule
    except ImportError:
        access_rule = None
    if access_rule is not None:
        return bool(access_rule(user))
    return bool(getattr(user, "has_perm", None)) and user.has_perm("cases.view_fti")


def shown_source(source: str, *, fti: bool) -> str | None:
    """The collection source as a viewer may see it: ``None`` hides a tax-offset source."""
    if source in FTI_SOURCES and not fti:
        return None
    return source


def shown_hold_reason(collection, *, fti: bool) -> str | None:
    """Why a collection is held, as a viewer may see it: ``None`` where its source is hidden, since
    the reason would say what the source is (a joint-return tax offset's hold)."""
    if shown_source(collection.source, fti=fti) is None:
        return None
    return collection.hold_reason

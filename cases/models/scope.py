"""Who sees and who changes which cases (one rule, reused by every case-bound model).

Reading (``action == "view"``), staff:
- holders of ``cases.view_all_cases`` see every county's cases;
- everyone else sees the cases of their county: ``user.county``, or, when that is blank, the
  office's one county (``CASEWORKS_OFFICE_COUNTY``, set by a one-county office);
- a user with neither sees no case at all (fail closed: a blank county is not "every county").

Writing (any other action: a note, a payment, a work item, an order, a participant...): what the
user may read, and — unless their role holds ``cases.work_any_case_in_county`` (coordinators,
enforcement specialists) — only the cases on their own caseload (``Case.caseworker``).

Partner API keys (``accounts.ApiKey``): the key's counties for reads and writes alike, every
county only for a key created with ``--all-counties``; a key with neither sees nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from core.models import is_partner

VIEW_ALL = "cases.view_all_cases"
WORK_ANY = "cases.work_any_case_in_county"
NOTHING = Q(pk__in=[])


def user_county(user) -> str:
    """The county whose cases a staff user works: theirs, else the one-county office's."""
    return (getattr(user, "county", "") or "").strip() or settings.CASEWORKS_OFFICE_COUNTY


def case_scope_q(user, prefix: str = "", action: str = "view") -> Q | None:
    """The filter limiting rows to the cases ``user`` may ``action``; ``None`` means every row.

    ``prefix`` is the path from the model to the case (``"case__"``, ``"order__case__"``)."""
    if is_partner(user):
        key = user.key
        if key.all_counties:
            return None
        return Q(**{f"{prefix}county__in": list(key.counties)}) if key.counties else NOTHING
    if user.has_perm(VIEW_ALL):
        q = None
    else:
        county = user_county(user)
        if not county:
            return NOTHING
        q = Q(**{f"{prefix}county": county})
    if action != "view" and not user.has_perm(WORK_ANY):
        caseload = Q(**{f"{prefix}caseworker": user})
        q = caseload if q is None else q & caseload
    return q


class CaseScoped:
    """Mixin for a model bound to one case (a ``case`` foreign key): its rows are in scope as their
    case is, for reading and for writing (``case_scope_q`` through ``case__``)."""

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, "case__", action)

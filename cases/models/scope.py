"""Who sees which cases (one rule, reused by every case-bound model).

Users holding ``cases.view_all_cases`` see every case. Other users see the cases of their county
when ``user.county`` is set, else every case (a one-office deployment leaves county blank).
"""

from __future__ import annotations

from django.db.models import Q


def case_scope_q(user, prefix: str = "") -> Q | None:
    """The filter limiting rows to the user's cases; ``prefix`` is the path to the case ("case__")."""
    if user.has_perm("cases.view_all_cases"):
        return None
    county = getattr(user, "county", "")
    if not county:
        return None
    return Q(**{f"{prefix}county": county})

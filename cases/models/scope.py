"""Who sees and who changes which cases (one rule, reused by every case-bound model).

Reading (``action == "view"``), staff:
- holders of ``cases.view_all_cases`` see every county's cases;
- everyone else sees the cases of their county: ``user.county``, or, when that is blank, the
  office's one county (``CASEWORKS_OFFICE_COUNTY``, set by a one-county office);
- a user with neither sees no case at all (fail closed: a blank county is not "every county").

Writing (any other action: a note, a payment, a work item, an order, a person's details or family
violence indicator, a closure...), staff:
- only the cases of their county (``user_county``), whatever they may read: a state-wide reader
  (``cases.view_all_cases``) is not a state-wide writer;
- and only the cases on their own caseload (``Case.caseworker``) unless their role holds
  ``cases.work_any_case_in_county`` (coordinators, enforcement specialists): any case *of their
  county*, as the permission's name says;
- a user with no county (and no one-county office) writes to no case, even with
  ``cases.view_all_cases`` (fail closed).
Not visible → 404; visible but outside the write scope (another caseload, another county) → 403,
logged (``RestrictedQuerySet.get_for``).

The rule bounds what a user changes on a page. The rules the office applies to a *person* follow
that person to every open case, whatever the county and whoever set them off, as the files from
the new-hire directory and employers do: a job recorded on one case proposes income withholding on
each case where the person pays (42 USC 666(b)), and a job ended ends the withholding orders at
that employer on each (``cases.services.employment``).

Superusers (the ``administrator`` role) are outside this rule: ``RestrictedQuerySet.restrict`` and
``in_scope`` return every row for them before any model's ``scope_filter`` is asked, and they work
in Django admin, whose pages do not read through ``restrict()`` at all (limiting them here would
only hide from the case pages what admin lets them change anyway). ``case_scope_q`` answers
``None`` (every row) for them too, so a caller that asks it directly agrees with ``restrict()``.

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


def users_of_counties_q(counties) -> Q:
    """The users who work one of ``counties`` (``user_county``: their county, or the one-county
    office's for a user without one); ``NOTHING`` for no county. A filter on the user model."""
    names = [c for c in counties if c]
    if not names:
        return NOTHING
    reach = Q(county__in=names)
    if settings.CASEWORKS_OFFICE_COUNTY and settings.CASEWORKS_OFFICE_COUNTY in names:
        reach |= Q(county="")
    return reach


def users_with_a_county_q() -> Q:
    """The users who work some county (``user_county`` is not blank): every user in a one-county
    office, else those with a county of their own. A filter on the user model."""
    return Q() if settings.CASEWORKS_OFFICE_COUNTY else ~Q(county="")


def case_county_q(user, prefix: str = "") -> Q:
    """The cases of the staff user's own county (``user_county``); ``NOTHING`` without one. The
    outer bound of every staff write, whatever the user may read."""
    county = user_county(user)
    return Q(**{f"{prefix}county": county}) if county else NOTHING


def case_scope_q(user, prefix: str = "", action: str = "view") -> Q | None:
    """The filter limiting rows to the cases ``user`` may ``action``; ``None`` means every row.

    ``prefix`` is the path from the model to the case (``"case__"``, ``"order__case__"``)."""
    if is_partner(user):
        key = user.key
        if key.all_counties:
            return None
        return Q(**{f"{prefix}county__in": list(key.counties)}) if key.counties else NOTHING
    if getattr(user, "is_superuser", False):
        return None  # as restrict() answers them (see the module's docstring)
    if action == "view":
        return None if user.has_perm(VIEW_ALL) else case_county_q(user, prefix)
    q = case_county_q(user, prefix)  # writes: never outside the user's county
    if q is NOTHING or user.has_perm(WORK_ANY):
        return q
    return q & Q(**{f"{prefix}caseworker": user})


class CaseScoped:
    """Mixin for a model bound to one case (a ``case`` foreign key): its rows are in scope as their
    case is, for reading and for writing (``case_scope_q`` through ``case__``)."""

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, "case__", action)

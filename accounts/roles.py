"""Roles are Django groups holding exactly the permissions their apps grant them.

Each app lists what each role may do in ``<app>/roles.py``::

    PERMISSIONS = {
        "caseworker": ["cases.view_case", "cases.add_case"],
        "coordinator": ["cases.view_*"],          # every view permission of the app
    }

The groups are created by a data migration (accounts 0002); ``sync_roles`` then sets each group's
permissions to exactly the union of the apps' lists after every ``migrate`` (post_migrate), so a
permission added by a later app migration reaches its roles. ``administrator`` holds every
permission. The matrix is written out in docs/roles.md. An office withdraws a default permission
from a role with the setting ``CASEWORKS_PERMISSIONS_WITHDRAWN`` ("role:app.codename" items), which
the sync honours, so a later migrate does not give it back.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from django.conf import settings

from core.hooks import app_modules, is_last_app_migrated

from .choices import Role

ALL = "*"

PERMISSIONS: dict[str, list[str]] = {
    Role.COORDINATOR: [
        "accounts.view_user",
        "accounts.view_partneragency",
        "accounts.view_apirequestlog",
        "accounts.view_apirequesttally",
    ],
    Role.ADMINISTRATOR: [ALL],
}


def declared_permissions() -> dict[str, list[str]]:
    """Role name → permission patterns, gathered from every Caseworks app's roles.py."""
    merged: dict[str, list[str]] = {str(role): [] for role in Role}
    for app, module in app_modules("roles"):
        for role, patterns in getattr(module, "PERMISSIONS", {}).items():
            if str(role) not in merged:
                raise ValueError(f"{app}/roles.py names an unknown role {role!r}")
            merged[str(role)].extend(patterns)
    return merged


def resolve(patterns: list[str], available: Mapping[str, object]) -> set[str]:
    """Expand ``app.codename`` patterns (``*`` wildcards allowed) against existing permissions."""
    if ALL in patterns:
        return set(available)
    chosen: set[str] = set()
    for pattern in patterns:
        if "*" in pattern:
            chosen.update(fnmatch.filter(available, pattern))
        elif pattern in available:
            chosen.add(pattern)
    return chosen


def withdrawn_permissions() -> dict[str, set[str]]:
    """Role → permissions the office withdrew (``CASEWORKS_PERMISSIONS_WITHDRAWN``)."""
    withdrawn: dict[str, set[str]] = {}
    for item in settings.CASEWORKS_PERMISSIONS_WITHDRAWN:
        role, _, perm = item.partition(":")
        if str(role) not in {str(r) for r in Role} or "." not in perm:
            raise ValueError(f"CASEWORKS_PERMISSIONS_WITHDRAWN: {item!r} is not role:app.codename")
        withdrawn.setdefault(role, set()).add(perm)
    return withdrawn


def sync_roles(*, using: str = "default") -> dict[str, int]:
    """Give every role group exactly its declared permissions. Returns role → permission count."""
    from django.contrib.auth.models import Group, Permission

    available = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    counts = {}
    withdrawn = withdrawn_permissions()
    for role, patterns in declared_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = resolve(patterns, available) - withdrawn.get(role, set())
        group.permissions.set([available[name] for name in sorted(wanted)])
        counts[role] = len(wanted)
    return counts


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    # Once per migrate/flush, after the last Caseworks app's permissions are made (each app's
    # post_migrate made its own): syncing after each of them, as before, spent about a second of
    # every ``flush`` (one per browser test) on eight syncs the last one overwrote (issue 18.1).
    if is_last_app_migrated(sender):
        sync_roles(using=using)

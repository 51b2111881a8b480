"""Deploy checks of the accounts app (``manage.py check --deploy``): sign-in and demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from .choices import Role


@register(Tags.security)
def mfa_exempt_roles_are_known(app_configs=None, **kwargs):
    unknown = sorted(set(map(str, settings.CASEWORKS_MFA_EXEMPT_ROLES)) - set(Role.values))
    if unknown:
        return [
            Error(
                f"CASEWORKS_MFA_EXEMPT_ROLES names unknown role(s): {', '.join(unknown)}.",
                hint=f"Known roles: {', '.join(Role.values)}.",
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mfa_required_for_every_role(app_configs=None, **kwargs):
    problems = []
    if not settings.CASEWORKS_MFA_REQUIRED:
        problems.append(
            Warning(
                "CASEWORKS_MFA_REQUIRED is off: staff sign in with a password alone.",
                hint="IRS Publication 1075 and ASVS L2 ask for multi-factor sign-in.",
                id="accounts.W001",
            )
        )
    if settings.CASEWORKS_MFA_EXEMPT_ROLES:
        problems.append(
            Warning(
                f"CASEWORKS_MFA_EXEMPT_ROLES exempts {', '.join(map(str, settings.CASEWORKS_MFA_EXEMPT_ROLES))} from "
                "multi-factor sign-in.",
                hint="No role is exempt in production.",
                id="accounts.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    """Demo logins must be off outside DEBUG, and a production database should hold no demo
    accounts (their password is published in the README)."""
    messages = []
    if settings.CASEWORKS_DEMO_LOGINS and not settings.DEBUG:
        messages.append(
            Error(
                "CASEWORKS_DEMO_LOGINS is on while DEBUG is off.",
                hint="Only config/settings/local.py with DEBUG on may turn demo sign-in on.",
                id="accounts.E002",
            )
        )
    from .models import User

    try:
        demo = list(
            User.objects.filter(is_demo=True, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)[:10]
        )
    except DatabaseError:  # no database or not migrated yet: nothing to report
        demo = []
    if demo:
        messages.append(
            Warning(
                f"Demo accounts exist: {', '.join(demo)}. They cannot sign in while CASEWORKS_DEMO_LOGINS is off, "
                "but a production office should not hold them.",
                hint="Deactivate or delete them in the admin (users, filter 'is demo').",
                id="accounts.W003",
            )
        )
    return messages


@register(Tags.security, Tags.caches)
def api_key_cache_is_shared(app_configs=None, **kwargs):
    """Keys kept in a per-process cache would outlive their revocation in every other process."""
    if settings.CASEWORKS_API_KEY_CACHE_SECONDS <= 0:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                f"CASEWORKS_API_KEY_CACHE_SECONDS is on with a per-process cache ({backend.rsplit('.', 1)[-1]}): a key "
                "revoked in one process would still work in the others until its entry expires.",
                hint="Set CACHE_URL to a shared cache (rediscache://…), or CASEWORKS_API_KEY_CACHE_SECONDS=0.",
                id="accounts.W004",
            )
        ]
    return []

"""Deploy checks for sign-in (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .choices import Role


@register(Tags.security)
def mfa_exempt_roles_are_known(app_configs=None, **kwargs):
    unknown = sorted(set(map(str, settings.CASEWORKS_MFA_EXEMPT_ROLES)) - set(Role.values))
    if unknown:
        return [Error(f"CASEWORKS_MFA_EXEMPT_ROLES names unknown role(s): {', '.join(unknown)}.",
                      hint=f"Known roles: {', '.join(Role.values)}.", id="accounts.E001")]
    return []


@register(Tags.security, deploy=True)
def mfa_required_for_every_role(app_configs=None, **kwargs):
    problems = []
    if not settings.CASEWORKS_MFA_REQUIRED:
        problems.append(Warning("CASEWORKS_MFA_REQUIRED is off: staff sign in with a password alone.",
                                hint="IRS Publication 1075 and ASVS L2 ask for multi-factor sign-in.",
                                id="accounts.W001"))
    if settings.CASEWORKS_MFA_EXEMPT_ROLES:
        problems.append(Warning(
            f"CASEWORKS_MFA_EXEMPT_ROLES exempts {', '.join(map(str, settings.CASEWORKS_MFA_EXEMPT_ROLES))} from "
            "multi-factor sign-in.", hint="No role is exempt in production.", id="accounts.W002"))
    return problems

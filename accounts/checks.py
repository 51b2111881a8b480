"""Deploy checks of the accounts app (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    """Demo logins must be off outside DEBUG, and a production database should hold no demo
    accounts (their password is published in the README)."""
    messages = []
    if getattr(settings, "CASEWORKS_DEMO_LOGINS", False) and not settings.DEBUG:
        messages.append(Error("CASEWORKS_DEMO_LOGINS is on while DEBUG is off.",
                              hint="Only config/settings/local.py with DEBUG on may turn demo sign-in on.",
                              id="accounts.E001"))
    from .models import User

    try:
        demo = list(User.objects.filter(is_demo=True, is_active=True).order_by("username")
                    .values_list("username", flat=True)[:10])
    except DatabaseError:  # no database or not migrated yet: nothing to report
        demo = []
    if demo:
        messages.append(Warning(
            f"Demo accounts exist: {', '.join(demo)}. They cannot sign in while CASEWORKS_DEMO_LOGINS is off, "
            "but a production office should not hold them.",
            hint="Deactivate or delete them in the admin (users, filter 'is demo').", id="accounts.W001"))
    return messages

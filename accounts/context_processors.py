"""Template context for the sign-in state."""

from __future__ import annotations

from django.conf import settings


def mfa(request) -> dict[str, bool]:
    """``mfa_pending``: signed in with the password, second factor still owed (the page hides the
    menu and account links, which would only lead back to the second step)."""
    if not settings.CASEWORKS_MFA_REQUIRED:
        return {"mfa_pending": False}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "is_verified") or user.is_verified():
        return {"mfa_pending": False}
    from .mfa import mfa_required_for

    return {"mfa_pending": mfa_required_for(user)}

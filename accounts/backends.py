"""Sign-in backend: Django's ModelBackend, refusing the seed_demo accounts unless demo logins are on."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_logins_allowed() -> bool:
    """Demo accounts (``User.is_demo``, published password) sign in only where
    ``CASEWORKS_DEMO_LOGINS`` is true, which only local settings with DEBUG on set."""
    return bool(settings.CASEWORKS_DEMO_LOGINS)


class CaseworksModelBackend(ModelBackend):
    """A demo account is refused like a wrong password (``authenticate`` returns ``None``, the
    failure is logged and counted by django-axes), with an access-denial row naming the reason.
    Sessions of a demo account already signed in end too (``get_user`` returns ``None``)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and (not getattr(user, "is_demo", False) or demo_logins_allowed())

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and request is not None and username and not demo_logins_allowed():
            self._record_demo_refusal(request, username, password)
        return user

    def _record_demo_refusal(self, request, username, password) -> None:
        from core.models import AccessLog
        from core.services import access_log_record

        from .models import User

        user = User.objects.filter(username=username, is_demo=True).first()
        if user is not None and password and user.check_password(password):
            access_log_record(
                kind=AccessLog.Kind.ACCESS_DENIED,
                request=request,
                user=None,
                username=username[:150],
                outcome="denied",
                detail={"reason": "demo_account", "rule": "CASEWORKS_DEMO_LOGINS is off"},
            )

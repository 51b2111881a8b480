"""Sign-in events and permission changes go to the security audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import AccessLog
from .services import access_log_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    access_log_record(kind=AccessLog.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(kind=AccessLog.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    access_log_record(
        kind=AccessLog.Kind.LOGIN_FAILED,
        request=request,
        user=None,
        username=str(credentials.get("username", ""))[:150],
        outcome="failure",
        # "mfa" when the password was right and the second factor wrong (accounts.mfa)
        detail={"stage": credentials["stage"]} if credentials.get("stage") else None,
    )


def _permission_change(sender, instance, action, pk_set, model, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    access_log_record(
        kind=AccessLog.Kind.PERMISSION_CHANGE,
        user=None,
        username="",
        obj=instance,
        detail={"action": action, "model": model._meta.label, "ids": sorted(pk_set or [])},
    )


def connect_permission_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_permission_change, sender=through, dispatch_uid=f"perm-change-{through._meta.label}")


connect_permission_signals()

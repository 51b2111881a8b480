"""Multi-factor sign-in for staff: who needs it, enrolment, verification and reset (issue 12.4).

The rule (IRS Publication 1075; OWASP ASVS L2): with ``CASEWORKS_MFA_REQUIRED`` every staff user
gives a TOTP code from an authenticator app (or a one-time recovery code) after the password,
before any staff page opens. A user is exempt only if every role they hold is listed in
``CASEWORKS_MFA_EXEMPT_ROLES`` (none in production). Enrolment happens at the first sign-in;
a lost authenticator is reset by an administrator, which is audited.

Wrong codes count as failed sign-ins for django-axes (the same per-username lockout as wrong
passwords) and are logged; django-otp's device throttling adds growing waits between tries, and
that count survives a fresh password sign-in.
"""

from __future__ import annotations

from datetime import timedelta

import django_otp
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.models import AccessLog
from core.services import access_log_record, event_about

from .models import AuthenticatorDevice, RecoveryCodeDevice, User


def mfa_required_for(user) -> bool:
    """Whether this signed-in user must give a second factor (no query unless roles are exempt)."""
    if not settings.CASEWORKS_MFA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    exempt = {str(r) for r in settings.CASEWORKS_MFA_EXEMPT_ROLES}
    if not exempt:
        return True
    roles = set(user.groups.values_list("name", flat=True))
    return not roles or not roles <= exempt


def authenticator_for(user) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user).first()


def is_enrolled(user) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_lapsed(device: AuthenticatorDevice) -> bool:
    started = device.created_at or timezone.now()
    return timezone.now() - started > timedelta(seconds=settings.CASEWORKS_MFA_ENROLMENT_SECONDS)


@transaction.atomic
def enrolment_start(*, user: User) -> AuthenticatorDevice:
    """The pending (unconfirmed) authenticator for ``user``: a new secret if none, or if the
    previous one lapsed. A confirmed authenticator is never replaced here (only by a reset)."""
    device = AuthenticatorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed:
        raise ValueError("This user already has an authenticator; an administrator must reset it first.")
    if device is not None and not enrolment_lapsed(device):
        return device
    if device is not None:
        device.delete()
    return AuthenticatorDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False, key=AuthenticatorDevice.new_key()
    )


@transaction.atomic
def enrolment_confirm(*, request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Returns the recovery codes (shown
    once) on success; ``None`` for a wrong code or a lapsed enrolment (which then starts afresh)."""
    device = AuthenticatorDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or enrolment_lapsed(device) or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = RecoveryCodeDevice.generate_codes()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.create(
        user=user, name="Recovery codes", hashed_codes=[RecoveryCodeDevice.hashed(c) for c in codes]
    )
    _signed_in_with(request, device)
    access_log_record(
        kind=AccessLog.Kind.MFA_ENROLLED,
        request=request,
        user=user,
        obj=user,
        detail={"device": "totp", "recovery_codes": len(codes)},
    )
    return codes


class VerifyResult:
    def __init__(
        self, *, ok: bool, method: str = "", wait_until=None, locked_out: bool = False, recovery_left: int | None = None
    ):
        self.ok, self.method, self.wait_until = ok, method, wait_until
        self.locked_out, self.recovery_left = locked_out, recovery_left


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> VerifyResult:
    """Check a TOTP code (6 digits) or a recovery code; on success mark the session verified.

    A wrong code is a failed sign-in for django-axes and the access log (stage "mfa")."""
    code = (code or "").strip()
    if code.replace(" ", "").isdigit():
        device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
        method = "totp"
        code = code.replace(" ", "")
    else:
        device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
        method = "recovery_code"
    if device is not None:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return VerifyResult(ok=False, method=method, wait_until=(info or {}).get("locked_until"))
        # django_otp.verify_token locks the device row (select_for_update): a code used by two
        # concurrent requests is accepted by one of them only.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            _signed_in_with(request, verified)
            left = verified.remaining if isinstance(verified, RecoveryCodeDevice) else None
            access_log_record(
                kind=AccessLog.Kind.MFA_VERIFIED,
                request=request,
                user=user,
                detail={"method": method, **({"recovery_codes_left": left} if left is not None else {})},
            )
            return VerifyResult(ok=True, method=method, recovery_left=left)
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "stage": "mfa"}, request=request
    )
    return VerifyResult(ok=False, method=method, locked_out=bool(getattr(request, "axes_locked_out", False)))


def _signed_in_with(request: HttpRequest, device) -> None:
    # A new session key when the session gains the second factor (no fixation across the step up).
    request.session.cycle_key()
    django_otp.login(request, device)


@transaction.atomic
def mfa_reset(*, user: User, by: User, request: HttpRequest | None = None) -> int:
    """Remove ``user``'s authenticator and recovery codes: they enrol again at their next sign-in,
    and any session they verified with the old authenticator loses its second factor.
    Returns the number of devices removed; always writes an audit row."""
    removed = 0
    for model in (AuthenticatorDevice, RecoveryCodeDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    access_log_record(
        kind=AccessLog.Kind.MFA_RESET,
        request=request,
        user=by,
        obj=user,
        detail={"target": user.get_username(), "devices_removed": removed},
    )
    event_about(user, verb="user.mfa_reset", by=by, summary=f"Multi-factor sign-in reset for {user.get_username()}")
    return removed

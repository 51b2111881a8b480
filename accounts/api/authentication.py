"""Partner agencies authenticate with ``Authorization: Bearer <key>``."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import key_cache, rate_limit
from accounts.models import ApiKey, PartnerAgency

_PREFIX = re.compile(f"[0-9a-f]{{{ApiKey.PREFIX_LENGTH}}}")  # ApiKey.generate: token_hex


@dataclass
class PartnerPrincipal:
    """``request.user`` for an API call: the agency behind the key (never a staff user)."""

    agency: PartnerAgency
    key: ApiKey
    scopes: list[str] = field(default_factory=list)
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_superuser: bool = False
    is_staff: bool = False
    is_partner: bool = True  # restrict() skips model permissions and scopes rows by the key's counties
    pk = None

    def has_perm(self, perm: str, obj=None) -> bool:
        return False

    def get_username(self) -> str:
        return f"agency:{self.agency.name}"

    def __str__(self) -> str:
        return self.get_username()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != "cw" or not _PREFIX.fullmatch(parts[1]):
            # A prefix is hex (ApiKey.generate): nothing else reaches the database or the cache.
            raise exceptions.AuthenticationFailed("Invalid API key.")
        # From the database, or from the shared cache when the office keeps keys there (revocation
        # stays immediate either way: accounts.key_cache), with the request counted against the
        # key's rate in the same round trip (Redis: accounts.rate_limit) or the key's rate history.
        key, rate = key_cache.api_key_for_request(parts[1], _key_rate())
        if key is None or not key.matches(raw):
            _refund(rate)
            _refused_mark(request, key)
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if not key.is_usable:
            _refund(rate)
            _refused_mark(request, key)
            raise exceptions.AuthenticationFailed("This API key is revoked or expired.")
        _last_used_mark(key)
        request._request.caseworks_api_key = key  # read by ApiRequestLogMiddleware
        request._request.caseworks_rate_history = rate  # read by ApiKeyRateThrottle
        return PartnerPrincipal(agency=key.agency, key=key, scopes=list(key.scopes)), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def _key_rate() -> tuple[int, int] | None:
    """``(limit, seconds)`` of the keys' throttle (``ApiKeyRateThrottle``), None when it has no rate."""
    from accounts.api.throttling import ApiKeyRateThrottle  # it imports this module

    return ApiKeyRateThrottle.key_rate()


def _refund(rate) -> None:
    """A request counted against a key's window before the key proved invalid is not the key's."""
    if isinstance(rate, rate_limit.RateCount):
        backend = rate_limit.redis_cache()
        if backend is not None:
            rate_limit.refund(backend, rate)


def _refused_mark(request, key: ApiKey | None) -> None:
    """A real key refused (wrong secret, revoked, expired, agency inactive) is named in the count
    of refused calls (ApiRequestLogMiddleware → ApiRequestTally); an unknown prefix is not, so the
    count's rows stay bounded by the keys that exist."""
    if key is not None:
        request._request.caseworks_api_key_refused = key


# When this process last wrote each key's last_used_at (time.monotonic()): a key read from the cache
# carries the time it was cached, which would otherwise look a minute old on every request.
_last_used_written: dict[str, float] = {}


def _last_used_mark(key: ApiKey) -> None:
    """``last_used_at`` to within a minute: at most one UPDATE a minute per key and process."""
    now = timezone.now()
    if key.last_used_at is not None and (now - key.last_used_at).total_seconds() <= 60:
        return
    written = _last_used_written.get(key.prefix)
    if written is not None and time.monotonic() - written <= 60:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    _last_used_written[key.prefix] = time.monotonic()


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer key in the OpenAPI schema (registered on import)."""

    target_class = "accounts.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "Caseworks partner key"}

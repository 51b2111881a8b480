"""Partner agencies authenticate with ``Authorization: Bearer <key>``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiKey, PartnerAgency
from accounts.selectors import api_key_by_prefix


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
        if len(parts) != 3 or parts[0] != "cw" or len(parts[1]) != ApiKey.PREFIX_LENGTH:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        key = api_key_by_prefix(prefix=parts[1])  # from the database on every request: revocation is immediate
        if key is None or not key.matches(raw):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if not key.is_usable:
            raise exceptions.AuthenticationFailed("This API key is revoked or expired.")
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        request._request.caseworks_api_key = key  # read by ApiRequestLogMiddleware
        return PartnerPrincipal(agency=key.agency, key=key, scopes=list(key.scopes)), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer key in the OpenAPI schema (registered on import)."""

    target_class = "accounts.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "Caseworks partner key"}

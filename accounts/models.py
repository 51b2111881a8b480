"""Staff users, partner agencies and their API keys, and the API call log."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import AgencyKind, Role


class User(AbstractUser):
    """A staff member. ``county`` scopes case access for case-level roles (blank: whole office)."""

    county = models.CharField(max_length=60, blank=True, db_index=True)
    unit = models.CharField(max_length=80, blank=True, help_text="Team or unit, for caseloads and training compliance.")
    title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]

    def has_role(self, role: Role | str) -> bool:
        return self.groups.filter(name=str(role)).exists()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PartnerAgency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


# Every scope a key can hold. Apps add their resources here (resource:read / resource:write).
SCOPE_RESOURCES = [
    "cases",
    "collections",
    "guidelines",
    "enforcement",
    "court_actions",
    "payment_files",
    "disbursement_files",
    "nacha_returns",
    "complaints",
    "hearings",
    "outreach",
    "training",
    "performance",
]
ALL_SCOPES = sorted(f"{r}:{a}" for r in SCOPE_RESOURCES for a in ("read", "write"))
WILDCARD_SCOPE = "all"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, agency__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A partner's key. Only its SHA-256 digest is stored; the key is shown once at creation.

    Keys are 256-bit random tokens, so a fast hash is enough (no dictionary to attack); the prefix
    finds the row and the digest is compared in constant time.
    """

    PREFIX_LENGTH = 8

    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text='e.g. ["cases:read", "collections:write"] or ["all"]')
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.agency} · {self.prefix}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """A new raw key and its prefix. Format: ``cw_<prefix>_<secret>``."""
        prefix = secrets.token_hex(cls.PREFIX_LENGTH // 2)
        return f"cw_{prefix}_{secrets.token_urlsafe(32)}", prefix

    def matches(self, raw: str) -> bool:
        return hmac.compare_digest(self.digest, self.digest_of(raw))

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.agency.is_active
        )

    def has_scope(self, scope: str) -> bool:
        return WILDCARD_SCOPE in self.scopes or scope in self.scopes


class ApiRequestLog(models.Model):
    """Every API call: which agency and key, which endpoint, the outcome."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    agency = models.ForeignKey(PartnerAgency, null=True, blank=True, on_delete=models.SET_NULL)
    key_prefix = models.CharField(max_length=ApiKey.PREFIX_LENGTH, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "API request"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status_code}"

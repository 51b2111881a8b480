"""Staff users, partner agencies and their API keys, and the API call log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from core.fields import EncryptedCharField
from core.history import HistoricalRecords

from .choices import AgencyKind, Role


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp devices: no related_name
    """A staff member. ``county`` scopes case access (cases.models.scope): blank means no county's
    cases, unless the office names its one county (``CASEWORKS_OFFICE_COUNTY``)."""

    county = models.CharField(max_length=60, blank=True, db_index=True)
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="Created by seed_demo with a published password: refused at sign-in unless CASEWORKS_DEMO_LOGINS.",
    )
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


class PartnerAgencyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """A bulk change of agencies reaches their keys' cached entries (accounts.key_cache)."""
        from .key_cache import forget_agencies

        forget_agencies(self.values("pk"))  # first: a cache that cannot be written refuses the change
        return super().update(**kwargs)


class PartnerAgency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PartnerAgencyQuerySet.as_manager()

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
    "partner_files",
    "complaints",
    "hearings",
    "outreach",
    "training",
    "performance",
]
ALL_SCOPES = sorted(f"{r}:{a}" for r in SCOPE_RESOURCES for a in ("read", "write"))
WILDCARD_SCOPE = "all"


class ApiKeyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """A bulk change of keys (a revocation, an expiry) reaches their cached entries
        (accounts.key_cache); the minute's ``last_used_at`` mark needs not."""
        from .key_cache import forget

        if set(kwargs) - {"last_used_at"}:
            forget(self.values_list("prefix", flat=True))  # first: a cache that cannot be written refuses it
        return super().update(**kwargs)

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
    # Which counties' objects the key reads and writes (cases.models.scope). A key with no county
    # and without all_counties reaches no county's objects: state-wide access is explicit.
    counties = models.JSONField(default=list, blank=True, help_text='e.g. ["Albany", "Schenectady"]')
    all_counties = models.BooleanField(default=False, help_text="State-wide: every county's objects.")
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
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.agency.is_active

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not isinstance(self.counties, list) or not all(isinstance(c, str) and c.strip() for c in self.counties):
            raise ValidationError({"counties": "A list of county names."})
        if self.all_counties and self.counties:
            raise ValidationError({"counties": "A state-wide key lists no counties."})

    @property
    def county_label(self) -> str:
        return "all counties" if self.all_counties else (", ".join(self.counties) or "no county")

    def has_scope(self, scope: str) -> bool:
        return WILDCARD_SCOPE in self.scopes or scope in self.scopes


class ApiRequestLog(models.Model):
    """Every API call a valid key made: which agency and key, which endpoint, the outcome. Calls
    made without one are counted in ``ApiRequestTally`` instead."""

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


class ApiRequestTally(models.Model):
    """API calls that no valid key made (no key, a malformed or unknown one, or a real key refused:
    revoked, expired, its agency inactive or the secret wrong), counted per client and minute.

    A row per such call let anyone on the internet make the database write a row per request
    without a key and without a limit (the keys' throttle runs after authentication). The first
    call of a client in a minute is written at once; the rest are added to its ``count`` in one
    statement per process every ``CASEWORKS_API_LOG_FLUSH_SECONDS`` (``accounts.request_log``).
    The client is the address ``core.throttle.client_key`` counts by (an IPv6 address by its /64);
    ``ip_address``, ``method`` and ``path`` are those of the first call counted.
    """

    minute = models.DateTimeField(help_text="Start of the minute counted.")
    client = models.CharField(max_length=49, help_text="IPv4 address or IPv6 /64 network; 'unknown' if none was read.")
    key_prefix = models.CharField(
        max_length=ApiKey.PREFIX_LENGTH,
        blank=True,
        help_text="The prefix of a real key that was refused; blank: no key, or no key with that prefix.",
    )
    agency = models.ForeignKey(PartnerAgency, null=True, blank=True, on_delete=models.SET_NULL)
    status_code = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-minute", "-count", "-id"]
        verbose_name = "API requests without a valid key"
        verbose_name_plural = "API requests without a valid key"
        constraints = [
            # The row the processes' counts are added to (INSERT ... ON CONFLICT: request_log).
            models.UniqueConstraint(
                fields=["minute", "client", "key_prefix", "status_code"], name="accounts_apirequesttally_per_minute"
            )
        ]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.client} {self.status_code} ×{self.count}"


# Multi-factor sign-in (issue 12.4; IRS Publication 1075, OWASP ASVS L2) ---------------------------
# Devices of django-otp's framework (its Device, ThrottlingMixin, OATH TOTP, OTPMiddleware), kept
# here rather than in its otp_totp/otp_static plugins because those store the TOTP secret and the
# recovery codes in clear: a database dump would then defeat the second factor.


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app (RFC 6238: 30-second steps, 6 digits, SHA-1, one step of drift).

    The secret is encrypted at rest (``EncryptedCharField``, rotated by ``rotate_field_keys``).
    ``last_t`` is the time step of the last accepted code: a code is accepted once, never replayed.
    An unconfirmed device is an enrolment in progress; it lapses after
    ``CASEWORKS_MFA_ENROLMENT_SECONDS`` and is then replaced with a new secret.
    """

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1

    key = EncryptedCharField(help_text="Hex-encoded secret (encrypted at rest).")
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(
        default=-1, help_text="Time step of the last accepted code."
    )

    class Meta(Device.Meta):
        verbose_name = "authenticator app"
        constraints = [models.UniqueConstraint(fields=["user"], name="accounts_one_authenticator_per_user")]

    @classmethod
    def new_key(cls) -> str:
        return random_hex(20)  # 160 bits, RFC 4226's recommended length

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def base32_key(self) -> str:
        return b32encode(self.bin_key).decode()

    def config_url(self, issuer: str) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = issuer.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        params = urlencode(
            {
                "secret": self.base32_key,
                "issuer": issuer,
                "algorithm": "SHA1",
                "digits": self.DIGITS,
                "period": self.STEP,
            }
        )
        return f"otpauth://totp/{label}?{params}"

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).strip()
        verified = False
        if len(token) == self.DIGITS and token.isdigit():
            totp = TOTP(self.bin_key, self.STEP, 0, self.DIGITS, 0)
            totp.time = time.time()
            verified = totp.verify(int(token), self.TOLERANCE, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return 1  # waits of 1, 2, 4, 8 ... seconds between wrong codes, on top of the sign-in lockout


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """One-time recovery codes for a lost authenticator. Each code works once.

    Codes carry 50 bits; below ASVS's 112 bits they must be stored salted and hashed
    (ASVS 4.0 2.6.2), so only ``salt$sha256`` strings are kept. The codes are shown once.
    """

    COUNT = 10
    ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand
    LENGTH = 10

    hashed_codes = models.JSONField(default=list, blank=True)

    class Meta(Device.Meta):
        verbose_name = verbose_name_plural = "recovery codes"  # one row is a user's set of codes
        constraints = [models.UniqueConstraint(fields=["user"], name="accounts_one_recovery_set_per_user")]

    @staticmethod
    def normalize(code: str) -> str:
        return "".join(ch for ch in str(code).lower() if ch.isalnum())

    @staticmethod
    def _hash(code: str, salt: str) -> str:
        return hashlib.sha256(f"{salt}${code}".encode()).hexdigest()

    @classmethod
    def hashed(cls, code: str) -> str:
        salt = secrets.token_hex(8)
        return f"{salt}${cls._hash(cls.normalize(code), salt)}"

    @classmethod
    def generate_codes(cls) -> list[str]:
        codes = ["".join(secrets.choice(cls.ALPHABET) for _ in range(cls.LENGTH)) for _ in range(cls.COUNT)]
        return [f"{c[:5]}-{c[5:]}" for c in codes]

    @property
    def remaining(self) -> int:
        return len(self.hashed_codes)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = self.normalize(token)
        match = None
        for entry in self.hashed_codes:
            salt, digest = entry.split("$", 1)
            if hmac.compare_digest(digest, self._hash(code, salt)):
                match = entry
        if match is None:
            self.throttle_increment(commit=True)
            return False
        self.hashed_codes = [e for e in self.hashed_codes if e != match]  # used once, then gone
        self.throttle_reset(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return 1

"""Encrypted model fields for confidential data at rest (SSN, bank account numbers; 45 CFR 303.21).

Keys (see README, "Keys that can be rotated"):

- ``CASEWORKS_FIELD_ENCRYPTION_KEYS``: Fernet keys, newest first. The first encrypts; every one
  decrypts (``MultiFernet``). Rotating = put a new key first, run ``manage.py rotate_field_keys``,
  then drop the old key.
- Values written before the list existed still decrypt: under ``CASEWORKS_FIELD_ENCRYPTION_KEY``
  (the former single key) or under the key derived from ``SECRET_KEY`` or one of
  ``SECRET_KEY_FALLBACKS``. These *legacy* keys only decrypt once a list is configured, so changing
  ``DJANGO_SECRET_KEY`` no longer loses SSNs or bank numbers.
- ``CASEWORKS_BLIND_INDEX_KEY``: the key of the SSN blind index, separate from the encryption keys
  (a key for look-ups should not also open the data).

With no list (local development, tests) the former behaviour is kept: the single key, or a key
derived from ``SECRET_KEY``, encrypts. Production refuses to start without the list.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

logger = logging.getLogger(__name__)


def derived_key(secret: str) -> str:
    """The Fernet key Caseworks derived from ``SECRET_KEY`` before keys of its own existed."""
    return base64.urlsafe_b64encode(hashlib.sha256(("caseworks-fields:" + secret).encode()).digest()).decode()


def _as_fernet(key: str, name: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError) as exc:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            f"{name} holds a value that is not a Fernet key (32 url-safe base64-encoded bytes). Generate one with: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from exc


# The settings key_generations reads; a change to any of them (override_settings, the suite's
# ``settings`` fixture) sends ``setting_changed``, which forgets the keys worked out from them.
KEY_SETTINGS = frozenset(
    {"CASEWORKS_FIELD_ENCRYPTION_KEYS", "CASEWORKS_FIELD_ENCRYPTION_KEY", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}
)
_generations: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # the keys worked out, once


def key_generations() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(current keys, legacy keys) from the settings, in the order they are tried.

    Worked out once and kept until one of ``KEY_SETTINGS`` changes: every encrypted value read or
    written asks for them, and reading four settings and hashing each secret again each time was
    about 1 % of the suite's model-heavy tests (issue 18.1)."""
    global _generations
    generations = _generations
    if generations is None:
        generations = _generations = _key_generations()
    return generations


@receiver(setting_changed)
def _forget_key_generations(*, setting: str, **kwargs) -> None:
    global _generations
    if setting in KEY_SETTINGS:
        _generations = None


def _key_generations() -> tuple[tuple[str, ...], tuple[str, ...]]:
    current = tuple(k.strip() for k in settings.CASEWORKS_FIELD_ENCRYPTION_KEYS if k.strip())
    legacy: list[str] = []
    if settings.CASEWORKS_FIELD_ENCRYPTION_KEY:
        legacy.append(settings.CASEWORKS_FIELD_ENCRYPTION_KEY)
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if secret:
            legacy.append(derived_key(secret))
    return current, tuple(k for k in dict.fromkeys(legacy) if k not in current)


@lru_cache(maxsize=8)
def _multi_fernet(current: tuple[str, ...], legacy: tuple[str, ...]) -> MultiFernet:
    fernets = [_as_fernet(k, "CASEWORKS_FIELD_ENCRYPTION_KEYS") for k in current]
    fernets += [_as_fernet(k, "CASEWORKS_FIELD_ENCRYPTION_KEY") for k in legacy]
    if not fernets:
        raise ImproperlyConfigured("No field encryption key: set CASEWORKS_FIELD_ENCRYPTION_KEYS.")
    return MultiFernet(fernets)


@lru_cache(maxsize=8)
def _primary_fernet(key: str) -> Fernet:
    return _as_fernet(key, "CASEWORKS_FIELD_ENCRYPTION_KEYS")


def fernet() -> MultiFernet:
    """Encrypts under the first current key (or, with none, the first legacy key); decrypts under any."""
    return _multi_fernet(*key_generations())


def primary_fernet() -> Fernet:
    """The key that encrypts: a value that decrypts under it alone needs no rotation."""
    current, legacy = key_generations()
    return _primary_fernet((current or legacy)[0])


def _blind_index_key() -> bytes:
    key = settings.CASEWORKS_BLIND_INDEX_KEY or settings.CASEWORKS_FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    return key.encode()[:64]  # BLAKE2b takes keys of up to 64 bytes


def blind_index(value: str) -> str:
    """A keyed hash of a value, to look up equal values without decrypting (e.g. an SSN match).

    Keyed by ``CASEWORKS_BLIND_INDEX_KEY`` (falling back, without it, to the key used before it
    existed); ``manage.py rotate_field_keys`` recomputes every index when the key changes.
    """
    return hashlib.blake2b(value.encode(), key=_blind_index_key(), digest_size=16).hexdigest()


class Undecryptable(str):
    """What an encrypted field reads when its value decrypts under no configured key.

    It reads as an empty string (pages show a blank), but keeps the stored token so that saving
    the object writes the token back unchanged instead of blanking the value.
    """

    token: str

    def __new__(cls, token: str) -> Undecryptable:
        obj = super().__new__(cls, "")
        obj.token = token
        return obj


class EncryptedCharField(models.TextField):
    """Stores a string encrypted with Fernet; reads decrypt transparently.

    Not searchable: keep a separate non-sensitive column (e.g. last four digits or a blind
    index) for look-ups. ``manage.py rotate_field_keys`` finds every field of this class.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            # Written under a key that is no longer configured: the page shows a blank, the stored
            # value is kept, and operations hear of it (rotate_field_keys lists every such row).
            logger.error(
                "An encrypted %s could not be decrypted under any configured key "
                "(CASEWORKS_FIELD_ENCRYPTION_KEYS and the legacy keys).",
                self.name,
            )
            return Undecryptable(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return fernet().encrypt(str(value).encode()).decode()

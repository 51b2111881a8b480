"""Encrypted model fields for confidential data at rest (SSN, bank account numbers; 45 CFR 303.21)."""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _fernet(key: str, secret: str) -> Fernet:
    if not key:
        key = base64.urlsafe_b64encode(hashlib.sha256(("caseworks-fields:" + secret).encode()).digest()).decode()
    return Fernet(key.encode())


def fernet() -> Fernet:
    return _fernet(settings.CASEWORKS_FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def blind_index(value: str) -> str:
    """A keyed hash of a value, to look up equal values without decrypting (e.g. an SSN match)."""
    key = (settings.CASEWORKS_FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()
    return hashlib.blake2b(value.encode(), key=key[:64], digest_size=16).hexdigest()


class EncryptedCharField(models.TextField):
    """Stores a string encrypted with Fernet; reads decrypt transparently.

    Not searchable: keep a separate non-sensitive column (e.g. last four digits or a blind
    index) for look-ups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            # Written under another key: the page shows a blank, and operations hear of it.
            logger.error("An encrypted %s could not be decrypted: CASEWORKS_FIELD_ENCRYPTION_KEY (or, without it, "
                         "SECRET_KEY) is not the key it was written with.", self.name)
            return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return fernet().encrypt(str(value).encode()).decode()

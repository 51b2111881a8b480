"""The domain events the accounts app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class AccountEvent(models.TextChoices):
    API_KEY_CREATED = "api_key.created", "API key created"
    USER_MFA_RESET = "user.mfa_reset", "User MFA reset"

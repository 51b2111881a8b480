"""Production: DEBUG always off; refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
the office's ACH originator, CASEWORKS_FIELD_ENCRYPTION_KEYS and CASEWORKS_BLIND_INDEX_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ACH_PLACEHOLDER_COMPANY_ID, CASEWORKS_BLIND_INDEX_KEY, CASEWORKS_FIELD_ENCRYPTION_KEYS, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set in production.")

# Real NACHA files carry the office's own ACH originator: never the local placeholder.
CASEWORKS_ACH_COMPANY_ID = env.str("CASEWORKS_ACH_COMPANY_ID", default="")
CASEWORKS_ACH_COMPANY_NAME = env.str("CASEWORKS_ACH_COMPANY_NAME", default="")
if (
    len(CASEWORKS_ACH_COMPANY_ID) != 10
    or CASEWORKS_ACH_COMPANY_ID == ACH_PLACEHOLDER_COMPANY_ID
    or not 1 <= len(CASEWORKS_ACH_COMPANY_NAME) <= 16
):
    raise ImproperlyConfigured(
        "CASEWORKS_ACH_COMPANY_ID (10 characters, the office's ACH company id, not the placeholder "
        f"{ACH_PLACEHOLDER_COMPANY_ID}) and CASEWORKS_ACH_COMPANY_NAME (1-16 characters) must be set in production."
    )


def _require_field_keys() -> None:
    """SSNs and bank numbers must not depend on SECRET_KEY: refuse to start without keys of their own."""
    from cryptography.fernet import Fernet

    if not CASEWORKS_FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "CASEWORKS_FIELD_ENCRYPTION_KEYS must be set in production (comma-separated Fernet keys, newest first)."
        )
    for position, key in enumerate(CASEWORKS_FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise ImproperlyConfigured(  # "from None": the key itself must not reach a traceback
                f"CASEWORKS_FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64 bytes)."
            ) from None
    if len(CASEWORKS_BLIND_INDEX_KEY) < 32:
        raise ImproperlyConfigured("CASEWORKS_BLIND_INDEX_KEY must be set in production (at least 32 characters).")
    if CASEWORKS_BLIND_INDEX_KEY in CASEWORKS_FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("CASEWORKS_BLIND_INDEX_KEY must differ from the field encryption keys.")


_require_field_keys()

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix pins the cookies to this host, path / and HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Partner keys kept in the cache when the cache is shared (Redis): no database round trip to
# authenticate, revocation still immediate (accounts.key_cache). A per-process cache keeps none.
_SHARED_CACHE = CACHES["default"]["BACKEND"].endswith("RedisCache")  # noqa: F405
CASEWORKS_API_KEY_CACHE_SECONDS = env.int("CASEWORKS_API_KEY_CACHE_SECONDS", default=300 if _SHARED_CACHE else 0)

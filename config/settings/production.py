"""Production: DEBUG always off; refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ACH_PLACEHOLDER_COMPANY_ID, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set in production.")

# Real NACHA files carry the office's own ACH originator: never the local placeholder.
CASEWORKS_ACH_COMPANY_ID = env.str("CASEWORKS_ACH_COMPANY_ID", default="")
CASEWORKS_ACH_COMPANY_NAME = env.str("CASEWORKS_ACH_COMPANY_NAME", default="")
if (len(CASEWORKS_ACH_COMPANY_ID) != 10 or CASEWORKS_ACH_COMPANY_ID == ACH_PLACEHOLDER_COMPANY_ID
        or not 1 <= len(CASEWORKS_ACH_COMPANY_NAME) <= 16):
    raise ImproperlyConfigured(
        "CASEWORKS_ACH_COMPANY_ID (10 characters, the office's ACH company id, not the placeholder "
        f"{ACH_PLACEHOLDER_COMPANY_ID}) and CASEWORKS_ACH_COMPANY_NAME (1-16 characters) must be set in production.")

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

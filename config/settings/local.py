"""Local development: DEBUG on, SQLite and an embedded Celery broker unless the environment says otherwise."""

import secrets

from .base import *  # noqa: F403
from .base import LOCAL_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo signs in with a password; set CASEWORKS_MFA_REQUIRED=true to try multi-factor sign-in.
CASEWORKS_MFA_REQUIRED = env.bool("CASEWORKS_MFA_REQUIRED", default=False)
LOCAL_DIR.mkdir(exist_ok=True)


def _local_secret_key() -> str:
    """A generated key kept in .local/ (git-ignored), stable across restarts."""
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

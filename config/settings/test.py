"""Tests: the same settings as production code paths, with fast hashing and eager tasks.

DATABASE_URL and CELERY_BROKER_URL, when set (CI sets both), point the suite at the real
PostgreSQL and Redis; with no variables it runs on SQLite. Tests that need a real worker start
one themselves against CELERY_BROKER_URL.
"""

import os

from .base import *  # noqa: F403
from .base import LOCAL_DIR, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnop"
ALLOWED_HOSTS = ["*"]
LOCAL_DIR.mkdir(exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The suite signs in with a password; MFA tests turn this on (settings fixture).
CASEWORKS_MFA_REQUIRED = env.bool("CASEWORKS_MFA_REQUIRED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The chaos tests start real workers with these settings and CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = "cache+memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_key": "10000/minute", "public": "1000/hour"},
}
# Rows written at once, so that a test's rows never wait into the next test's transaction; the
# batching has its own tests (override_settings).
CASEWORKS_API_LOG_BATCH = 1
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory default: the browser tests' live server then opens its own
    # connections instead of sharing the test thread's one, which Django warns "may sometimes
    # randomly cause the tests to fail" (it hung the suite twice in tests/e2e).
    DATABASES["default"]["TEST"] = {"NAME": str(LOCAL_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Named after the database in DATABASE_URL (``<name>_test``, ``<name>_test_gw0`` under xdist),
    # like the migrated template the suite copies it from (tests/conftest.py): every database a run
    # makes on a shared server starts with its own name.
    DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}_test"}  # noqa: F405

"""Settings shared by every environment.

Everything that differs between machines comes from the environment (django-environ, strict
parsing). ``local``, ``test`` and ``production`` only set what the environment cannot express.
Every variable is listed in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCAL_DIR = BASE_DIR / ".local"  # generated, git-ignored: local secret key, SQLite files

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Applications -------------------------------------------------------------------------------
# The area apps, in dependency order. seed_demo and role permissions walk this list.
CASEWORKS_APPS = [
    "core",
    "accounts",
    "cases",
    "enforcement",
    "complaints",
    "hearings",
    "outreach",
    "training",
    "quality",
]

# The sidebar menu and the home dashboard's sections, declared whole in one place (core.navigation).
CASEWORKS_MENU = "config.navigation.MENU"

INSTALLED_APPS = [
    "core.admin_site.CaseworksAdminConfig",  # django.contrib.admin on the project's own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS served locally
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "simple_history",
    "axes",
    "csp",
    "django_otp",  # multi-factor sign-in framework; Caseworks' devices live in accounts
    *CASEWORKS_APPS,
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "core.middleware.ApiJsonNotFoundMiddleware",
    "config.db_router.ReplicaReadsMiddleware",  # the partner API's GETs read the replica, if any
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PublicLanguageMiddleware",  # ?lang=es on public pages, remembered in a cookie
    "django.middleware.locale.LocaleMiddleware",  # Accept-Language (after the session, before common)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): second factor given
    "core.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",  # staff pages need the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ApiRequestLogMiddleware",
    "core.middleware.NoStoreMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGES for the public language switch
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.caseworks",
                "accounts.context_processors.mfa",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.CaseworksFormRenderer"

# Database -----------------------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/name (psycopg 3) or sqlite:///path.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{LOCAL_DIR / 'caseworks.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process, the worker and beat share the SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
# A streaming replica for the partner API's reads and the reports (config/db_router.py); with none
# declared every query goes to the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://caseworks")}

# Authentication -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CaseworksModelBackend",  # ModelBackend that refuses demo accounts (User.is_demo)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Multi-factor sign-in (IRS Publication 1075; OWASP ASVS L2): every staff role signs in with a
# password and a TOTP code (or a one-time recovery code). local.py and test.py turn it off by
# default so the demo and the suite sign in with a password.
CASEWORKS_MFA_REQUIRED = env.bool("CASEWORKS_MFA_REQUIRED", default=True)
# Roles that sign in with a password alone (role names, comma-separated). None in production:
# `check --deploy` warns when this is set. A user is exempt only if every role they hold is.
CASEWORKS_MFA_EXEMPT_ROLES = env.list("CASEWORKS_MFA_EXEMPT_ROLES", default=[])
# An enrolment begun (secret shown) but not confirmed with a code lapses after this many seconds.
CASEWORKS_MFA_ENROLMENT_SECONDS = env.int("CASEWORKS_MFA_ENROLMENT_SECONDS", default=15 * 60)
# Password reset by e-mail: the link works this long and once; requests are limited per client
# address and per e-mail address (per hour). The answer never says whether the address exists.
PASSWORD_RESET_TIMEOUT = env.int("CASEWORKS_PASSWORD_RESET_SECONDS", default=60 * 60)
CASEWORKS_PASSWORD_RESET_PER_IP_HOURLY = env.int("CASEWORKS_PASSWORD_RESET_PER_IP_HOURLY", default=10)
CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY = env.int("CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY", default=3)

# Lockout (IRS Publication 1075 is commonly read as 3 failures; lock on the username, not only IP).
AXES_FAILURE_LIMIT = env.int("CASEWORKS_LOCKOUT_FAILURES", default=3)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CASEWORKS_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# axes.W006 asks for an IP criterion too; the whole office often shares one address behind NAT,
# so an IP lock would lock everyone out. The username lock already ignores user agent and cookies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address (core.client_ip), for the public rate limits, axes and the security log:
# the request.META keys tried in order. Behind the office's reverse proxy put HTTP_X_FORWARDED_FOR
# first, with the number of proxies that append to it (the client is that many entries from the
# right; entries further left are the client's own words). django-ipware is not installed: axes
# reads the address through the same function.
CASEWORKS_CLIENT_IP_HEADERS = env.list("CASEWORKS_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
CASEWORKS_TRUSTED_PROXY_COUNT = env.int("CASEWORKS_TRUSTED_PROXY_COUNT", default=1)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.request_client_ip"

# Sessions: idle timeout (Pub 1075: 30 minutes) and an absolute lifetime.
SESSION_COOKIE_AGE = env.int("CASEWORKS_SESSION_IDLE_SECONDS", default=30 * 60)
# No session write per request: SessionLifetimeMiddleware saves the session (sliding the idle
# expiry) when its last save is CASEWORKS_SESSION_TOUCH_SECONDS old.
SESSION_SAVE_EVERY_REQUEST = False
CASEWORKS_SESSION_TOUCH_SECONDS = env.int("CASEWORKS_SESSION_TOUCH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CASEWORKS_SESSION_ABSOLUTE_SECONDS = env.int("CASEWORKS_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers (production tightens the transport settings).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Internationalisation -----------------------------------------------------------------------
# Public pages (complaint form, status lookup, survey) and every letter and e-mail to a parent or
# member of the public follow the reader's language (django.middleware.locale.LocaleMiddleware,
# ``?lang=`` via core.middleware.PublicLanguageMiddleware, Person.preferred_language). An office adds
# its threshold languages here as "code:Name" pairs once their catalogue exists under locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    tuple(item.split(":", 1)) if ":" in item else (item, item)
    for item in env.list("CASEWORKS_LANGUAGES", default=["en:English", "es:Español"])
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("CASEWORKS_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]  # Bootstrap comes from the django-bootstrap-static app
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("CASEWORKS_MEDIA_ROOT", default=BASE_DIR / ".local" / "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Email --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="caseworks@localhost")
# Seconds an SMTP call may block (Django's default is none: a hung relay would hold a row
# "sending" and its job's lease for ever). Background e-mail is at least once (core/mail.py): a row
# left "sending" longer than CASEWORKS_MAIL_SENDING_STALE_SECONDS (well above the time-out) by a
# sender that died is sent again by the next send.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)
CASEWORKS_MAIL_SENDING_STALE_SECONDS = env.int("CASEWORKS_MAIL_SENDING_STALE_SECONDS", default=15 * 60)

# REST framework -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("CASEWORKS_API_THROTTLE_RATE", default="600/minute"),
        "public": env.str("CASEWORKS_PUBLIC_THROTTLE_RATE", default="10/hour"),
    },
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.CaseworksAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Caseworks partner API",
    "DESCRIPTION": (
        "Key-authenticated API for partner agencies (courts, county attorney, state office, "
        "employers). Send `Authorization: Bearer <key>`; each key reaches only its scopes, and only "
        "its counties' objects (a file it sends touches its counties' cases only). The office's bank "
        "files (disbursement files, NACHA return files) carry every county's payees: a state-wide "
        "key only."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "OrderStatusEnum": "cases.choices.OrderStatus",
        "ObligationKindEnum": "cases.choices.ObligationKind",
        "CollectionStatusEnum": "cases.choices.CollectionStatus",
        "PartnerFileStatusEnum": "enforcement.choices.PartnerFileStatus",
    },
}

# The partner API's request log (accounts.request_log): successful reads are written in batches of
# this many rows (1: every row at once) or when the oldest waiting row is this many seconds old.
CASEWORKS_API_LOG_BATCH = env.int("CASEWORKS_API_LOG_BATCH", default=100)
CASEWORKS_API_LOG_FLUSH_SECONDS = env.float("CASEWORKS_API_LOG_FLUSH_SECONDS", default=5.0)
# Partner keys kept in the shared cache for this many seconds (accounts.key_cache; 0: read from the
# database on every request). Needs a cache shared by every process (CACHE_URL=rediscache://…).
CASEWORKS_API_KEY_CACHE_SECONDS = env.int("CASEWORKS_API_KEY_CACHE_SECONDS", default=0)

# Celery -------------------------------------------------------------------------------------
# With no CELERY_BROKER_URL the broker is an SQLite file through kombu's SQLAlchemy transport, so a
# worker and beat run with no server. Production sets redis://.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{LOCAL_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TRACK_STARTED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged message after its visibility timeout: it must exceed the longest
# task (CELERY_TASK_TIME_LIMIT, the largest hard limit: core/jobs.py LIMITS_*) and the longest retry
# delay (CaseworksTask.retry_backoff_max, 600 s), and no more: a killed worker's job is taken over by
# the lease watchdog (CASEWORKS_JOB_*) long before, this is the broker's own last resort.
# (The SQLAlchemy transport passes its options to create_engine, which refuses this one.)
CASEWORKS_TASK_RETRY_BACKOFF_MAX = 600  # = config.celery.CaseworksTask.retry_backoff_max (a test holds them equal)
REDIS_TRANSPORT_OPTIONS = {"visibility_timeout": max(CELERY_TASK_TIME_LIMIT, CASEWORKS_TASK_RETRY_BACKOFF_MAX) + 60}
CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS if CELERY_BROKER_URL.startswith("redis") else {}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues per kind of work (docs/operations.md): ``interactive`` (what a person waits for: e-mail,
# announcements, the watchdog), ``files`` (payment files, bank statements, disbursement exports)
# and ``nightly`` (accrual, sweeps, snapshots, reminders), each with its own workers so a nightly
# fan-out never queues a caseworker's upload behind ten thousand chunks. Off by default (one
# worker without -Q serves everything, as in development and the tests); a state deployment sets
# CASEWORKS_CELERY_QUEUES=true and starts workers per queue (-Q <queue>; how many: docs/operations.md).
CASEWORKS_CELERY_QUEUES = env.bool("CASEWORKS_CELERY_QUEUES", default=False)
CASEWORKS_TASK_QUEUES = {
    "files": [
        "enforcement.import_payment_file",
        "enforcement.import_bank_statement",
        "enforcement.export_disbursements",
        "enforcement.import_partner_file",
    ],
    "nightly": [
        "cases.accrue_charges",
        "cases.accrue_chunk",
        "cases.sweep_disbursements",
        "cases.locate_due_sweep",
        "cases.closure_notice_due_sweep",
        "enforcement.tasks.nightly_sweep_task",
        "enforcement.tasks.sweep_chunk_task",
        "quality.tasks.snapshot_task",
        "complaints.tasks.send_reminders_task",
        "outreach.tasks.media_reminders_task",
        "training.tasks.compliance_reminders_task",
        "enforcement.tasks.withholding_orders_task",
        "enforcement.tasks.offset_joint_holds_release_task",
    ],
}
if CASEWORKS_CELERY_QUEUES:
    CELERY_TASK_DEFAULT_QUEUE = "interactive"
    CELERY_TASK_ROUTES = {task: {"queue": queue} for queue, tasks in CASEWORKS_TASK_QUEUES.items() for task in tasks}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True

# Background jobs (core/jobs.py): a worker holds a job under a lease it renews every third of
# CASEWORKS_JOB_LEASE_SECONDS; the watchdog (beat, every CASEWORKS_JOB_WATCHDOG_SECONDS) re-sends
# jobs whose lease expired (their worker died), jobs the broker never got, and jobs sent but claimed
# by nobody for CASEWORKS_JOB_UNCLAIMED_SECONDS. A run with a job late by CASEWORKS_JOB_STUCK_SECONDS
# shows as stuck (dashboard, run pages) with a "resume" button. With the defaults a job whose worker
# is killed is finished by another within about lease + watchdog period (bench/job_takeover.py).
CASEWORKS_JOB_LEASE_SECONDS = env.int("CASEWORKS_JOB_LEASE_SECONDS", default=60)
CASEWORKS_JOB_WATCHDOG_SECONDS = env.int("CASEWORKS_JOB_WATCHDOG_SECONDS", default=30)
CASEWORKS_JOB_UNCLAIMED_SECONDS = env.int("CASEWORKS_JOB_UNCLAIMED_SECONDS", default=15 * 60)
CASEWORKS_JOB_STUCK_SECONDS = env.int("CASEWORKS_JOB_STUCK_SECONDS", default=10 * 60)
CASEWORKS_JOB_MAX_ATTEMPTS = env.int("CASEWORKS_JOB_MAX_ATTEMPTS", default=5)
# The watchdog leaves a job committed this recently to the process that is dispatching it.
CASEWORKS_JOB_PENDING_GRACE_SECONDS = env.int("CASEWORKS_JOB_PENDING_GRACE_SECONDS", default=10)

# Caseworks ----------------------------------------------------------------------------------
# The office this deployment serves. Cases carry their own profile; this is the default.
CASEWORKS_JURISDICTION = env.str("CASEWORKS_JURISDICTION", default="NY")
CASEWORKS_OFFICE_NAME = env.str("CASEWORKS_OFFICE_NAME", default="Caseworks County Child Support Unit")
# The name as letters in another language print it: CASEWORKS_OFFICE_NAME_<CODE> (e.g. _ES). Without
# it, an office that renamed itself keeps its own name; the default name has its Spanish default.
_DEFAULT_OFFICE_NAME_BY_LANGUAGE = (
    {"es": "Unidad de Manutención de Menores del Condado de Caseworks"}
    if CASEWORKS_OFFICE_NAME == "Caseworks County Child Support Unit"
    else {}
)
# A one-county office names its county here: staff whose own county is blank work its cases.
# Blank (a multi-county deployment): a staff user without a county sees no case (cases.models.scope).
# The letterhead of every letter (core.letters): address lines separated by "|".
CASEWORKS_OFFICE_ADDRESS = env.str("CASEWORKS_OFFICE_ADDRESS", default="100 Main Street|Anytown, NY 12207")
CASEWORKS_OFFICE_PHONE = env.str("CASEWORKS_OFFICE_PHONE", default="(555) 010-0100")
CASEWORKS_OFFICE_HOURS = env.str("CASEWORKS_OFFICE_HOURS", default="Monday to Friday, 8:30 a.m. to 4:30 p.m.")
# The hours as letters in another language print them: CASEWORKS_OFFICE_HOURS_<CODE> (e.g. _ES).
CASEWORKS_OFFICE_HOURS_BY_LANGUAGE = {
    code: env.str(
        f"CASEWORKS_OFFICE_HOURS_{code.upper().replace('-', '_')}",
        default={"es": "de lunes a viernes, de 8:30 a. m. a 4:30 p. m."}.get(code, CASEWORKS_OFFICE_HOURS),
    )
    for code, _name in LANGUAGES
}
CASEWORKS_OFFICE_NAME_BY_LANGUAGE = {
    code: env.str(
        f"CASEWORKS_OFFICE_NAME_{code.upper().replace('-', '_')}",
        default=_DEFAULT_OFFICE_NAME_BY_LANGUAGE.get(code, CASEWORKS_OFFICE_NAME),
    )
    for code, _name in LANGUAGES
}
# Letters to a person with the family violence indicator never print their address
# (42 USC 654(26)): the mailing block carries this arrangement instead ("|" separates lines): by
# default in care of the office's confidential mail unit, which forwards under its own procedure.
CASEWORKS_FVI_MAILING_ARRANGEMENT = env.str(
    "CASEWORKS_FVI_MAILING_ARRANGEMENT",
    default="c/o Confidential Mail Unit|100 Main Street|Anytown, NY 12207",
)
# The Unicode TrueType fonts embedded in letters so names such as "Nguyễn" print (Debian
# fonts-dejavu-core; `make fonts` installs it). A letter is refused rather than printed with "?".
CASEWORKS_LETTER_FONT = env.path("CASEWORKS_LETTER_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CASEWORKS_LETTER_FONT_BOLD = env.path(
    "CASEWORKS_LETTER_FONT_BOLD", default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
)
CASEWORKS_OFFICE_COUNTY = env.str("CASEWORKS_OFFICE_COUNTY", default="")
# Sign-in with the seed_demo accounts (User.is_demo). Only local settings with DEBUG on turn it on.
CASEWORKS_DEMO_LOGINS = False
# Default role permissions the office withdraws, as "role:app.codename" (e.g. the ombudsperson's
# complaints.extend_complaint); accounts.roles.sync_roles leaves them out.
CASEWORKS_PERMISSIONS_WITHDRAWN = env.list("CASEWORKS_PERMISSIONS_WITHDRAWN", default=[])
# Keys for SSNs and bank data at rest (core/fields.py): Fernet keys (url-safe base64, 32 bytes),
# comma-separated, newest first: the first encrypts, every one decrypts (MultiFernet). Production
# refuses to start without them; rotate with `manage.py rotate_field_keys`. Keep them off the
# database host.
CASEWORKS_FIELD_ENCRYPTION_KEYS = env.list("CASEWORKS_FIELD_ENCRYPTION_KEYS", default=[])
# Former single key: still decrypts (as do keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS)
# so that rotate_field_keys can re-encrypt what was written under it.
CASEWORKS_FIELD_ENCRYPTION_KEY = env.str("CASEWORKS_FIELD_ENCRYPTION_KEY", default="")
# Key of the SSN blind index (a keyed BLAKE2b hash for exact-match search), at least 32 characters,
# separate from the encryption keys. Changing it: run rotate_field_keys to recompute every index.
CASEWORKS_BLIND_INDEX_KEY = env.str("CASEWORKS_BLIND_INDEX_KEY", default="")
# Former DJANGO_SECRET_KEY values (Django 5.1+): sessions signed with them stay valid, and values
# encrypted under their derived key still decrypt until rotate_field_keys re-encrypts them.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
# A mailed written resolution is received this many calendar days after its date; the state
# hearing deadline runs from receipt (Cal. Code Civ. Proc. 1013(a): 5 days within the state) (confirm).
CASEWORKS_MAILING_ALLOWANCE_DAYS = env.int("CASEWORKS_MAILING_ALLOWANCE_DAYS", default=5)
# Office practice (not a legal number): remind a complaint's investigator this many days before it is due.
CASEWORKS_COMPLAINT_DUE_SOON_DAYS = env.int("CASEWORKS_COMPLAINT_DUE_SOON_DAYS", default=5)
# How long audit records are kept (IRS Publication 1075 practice: 7 years).
CASEWORKS_AUDIT_RETENTION_DAYS = env.int("CASEWORKS_AUDIT_RETENTION_DAYS", default=7 * 365)
# What happens to a collection's amount beyond everything owed (no federal rule; office policy,
# DOMAIN.md "Ledger and distribution"): "hold" for review, "refund" to the payor, or "family"
# (paid to the family, the default). The receipt and the ledger entry name the policy applied.
CASEWORKS_OVERPAYMENT_POLICY = env.str("CASEWORKS_OVERPAYMENT_POLICY", default="family").strip().lower()
if CASEWORKS_OVERPAYMENT_POLICY not in ("hold", "refund", "family"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CASEWORKS_OVERPAYMENT_POLICY must be one of hold, refund, family.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # fpdf2 subsets the embedded font of every PDF through fontTools, which logs about forty INFO
        # lines per font per document (a ten-year statement: hundreds of lines per download).
        "fontTools": {"level": "WARNING"},
    },
}
CASEWORKS_ADMIN_PATH = env.str("CASEWORKS_ADMIN_PATH", default="admin/")

# Outreach -----------------------------------------------------------------------------------
# Absolute address of the site as the public sees it, for links in e-mails (announcements, surveys).
CASEWORKS_PUBLIC_BASE_URL = env.str("CASEWORKS_PUBLIC_BASE_URL", default="http://localhost:8000")
# An open media inquiry is "due soon" this many hours before its deadline (office practice).
CASEWORKS_OUTREACH_MEDIA_DUE_SOON_HOURS = env.int("CASEWORKS_OUTREACH_MEDIA_DUE_SOON_HOURS", default=24)
CASEWORKS_OUTREACH_MATERIAL_MAX_BYTES = env.int("CASEWORKS_OUTREACH_MATERIAL_MAX_BYTES", default=10 * 1024 * 1024)
CASEWORKS_OUTREACH_MAX_LINKS_PER_BATCH = 200

# Work queues and batch windows (office practice, not legal numbers) -----------------------------
CASES_DUE_SOON_DAYS = env.int("CASEWORKS_CASES_DUE_SOON_DAYS", default=7)
TRAINING_DUE_SOON_DAYS = env.int("CASEWORKS_TRAINING_DUE_SOON_DAYS", default=30)
CASEWORKS_RECONCILIATION_WINDOW_DAYS = env.int("CASEWORKS_RECONCILIATION_WINDOW_DAYS", default=3)
# Mark the nightly disbursements sent when they are created (an office whose SDU pays directly)
# instead of when the NACHA export file is written.
CASEWORKS_DISBURSE_DIRECTLY = env.bool("CASEWORKS_DISBURSE_DIRECTLY", default=False)

# The office's ACH originator on NACHA disbursement files (batch header company id, 10 characters,
# usually "1" + the agency's EIN; company name up to 16). The placeholder below is for local and test
# runs only: production refuses to start with it (config/settings/production.py).
ACH_PLACEHOLDER_COMPANY_ID = "1999999999"
CASEWORKS_ACH_COMPANY_ID = env.str("CASEWORKS_ACH_COMPANY_ID", default=ACH_PLACEHOLDER_COMPANY_ID)
CASEWORKS_ACH_COMPANY_NAME = env.str("CASEWORKS_ACH_COMPANY_NAME", default="CHILD SUPPORT SDU")

# Income withholding (IWO, OMB 0970-0154) -----------------------------------------------------
# Where employers send withheld support (the State Disbursement Unit, 42 USC 654b), per
# jurisdiction profile, printed on every IWO with the case identifier to put on payments. An
# office overrides it with a JSON object of the same shape in CASEWORKS_SDU.
CASEWORKS_SDU = env.json(
    "CASEWORKS_SDU",
    default={
        "NY": {
            "state": "New York",
            "fips": "36",
            "payee": "NYS Child Support Processing Center",
            "address": ["PO Box 15363", "Albany, NY 12212-5363"],
        },
        "CA": {
            "state": "California",
            "fips": "06",
            "payee": "California State Disbursement Unit",
            "address": ["PO Box 989067", "West Sacramento, CA 95798-9067"],
        },
    },
)
# The issuing office as the IWO names it: CASEWORKS_OFFICE_NAME, _ADDRESS and _PHONE above (the letterhead).


# Partner files (issue 16; docs/partner-files.md) ------------------------------------------------
# Where each file kind is exchanged: "direct" with the partner, or "state" — through the state
# office, whose API key fetches outbound files and sends inbound ones. Unlisted kinds are direct.
# Environment: CASEWORKS_PARTNER_ROUTES="new-hires=state,offset-certification=state".
CASEWORKS_PARTNER_ROUTES = env.dict("CASEWORKS_PARTNER_ROUTES", default={})
_bad_routes = {k: v for k, v in CASEWORKS_PARTNER_ROUTES.items() if v not in ("direct", "state")}
if _bad_routes:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CASEWORKS_PARTNER_ROUTES: each kind is direct or state, not {_bad_routes}.")
# A received file larger than this is imported by a background job (the API answers 202 with a
# status URL); smaller ones are imported during the request or command.
CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES = env.int("CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES", default=2 * 1024 * 1024)
CASEWORKS_PARTNER_FILE_MAX_BYTES = env.int("CASEWORKS_PARTNER_FILE_MAX_BYTES", default=200 * 1024 * 1024)
# 45 CFR 303.72(h)(3)-(5): a federal tax offset from a joint return may be held until the injured
# spouse's claim is settled, up to six months (OCSE lets states release it sooner, FOP 05-01).
CASEWORKS_OFFSET_JOINT_HOLD_DAYS = env.int("CASEWORKS_OFFSET_JOINT_HOLD_DAYS", default=180)
# Federal offset certification: the submitting state's abbreviation and the office's local code
# (FOP Case Submission and Update record, positions 1-2 and 3-5).
CASEWORKS_OFFSET_STATE_CODE = env.str("CASEWORKS_OFFSET_STATE_CODE", default="")
CASEWORKS_OFFSET_LOCAL_CODE = env.str("CASEWORKS_OFFSET_LOCAL_CODE", default="")
if CASEWORKS_OFFSET_LOCAL_CODE[:3].upper() == "CTL":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "CASEWORKS_OFFSET_LOCAL_CODE cannot be CTL: FOP reads CTL in positions 3-5 as a control record."
    )
# Documents on a case (issue 15.8): the largest file staff may attach. Scanned court orders run to a
# few MB; 10 MB keeps a multi-page scan while bounding what one upload can store.
CASEWORKS_DOCUMENT_MAX_BYTES = env.int("CASEWORKS_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

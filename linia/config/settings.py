"""Linia settings: one env-driven module.

Every product knob is `LINIA_*`, read here once with a default that suits the embedded,
offline-safe setup (SQLite, Huey on SQLite, mail kept in the outbox). Standard names stay
standard: DATABASE_URL, REDIS_URL, SECRET_KEY, EMAIL_URL-style SMTP settings below.
Organization configuration (priority matrix, categories, teams) lives in the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime state of the embedded mode (SQLite files, uploads, task queue) lives here.
VAR_DIR = Path(env_str("LINIA_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env_bool("LINIA_DEBUG", False)
# The embedded default is for trying Linia on one machine; production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "linia-embedded-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the installation, used in links inside e-mails.
LINIA_BASE_URL = env_str("LINIA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",  # the API docs page then serves Swagger UI from our static files, not a CDN
    "huey.contrib.djhuey",
    # Before allauth, so that the portal's account/ and allauth/ templates override its own.
    "linia.web.ui",
    "linia.web.portal",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "linia.core",
    "linia.accounts",
    "linia.directory",
    "linia.sla",
    "linia.tickets",
    "linia.notifications",
    "linia.escalation",
    "linia.kb",
    "linia.channels.email",
    "linia.web.desk",
    "linia.api",
    "linia.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linia.accounts.middleware.UserPreferencesMiddleware",
    "linia.web.ui.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "linia.config.urls"
WSGI_APPLICATION = "linia.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
        },
    }
]

# Django's renderer, but <select> options are written in Python (linia/web/ui/renderers.py).
FORM_RENDERER = "linia.web.ui.renderers.FastWidgetRenderer"

# --- Database -----------------------------------------------------------------------------
# SQLite (WAL, immediate transactions) is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "LINIA_DB_PREPARED_STATEMENTS", True
    ):
        # Parameters bound by the server, and a statement run twice on a connection is
        # prepared: PostgreSQL then plans it once, not on every run. The ticket page's
        # six-table read planned in ~2.6 ms and ran in 0.3 ms at a million tickets
        # (docs/performance.md). Off (LINIA_DB_PREPARED_STATEMENTS=false) behind a pooler in
        # transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "linia.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
                # deadlocking on a lock upgrade; the timeout is how long one waits.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None  # "remember me" is the user's choice on the log-in form
ACCOUNT_ADAPTER = "linia.accounts.adapter.AccountAdapter"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Linia] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Sign-up is off: accounts are created by staff (see linia.accounts.adapter).
LINIA_SIGNUP_OPEN = env_bool("LINIA_SIGNUP_OPEN", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Languages and time -------------------------------------------------------------------
LANGUAGE_CODE = env_str("LINIA_LANGUAGE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The zone a new user gets until they choose their own.
LINIA_DEFAULT_TIME_ZONE = env_str("LINIA_DEFAULT_TIME_ZONE", "Europe/Kyiv")

# --- Static files and uploads -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("LINIA_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("LINIA_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # attachments are served only through permission-checking views
# The vault's encryption keys (docs/directory.md): comma-separated, the first is current.
# Empty in the embedded mode: a key file is generated under VAR_DIR on first use.
LINIA_ENCRYPTION_KEYS = env_list("LINIA_ENCRYPTION_KEYS", [])
# The region of phone numbers typed without a country code ("UA", "PL"…); empty: none.
LINIA_PHONE_REGION = env_str("LINIA_PHONE_REGION", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Largest accepted attachment, in bytes, and how many one message may carry.
LINIA_MAX_ATTACHMENT_BYTES = env_int("LINIA_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
LINIA_MAX_ATTACHMENTS_PER_MESSAGE = env_int("LINIA_MAX_ATTACHMENTS_PER_MESSAGE", 10)
# File types that are never accepted (executables and scripts), by extension.
LINIA_BLOCKED_ATTACHMENT_EXTENSIONS = env_list(
    "LINIA_BLOCKED_ATTACHMENT_EXTENSIONS",
    ["exe", "bat", "cmd", "com", "scr", "js", "vbs", "msi", "ps1", "jar", "dll"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Caches -------------------------------------------------------------------------------
# The default cache holds what every web process must agree on: failed log-ins and wrong
# second-factor codes per user and address (allauth's rate limits, linia/accounts/mfa.py). In
# a per-process cache each gunicorn worker would count on its own, and a guesser would get one
# allowance per worker. So it is Redis when REDIS_URL is set (all machines), and otherwise
# files in LINIA_VAR_DIR (all the workers of the one machine the embedded setup runs on).
REDIS_URL = env_str("REDIS_URL", "")
SHARED_CACHE: dict[str, Any] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("LINIA_CACHE_PREFIX", "linia"),
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
)
CACHES = {
    "default": SHARED_CACHE,
    # Drawn page fragments (the ticket page's thread and history: linia/web/desk/history.py),
    # in each web process: a new release never meets markup drawn by the old one. Bounded:
    # 200 entries of at most 64 KiB each, compressed (history.MAX_KEPT_BYTES).
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "linia-fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

# --- Background tasks (Huey) --------------------------------------------------------------
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env_str("LINIA_HUEY_NAME", "linia"),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env_int("LINIA_TASK_WORKERS", 2), "worker_type": "thread"},
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "linia",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": {"workers": env_int("LINIA_TASK_WORKERS", 2), "worker_type": "thread"},
    }

# --- E-mail -------------------------------------------------------------------------------
# Outgoing mail is always recorded in the outbox (notifications.OutboundEmail). With no SMTP
# host configured it is only kept there, readable by administrators at /desk/outbox/.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = "linia.notifications.backends.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Linia Service Desk <support@linia.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the outbox backend hands mail on: "" keeps it in the outbox only (embedded mode).
LINIA_EMAIL_DELIVERY = env_str("LINIA_EMAIL_DELIVERY", "smtp" if EMAIL_HOST else "")
# Inbound mail: more messages than this from one sender in 10 minutes are quarantined (loops).
LINIA_EMAIL_RATE_LIMIT = env_int("LINIA_EMAIL_RATE_LIMIT", 20)
# The address clients write to (Reply-To of every notification); the From address by default.
LINIA_SUPPORT_EMAIL = env_str("LINIA_SUPPORT_EMAIL", DEFAULT_FROM_EMAIL)

# --- Product knobs ------------------------------------------------------------------------
# Days a resolved ticket waits for the requester before it closes itself.
LINIA_AUTO_CLOSE_DAYS = env_int("LINIA_AUTO_CLOSE_DAYS", 3)
# Largest page the API returns.
LINIA_API_MAX_PAGE_SIZE = env_int("LINIA_API_MAX_PAGE_SIZE", 100)
# Rows per page of the agent queue.
LINIA_QUEUE_PAGE_SIZE = env_int("LINIA_QUEUE_PAGE_SIZE", 50)
# First ticket number of a new installation.
LINIA_FIRST_TICKET_NUMBER = env_int("LINIA_FIRST_TICKET_NUMBER", 1001)
# License expiry reminders also open a service request for the serving team (organizations
# may choose otherwise on their card); without it they are e-mail only.
LINIA_LICENSE_REMINDER_TICKETS = env_bool("LINIA_LICENSE_REMINDER_TICKETS", False)
# Months after which a published article not reviewed by its owner is flagged as stale.
LINIA_KB_REVIEW_MONTHS = env_int("LINIA_KB_REVIEW_MONTHS", 6)

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LINIA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LINIA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Huey adds its own handler (without this every line is printed twice) and logs every
        # task at INFO; warnings and errors are what an operator needs on the console.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

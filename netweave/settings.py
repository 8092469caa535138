"""netweave's one settings module, driven by environment variables.

Every setting that differs between a laptop demo, the test suite and production is read from
the environment here, and nowhere else (the way healthchecks does it). `docs/configuration.md`
lists the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("NETWEAVE_DATA_DIR", PROJECT_DIR / "data"))

DEBUG = env_bool("DEBUG", False)
# The development key is public: production sets SECRET_KEY (`check --deploy` flags its absence).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-netweave-development-key"

# Key for the keyed hashes that find contact channels (duplicate sign-ups) without reading them.
NETWEAVE_HASH_KEY = os.environ.get("NETWEAVE_HASH_KEY", SECRET_KEY)

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "netweave.core",
    "netweave.people",
    "netweave.networks",
    "netweave.work",
    "netweave.events",
    "netweave.outreach",
    "netweave.campaigns",
    "netweave.learning",
    "netweave.metrics",
    "netweave.notify",
    "netweave.web",
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "netweave.core.middleware.ScopeMiddleware",
]

ROOT_URLCONF = "netweave.urls"
WSGI_APPLICATION = "netweave.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "netweave.web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in WAL mode in the data folder by default; PostgreSQL when DATABASE_URL names one.
DEFAULT_SQLITE = DATA_DIR / "netweave.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # synchronous=FULL: NORMAL can lose the last commits on power loss (DESIGN.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("NETWEAVE_TEST_SQLITE") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
INVITE_MAX_AGE_DAYS = int(os.environ.get("NETWEAVE_INVITE_DAYS", "14"))

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("NETWEAVE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("NETWEAVE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# SQLite cannot create its folder, and WhiteNoise warns about a missing STATIC_ROOT.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages come from npm (package.json + lockfile); only the built files are served.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [("vendor/htmx", NODE_MODULES / "htmx.org" / "dist")] if (
    NODE_MODULES / "htmx.org" / "dist"
).exists() else []
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Notifications and background jobs (docs/notifications.md) ---------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "netweave@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Text messages go through a backend chosen by dotted path; the default only logs them.
NETWEAVE_SMS_BACKEND = os.environ.get(
    "NETWEAVE_SMS_BACKEND", "netweave.notify.channels.LoggingSmsBackend"
)
# Links in messages point here (no request to build them from in a background job).
NETWEAVE_BASE_URL = os.environ.get("NETWEAVE_BASE_URL", "http://localhost:8000").rstrip("/")
NETWEAVE_DIGEST_WEEKDAY = int(os.environ.get("NETWEAVE_DIGEST_WEEKDAY", "0"))  # 0 = Monday
NETWEAVE_TASK_REMINDER_DAYS = int(os.environ.get("NETWEAVE_TASK_REMINDER_DAYS", "2"))
NETWEAVE_EVENT_REMINDER_DAYS = int(os.environ.get("NETWEAVE_EVENT_REMINDER_DAYS", "1"))
# Empty: background jobs run in-process (the embedded default). A redis:// URL: `netweave
# worker` only decides what is due and enqueues it; `netweave rqworker netweave` runs it.
NETWEAVE_QUEUE_URL = os.environ.get("NETWEAVE_QUEUE_URL", "")
# Installations sharing one Redis each use a queue of their own.
NETWEAVE_QUEUE_NAME = os.environ.get("NETWEAVE_QUEUE_NAME", "netweave")
RQ_QUEUES = {
    NETWEAVE_QUEUE_NAME: {
        "URL": NETWEAVE_QUEUE_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": int(os.environ.get("NETWEAVE_QUEUE_TIMEOUT", "1800")),
    },
}
# Enqueue at once: jobs are enqueued by the scheduler, never from inside a request transaction.
RQ = {"COMMIT_MODE": "auto"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

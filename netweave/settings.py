"""netweave's one settings module, driven by environment variables.

Every setting that differs between a laptop demo, the test suite and production is read from
the environment here, and nowhere else (the way healthchecks does it). `docs/configuration.md`
lists the variables.
"""

from __future__ import annotations

import os
from datetime import timedelta
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
# The hash key before a change, so `netweave rotate_keys --rehash` can recompute the hashes.
NETWEAVE_HASH_KEY_PREVIOUS = os.environ.get("NETWEAVE_HASH_KEY_PREVIOUS", "")
# Keys that encrypt contact details and notes at rest: "keyid:base64key,..." (the first encrypts,
# the others still decrypt, for rotation). Unset: one key derived from SECRET_KEY (demo, tests);
# `check --deploy` warns. Never stored in the database (docs/security.md).
NETWEAVE_ENCRYPTION_KEYS = os.environ.get("NETWEAVE_ENCRYPTION_KEYS", "")

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
    "netweave.exports",
    "netweave.imports",
    "netweave.web",
    "netweave.api",
    # django-ninja: its API docs page and the Swagger files it serves from this site (CSP).
    "ninja",
    "django_rq",
    # Accounts and hardening (docs/security.md): TOTP and recovery codes, login lockout.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "netweave.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where audited actions come from: address and browser (docs/privacy.md, "Audit log").
    "netweave.core.middleware.AuditOriginMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "netweave.core.middleware.ScopeMiddleware",
    "netweave.web.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
elif env_bool("NETWEAVE_PGBOUNCER", False):
    # Through PgBouncer in transaction mode (docs/scaling.md): consecutive transactions may
    # land on different server connections, so no server-side cursor may outlive one, and no
    # statement is prepared on a connection the next transaction may not get.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "netweave.core.auth.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2id's cost (netweave.core.auth.Argon2Hasher): OWASP's minimum by default; raise it on a
# server with cores to spare (a sign-in then costs more CPU; existing hashes are redone at the
# next sign-in).
NETWEAVE_ARGON2_MEMORY_KIB = int(os.environ.get("NETWEAVE_ARGON2_MEMORY_KIB", "19456"))
NETWEAVE_ARGON2_TIME_COST = int(os.environ.get("NETWEAVE_ARGON2_TIME_COST", "2"))
NETWEAVE_ARGON2_PARALLELISM = int(os.environ.get("NETWEAVE_ARGON2_PARALLELISM", "1"))
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
# The lockout gate first (django-axes), then Django's own check of the password.
AUTHENTICATION_BACKENDS = [
    "netweave.core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link works for three hours

# Two-factor (docs/security.md "Accounts"): organizers and admins must use a TOTP app unless
# NETWEAVE_REQUIRE_2FA is off; members may turn it on for themselves.
NETWEAVE_REQUIRE_2FA = env_bool("NETWEAVE_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("NETWEAVE_OTP_ISSUER", "netweave")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
NETWEAVE_RECOVERY_CODES = 10
# Organizers and admins see the most: their sessions end sooner than members' (hours).
NETWEAVE_ORGANIZER_SESSION_HOURS = int(os.environ.get("NETWEAVE_ORGANIZER_SESSION_HOURS", "12"))

# Login lockout (django-axes): five wrong passwords for one username from one address lock that
# pair out for 30 minutes. The pair, not the username alone, so nobody can lock an organizer out
# from elsewhere; the per-address rate limit below catches one address trying many usernames.
# With Redis, attempts are counted in the cache, shared by every worker, and no IP address is
# kept in the database (data minimisation); without it, in the database (a process's memory
# would count each worker apart). Successful logins are never logged with their address.
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = int(os.environ.get("NETWEAVE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NETWEAVE_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "netweave.web.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "netweave.core.ratelimit.client_ip"
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For (0: use the peer address).
NETWEAVE_PROXY_COUNT = int(os.environ.get("NETWEAVE_PROXY_COUNT", "0"))

# Rate limits, "count/seconds" per client address (netweave/core/ratelimit.py); each can be
# changed with NETWEAVE_RATE_<NAME>, e.g. NETWEAVE_RATE_SIGNUP=120/600. Sign-ups are generous:
# a whole film showing may sign up through one venue's wifi.
NETWEAVE_RATE_LIMITS = {
    name: os.environ.get(f"NETWEAVE_RATE_{name.upper()}", default)
    for name, default in {
        "login": "30/600",
        "reset": "5/3600",
        "reset_address": "3/3600",
        "signup": "60/600",
        "rsvp": "60/600",
        "invite": "30/600",
        "link": "60/600",
        "twofactor": "10/600",
        # The JSON API, per token (or per signed-in user): docs/api.md.
        "api": "600/60",
    }.items()
}

# --- Cache ----------------------------------------------------------------------------------
# Rate limits and lockouts live here: Redis in production (NETWEAVE_CACHE_URL=redis://...),
# shared by every worker; this process's memory by default (the embedded demo).
NETWEAVE_CACHE_URL = os.environ.get("NETWEAVE_CACHE_URL", "")
if NETWEAVE_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": NETWEAVE_CACHE_URL, "KEY_PREFIX": "netweave"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler" if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "axes.handlers.database.AxesDatabaseHandler"
)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # members; organizers: NETWEAVE_ORGANIZER_SESSION_HOURS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("NETWEAVE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("NETWEAVE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only allows a submission to the browsers' list; NETWEAVE_HSTS_PRELOAD=0
# where a subdomain must stay on plain HTTP.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("NETWEAVE_HSTS_PRELOAD", True)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The __Host- prefix makes browsers refuse these cookies unless Secure, for this host only.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Content security policy (django-csp): scripts, styles and images from this site only, no
# inline script or style, no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Features no page uses, refused to every frame (netweave.web.middleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

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
# Webhooks may not target loopback, private or link-local addresses (the server's own
# network) unless this is on: a trusted single-organization install, or the tests.
NETWEAVE_WEBHOOK_ALLOW_PRIVATE = env_bool("NETWEAVE_WEBHOOK_ALLOW_PRIVATE", False)
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

"""SI-KOTAN settings: one module, configured by environment variables (listed in README.md)."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int, minimum: int = 0) -> int:
    raw = env(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("KOTAN_DEBUG", False)

SECRET_KEY = env("KOTAN_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Development and tests only: a throwaway key, sessions do not survive a restart.
        SECRET_KEY = "dev-" + secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "KOTAN_SECRET_KEY (or KOTAN_SECRET_KEY_FILE) must be set when KOTAN_DEBUG is off."
        )
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("KOTAN_SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = envlist("KOTAN_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = envlist("KOTAN_CSRF_TRUSTED_ORIGINS")
# The address in links of messages sent without a request (reminders, notifications by email).
KOTAN_SITE_URL = env(
    "KOTAN_SITE_URL",
    "http://127.0.0.1:8000"
    if DEBUG or TESTING or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")

# Background work: Django's Tasks API (django-tasks backport). By default on the database
# backend, which needs nothing but the database; `kotan db_worker` runs what is enqueued (make run
# starts one). KOTAN_TASKS_BACKEND=rq puts the queue on Redis (KOTAN_REDIS_URL) for production,
# run by `kotan rqworker default`. Either way `kotan scheduler` enqueues the periodic jobs.
TASKS_BACKEND = env("KOTAN_TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("KOTAN_TASKS_BACKEND must be 'database' or 'rq'.")
RQ_QUEUES = {"default": {"URL": env("KOTAN_REDIS_URL", "redis://127.0.0.1:6379/0")}}

# The periodic jobs: name -> (task, cron expression in KOTAN_TIME_ZONE, keyword arguments).
# `kotan scheduler` enqueues each when due; every job is idempotent, so a job enqueued twice
# (two schedulers, a restart) sends nothing twice. README "Periodic jobs" lists them.
KOTAN_SCHEDULE: dict[str, tuple[str, str, dict[str, object]]] = {
    "reprocess_pending": (
        "kotan.collection.tasks.reprocess_pending_submissions",
        "*/10 * * * *",
        {"older_than_seconds": 600},
    ),
    "purge_drafts": ("kotan.collection.tasks.purge_drafts", "30 2 * * *", {"days": 30}),
    "deliver_email": ("kotan.notifications.tasks.deliver_email", "* * * * *", {}),
    "reap_stale_jobs": (
        "kotan.jobs.tasks.reap_stale_jobs",
        "*/5 * * * *",
        {"minutes": 30, "queued_hours": 24},
    ),
    "purge_job_results": ("kotan.jobs.tasks.purge_job_results", "15 3 * * *", {"days": 30}),
    "follow_up_reminders": ("kotan.monev.tasks.follow_up_reminders", "30 6 * * *", {}),
    "warn_expiring_links": (
        "kotan.collection.tasks.warn_expiring_links",
        "45 6 * * *",
        {"days": 3},
    ),
    "send_reminders": ("kotan.outreach.tasks.send_reminders", "0 7 * * *", {}),
}

# Email: every message is queued in the database (django-post-office) and sent by the
# `deliver_email` job through the delivery backend, so a failing mail server never blocks a page;
# a failed message is marked failed and retried later. KOTAN_EMAIL_BACKEND: console (default),
# file (into var/mail), smtp (KOTAN_EMAIL_HOST, _PORT, _USER, _PASSWORD, _USE_TLS).
EMAIL_BACKEND = "post_office.EmailBackend"
_EMAIL_DELIVERY = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
_email_kind = env("KOTAN_EMAIL_BACKEND", "memory" if TESTING else "console")
if _email_kind not in _EMAIL_DELIVERY:
    raise ImproperlyConfigured(f"KOTAN_EMAIL_BACKEND must be one of {', '.join(_EMAIL_DELIVERY)}.")
POST_OFFICE = {
    "BACKENDS": {"default": _EMAIL_DELIVERY[_email_kind]},
    "DEFAULT_PRIORITY": "medium",  # queued, never sent inside the request
    "MAX_RETRIES": 5,
    "RETRY_INTERVAL": timedelta(minutes=15),
    "MESSAGE_ID_ENABLED": True,
    "CELERY_ENABLED": False,
    "LOG_LEVEL": 1,  # failures only
}
EMAIL_FILE_PATH = env("KOTAN_EMAIL_FILE_PATH", str(BASE_DIR.parent.parent / "var" / "mail"))
EMAIL_HOST = env("KOTAN_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("KOTAN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env("KOTAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("KOTAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("KOTAN_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("KOTAN_EMAIL_FROM", "SI-KOTAN <no-reply@si-kotan.invalid>")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "auditlog",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "post_office",
    "kotan.core",
    "kotan.regions",
    "kotan.accounts",
    "kotan.notifications",
    "kotan.jobs",
    "kotan.instruments",
    "kotan.collection",
    "kotan.scoring",
    "kotan.dashboard",
    "kotan.monev",
    "kotan.outreach",
    "kotan.public",
    "kotan.demo",
]

MIDDLEWARE = [
    # First: a body over the limit is refused before anything reads it.
    "kotan.core.limits.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kotan.core.watchdog.DatabaseWatchdogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kotan.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "kotan.collection.limits.AnonymousLimitMiddleware",
    "kotan.core.errors.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotan.urls"
WSGI_APPLICATION = "kotan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kotan.accounts.context_processors.navigation",
                "kotan.notifications.context_processors.unread",
            ],
        },
    },
]

# SQLite file next to the checkout unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound on the server and psycopg preparing a statement once it has run five
        # times on a connection: the hot ingestion queries (a five-table join among them) then
        # skip PostgreSQL's planner, which cost more than running them (docs/performance.md).
        # Behind a transaction-pooling PgBouncer, set KOTAN_DB_PREPARE=0.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5 if envbool("KOTAN_DB_PREPARE", True) else None
        # A database that does not answer is given up quickly, so the request is answered
        # 503 (kotan.core.errors) and the client sends again, instead of hanging a worker
        # until the WSGI server kills it (docs/reliability.md).
        options.setdefault("connect_timeout", envint("KOTAN_DB_CONNECT_TIMEOUT", 3, minimum=1))
        statement_ms = envint("KOTAN_DB_STATEMENT_TIMEOUT", 20, minimum=1) * 1000
        options["options"] = f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}"
    # A persistent connection is checked before a request uses it: after a database restart
    # the first request opens a new connection instead of failing on the dead one.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("KOTAN_SQLITE_PATH", str(BASE_DIR.parent.parent / "var" / "kotan.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 10,  # seconds to wait for another writer before "database is locked"
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("KOTAN_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; Argon2 itself is checked in tests/accounts/test_auth.py.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout: after KOTAN_LOGIN_FAILURE_LIMIT failures for one username from one address.
AXES_FAILURE_LIMIT = envint("KOTAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("KOTAN_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Not per username alone: anyone could then lock any official out (a denial of service on a
# field system whose offices share one address). Behind a reverse proxy the client address is
# the proxy's unless its hops are declared here; then X-Forwarded-For gives the real one.
PROXY_COUNT = envint("KOTAN_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "kotan.core.network.client_address"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("KOTAN_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("KOTAN_STATIC_ROOT", str(BASE_DIR.parent.parent / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(env("KOTAN_MEDIA_ROOT", str(BASE_DIR.parent.parent / "var" / "media")))

# Security: safe by default, relaxed only for local development.
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("KOTAN_SESSION_HOURS", 8, minimum=1) * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("KOTAN_SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = envint("KOTAN_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("KOTAN_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way decision for the domain owner, not for the application.
    "security.W021",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KOTAN_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Limits on request bodies and on anonymous senders (README, docs/architecture.md "Limits").
# One limit for every request body, checked on Content-Length before anything is read; the
# reverse proxy's client_max_body_size should be the same (nginx: 25m).
KOTAN_MAX_REQUEST_BYTES = envint("KOTAN_MAX_REQUEST_MB", 25, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Anonymous POSTs per address and ten minutes (an office behind one address included).
KOTAN_ADDRESS_REQUESTS = envint("KOTAN_ANONYMOUS_REQUESTS_PER_ADDRESS", 600, minimum=1)
RATELIMIT_ENABLE = envbool("KOTAN_RATE_LIMITS", not TESTING)
RATELIMIT_IP_META_KEY = "REMOTE_ADDR"
SESSION_REMEMBER_DAYS = envint("KOTAN_REMEMBER_DEVICE_DAYS", 30, minimum=1)
CSRF_FAILURE_VIEW = "kotan.core.errors.csrf_failure"
# /health/ gives the database this long before answering 503.
KOTAN_HEALTH_TIMEOUT = 2.0
# A database that stops answering (frozen, not refused) is found by a watchdog thread per
# worker, which answers 503 and frees workers waiting on it (kotan.core.watchdog).
KOTAN_DB_WATCHDOG = envbool(
    "KOTAN_DB_WATCHDOG",
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not TESTING,
)
# SELECT 1 slower than this counts as a database that stopped answering.
KOTAN_DB_WATCHDOG_SECONDS = envint("KOTAN_DB_WATCHDOG_MS", 1000, minimum=100) / 1000

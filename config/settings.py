"""Settings for Kyoso Desk, read from the environment.

Defaults are safe for production and fail closed: DEBUG is off unless ``DJANGO_DEBUG=1``, and
with DEBUG off a missing ``DJANGO_SECRET_KEY`` or ``DJANGO_ALLOWED_HOSTS`` stops start-up with a
message that says which. The development conveniences (DEBUG, a development key, local host
names) are switched on by ``make run`` (``DJANGO_DEBUG=1``), never by omission. Everything
else works with no configuration: SQLite in the project folder, tasks run inline (no broker),
e-mail printed to the console in debug. Production sets the variables documented in
README.md and ``.env.example``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-kyoso-desk"
SECRET_KEY = env("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production). Set it to a long "
        "random string, or run `make run` for development (DJANGO_DEBUG=1)."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off (production): the host names "
        "the site answers to, comma-separated, e.g. desk.city.example.jp."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "csp",
    "rules",
    "core",
    "proposals",
    "themes",
    "reviews",
    "projects",
    "demo",
]

MIDDLEWARE = [
    # First: when the request arrived (deadlines), its reference (error pages), /healthz.
    "core.middleware.RequestStampMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header, on every response (kept public pages included).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Kept public pages go out here, before sessions, CSRF and authentication (projects).
    "projects.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear 429 page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in the project folder by default; DATABASE_URL (postgres://…) switches to PostgreSQL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Keep connections between requests, and check one before reusing it: a database that
        # restarted costs one reconnect, not an error page.
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for a writer instead of failing at once ("database is locked").
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # Tests use a file, not shared-cache memory: threads (live server, worker, races) then wait
    # for the lock like production does instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"kyoso-test-{os.getpid()}.sqlite3")
    }
else:
    # Japanese trigram search needs a UTF-8 ctype; template0 lets the test database choose it.
    DATABASES["default"].setdefault("TEST", {}).update({"TEMPLATE": "template0", "CHARSET": "UTF8"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Kyoso's permissions (kyoso.…) are the predicates of core.rules, through django-rules.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "proposals:list"
LOGOUT_REDIRECT_URL = "home"
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out login may try again after 15 minutes
# Lock the pair (this account from this address), never an address alone: everyone behind a
# city's or a company's proxy shares one address. Floods from one address are stopped by the
# sign-in rate limit instead (core.antispam, scope "login").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same client address every per-address feature uses (core.clientip, CLIENT_IP_HEADER), and
# the account as the login matches it (any case, spaces trimmed): core.signin.
AXES_CLIENT_IP_CALLABLE = "core.signin.axes_client_ip"
AXES_USERNAME_CALLABLE = "core.signin.axes_username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "core/account/lockout.html"
# Public forms: a honeypot field and a minimum time to fill them in (core.antispam), and
# per-IP limits {name: (requests, seconds)}; defaults in core.antispam.DEFAULT_RATE_LIMITS.
ANTISPAM_MIN_FILL_SECONDS = int(env("ANTISPAM_MIN_FILL_SECONDS", "3"))
# Only behind a proxy you control: the request.META key of the header that carries the
# client's address (e.g. HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR: its first address). One
# setting for rate limits, sign-in lock-outs and the audit log (core.clientip).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER") or None
# Behind a proxy you control: the request.META key of the header in which the proxy stamps
# when the request reached it (nginx: proxy_set_header X-Request-Start "t=${msec}";). Deadlines
# are judged by that moment (core.arrival); without it, by when the first middleware ran.
REQUEST_START_HEADER = env("REQUEST_START_HEADER") or None
# A stamp older than this (seconds) is not believed (a clock far off, or a forged header):
# the arrival is then taken as now minus this.
REQUEST_START_MAX_AGE = float(env("REQUEST_START_MAX_AGE", "120"))

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: stored outside the static root, served only through checked views.
MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Limits stated on the forms: per file and per proposal (all files together).
UPLOAD_MAX_FILE_BYTES = int(env("UPLOAD_MAX_FILE_MB", "10")) * 1024 * 1024
UPLOAD_MAX_TOTAL_BYTES = int(env("UPLOAD_MAX_TOTAL_MB", "30")) * 1024 * 1024
# Django keeps uploads above this in a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A file over UPLOAD_MAX_FILE_BYTES is not stored; the form keeps everything typed and says
# which file was too large (core.upload_handlers).
FILE_UPLOAD_HANDLERS = [
    "core.upload_handlers.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache and sessions ---------------------------------------------------------------------
# No state in the web process: the cache lives in the database (or Redis when REDIS_CACHE_URL
# is set), sessions in the database, so more web processes can share one PostgreSQL and Redis.
REDIS_CACHE_URL = env("REDIS_CACHE_URL")
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache when Redis is down (core.cache).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": env("REDIS_CACHE_URL"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kyoso_cache",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A business member stays signed in for two weeks (Django's default); the city's people
# (desk, departments, reviewers, administrators), who open confidential proposals, for
# STAFF_SESSION_HOURS (8: a working day) — set when they sign in (core.receivers).
STAFF_SESSION_SECONDS = int(float(env("STAFF_SESSION_HOURS", "8")) * 3600)

# --- Tasks ----------------------------------------------------------------------------------
# With no broker, tasks run inline (eager). That is the embedded default, reported at start-up
# and on /status; CELERY_BROKER_URL=redis://… switches to a real queue and worker.
TASKS_INLINE = not env("CELERY_BROKER_URL")
# Inline, Celery still builds (never opens) a producer: give it the in-memory transport
# rather than a default AMQP address on localhost.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = TASKS_INLINE
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it finished, and given back to the queue if its worker process
# died (every task here is safe to run again: each checks what is already done).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message unacknowledged this long is delivered again (a worker killed outright); longer
# than the longest task's time limit, shorter than the broker's default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
# A web process that cannot reach the broker gives up quickly: the task is kept in the task
# outbox (core.jobs) and sent later, and the user is answered at once.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# No task runs for ever: a soft limit raises inside the task (it records its failure), the
# hard limit kills it. Exports and PDFs get longer ones (their tasks say so).
CELERY_TASK_SOFT_TIME_LIMIT = int(env("TASK_SOFT_TIME_LIMIT", "120"))
CELERY_TASK_TIME_LIMIT = int(env("TASK_TIME_LIMIT", "150"))
# Three queues, so a hanging SMTP server never delays an export and a long export never delays
# an e-mail: "mail" (delivery), "exports" (CSV exports, PDFs, the static site), "default"
# (everything else). `make worker` consumes all three; production runs a worker per queue.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "core.tasks.send_outbound_email": {"queue": "mail"},
    "core.tasks.send_pending_email": {"queue": "mail"},
    "proposals.tasks.build_export": {"queue": "exports"},
    "projects.tasks.build_list_pdf": {"queue": "exports"},
    "projects.tasks.export_public_site": {"queue": "exports"},
    "projects.tasks.refresh_public_outputs": {"queue": "exports"},
}
CELERY_BEAT_SCHEDULE = {
    # Each periodic job is also a management command, so cron can run it instead.
    "worker-heartbeat": {"task": "core.tasks.record_heartbeat", "schedule": 60.0},
    # Retries e-mails whose first delivery failed (manage.py send_pending_email for cron).
    "send-pending-email": {
        "task": "core.tasks.send_pending_email",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Hands the broker the tasks it refused while it was down (manage.py send_queued_tasks).
    "sweep-queued-tasks": {
        "task": "core.tasks.sweep_queued_tasks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Marks exports whose heartbeat stopped (a killed worker) as failed, with a retry button
    # (manage.py fail_stalled_exports).
    "fail-stalled-exports": {
        "task": "proposals.tasks.fail_stalled_exports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Referral reminders (before the deadline and when overdue): manage.py send_referral_reminders
    "referral-reminders": {
        "task": "proposals.tasks.send_referral_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Reminds reviewers once of unsubmitted reviews: manage.py send_review_reminders
    "review-reminders": {
        "task": "reviews.tasks.send_review_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # The desk's morning digest of overdue answers: manage.py send_daily_digest
    "daily-digest": {
        "task": "proposals.tasks.send_daily_digest",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "共創デスク <desk@example.jp>")

# --- The desk -------------------------------------------------------------------------------
RECEIPT_PREFIX = env("RECEIPT_PREFIX", "KD")
MUNICIPALITY_NAME = env("MUNICIPALITY_NAME", "共創市")
MUNICIPALITY_NAME_EN = env("MUNICIPALITY_NAME_EN", "Kyoso City")
MUNICIPALITY_CODE = env("MUNICIPALITY_CODE", "401307")  # 全国地方公共団体コード (Fukuoka City)
# The duty to answer: days from intake to the desk's first response before a proposal is
# flagged as overdue on the dashboard and in the daily digest.
DESK_RESPONSE_TARGET_DAYS = int(env("DESK_RESPONSE_TARGET_DAYS", "14"))
# Referral reminders go this many days before the deadline (and once when it has passed).
REFERRAL_REMINDER_DAYS = int(env("REFERRAL_REMINDER_DAYS", "2"))
# Exports up to this many rows are built during the request; larger ones run as a job.
EXPORT_INLINE_MAX_ROWS = int(env("EXPORT_INLINE_MAX_ROWS", "2000"))
DESK_NAME = _("Kyoso Desk")

# --- Public site and open data --------------------------------------------------------------
# The PDF of the public list is rendered during the request up to this many rows; a longer list
# is built by a Celery job and the visitor sees a "being prepared" page until it is ready.
PUBLIC_PDF_INLINE_MAX_ROWS = int(env("PUBLIC_PDF_INLINE_MAX_ROWS", "200"))
# A folder the static copy of the public site is regenerated into after every public change
# (manage.py export_public_site writes the same on demand). Empty: no automatic export.
PUBLIC_SITE_EXPORT_DIR = env("PUBLIC_SITE_EXPORT_DIR")
# Each web process keeps the public pages it rendered and asks the shared cache whether
# anything public changed at most this often (seconds): a publication is on every node's
# pages within this time. 0 asks on every request.
PUBLIC_CACHE_RECHECK_SECONDS = float(env("PUBLIC_CACHE_RECHECK_SECONDS", "1"))
# While the shared cache (Redis) is down, each process keeps public pages this long on its own.
PUBLIC_CACHE_OUTAGE_SECONDS = float(env("PUBLIC_CACHE_OUTAGE_SECONDS", "5"))

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A form refused for its CSRF token gets our page, in the visitor's language.
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
# Content-Security-Policy (django-csp): our own origin only, no inline script or style, no
# plugin, no framing. Pages carry no JavaScript; every style is in static/css. Images may be
# data: URLs (the charts are inline SVG, which needs nothing here).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line of a request carries its reference (X-Request-ID, printed on the 500 page).
    "filters": {"reference": {"()": "core.log_filters.RequestReferenceFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s [%(reference)s]: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["reference"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # oletools narrates every file it opens at INFO.
        "olevba": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

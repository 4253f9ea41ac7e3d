from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Counted and read on every page, as the query-count tests expect; tests/alerts/test_views.py
# tests/policy/test_kept_settings.py, tests/journal/test_kept_bells.py and
# tests/security/test_hardening.py turn the cache on to test it.
NAVIGATION_COUNTS_CACHE_SECONDS = 0
SCHOOL_SETUP_CACHE_SECONDS = 0
SESSION_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFY_SMS_BACKEND = "notify.sms.LocmemSmsBackend"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("PRIVATE_MEDIA_ROOT", default="/tmp/attendance-test-media")
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; the worker tests point Celery at the real broker themselves
# (and start celery beat with CELERY_TASK_ALWAYS_EAGER=0, so that it queues its tasks).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
LANGUAGE_CODE = "ru"
# Static files come from the app directories (WHITENOISE_USE_FINDERS); no collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

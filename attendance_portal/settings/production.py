from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = False
# Static files come from collectstatic's hashed, compressed copies, never from the finders.
WHITENOISE_USE_FINDERS = False
if SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
if not env.str("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production.")

# HTTPS only, by default: `manage.py check --deploy` passes without any of these set.
# DJANGO_HTTPS=0 is for an install served over plain HTTP (docker-compose tried on a laptop,
# a school network without certificates): it turns the secure cookies, the redirect and
# HSTS off at once; each variable below still overrides its own default.
HTTPS = env.bool("DJANGO_HTTPS", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=HTTPS)
# The TLS-terminating proxy in front says the request came over HTTPS with this header; it
# must overwrite any X-Forwarded-Proto the client sent.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A year, for the host and its subdomains; preload only says the site would accept a place
# on the browsers' preload list (nothing is submitted by it).
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
CACHES = {"default": env.cache("CACHE_URL", default="redis://redis:6379/1")}
# A Redis that stops answering (rather than refusing) must cost a page a fraction of a
# second: every page reads the navigation counts from the cache and falls back to the
# database on an error (alerts/navigation.py), and redis-py waits 5 s by default, which
# would hold every web worker that long on every page.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same, reusing its redis-py client (attendance_portal/redis_cache.py).
    CACHES["default"]["BACKEND"] = "attendance_portal.redis_cache.RedisCache"
    CACHE_TIMEOUT = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=CACHE_TIMEOUT, socket_timeout=CACHE_TIMEOUT
    )

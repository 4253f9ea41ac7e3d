import pytest

from .servers import RedisServer, celery_publishing_to


@pytest.fixture
def redis(tmp_path, settings):
    """A Redis of the test's own — the broker, and the cache as in production — that the
    test may stop without disturbing the others; this process queues tasks to it."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url.removesuffix("/0") + "/1",
        }
    }
    try:
        with celery_publishing_to(server.url):
            yield server
    finally:
        server.stop()

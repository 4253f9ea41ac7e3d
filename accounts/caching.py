"""Reads kept in the cache (Redis in production) for a while, forgotten when they change.

For what every page or tap reads and people rarely change (the navigation bar's counts, a
school's settings and bells): :func:`kept` answers from the cache, or reads and keeps the
value for ``seconds`` (0: read every time; the test settings read every time); :func:`forget`
deletes keys at once and again when the transaction commits, since a request that read the
old value in between would keep it. With the cache down (Redis) the value is read from the
database and the page still answers; a forget that fails is logged and the value ends with
its timeout.
"""

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")


def kept(key: str, seconds: int, read: Callable[[], T]) -> T:
    """The value under ``key``, read by ``read()`` and kept ``seconds`` when it is missing
    (``read`` must not answer None)."""
    if not seconds:
        return read()
    try:
        value = cache.get(key)
    except Exception:  # Redis down: read from the database
        logger.warning("%s read without the cache: cache down", key)
        return read()
    if value is None:
        value = read()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("%s not kept: cache down", key)
    return value


def _delete(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # Redis down: the change itself stands
        logger.warning("%s not forgotten: cache down", ", ".join(keys))


def forget(keys: Iterable[str]) -> None:
    """The next read of ``keys`` goes to the database: deleted now, and again on commit."""
    keys = list(keys)
    if keys:
        _delete(keys)
        transaction.on_commit(lambda: _delete(keys))

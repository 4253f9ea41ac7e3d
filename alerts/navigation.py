"""The navigation bar's counts (unread notifications, overdue tasks), kept per user.

Every full page shows them, and building their query took a twelfth of the web workers'
time under load (issue 14), so they are kept in the cache for
``NAVIGATION_COUNTS_CACHE_SECONDS`` per user (0: not kept; the test settings count them on
every page). The user's own reading and completing forgets them, at once and again when
the change commits; what others do (a new alert, a task handed over) shows within the
minute. The inbox and the task list themselves are always read live. With the cache down
(Redis), the counts come from the database and every page still shows.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Func, IntegerField, Subquery
from django.utils import timezone

from accounts.models import User

from .models import Notification, Task
from .rules import own_tasks_q

logger = logging.getLogger(__name__)


def _cache_key(user_id: int) -> str:
    return f"alerts:navigation-counts:{user_id}"


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery (0 when nothing matches)."""
    counted = queryset.order_by().annotate(
        count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("count")[:1], output_field=IntegerField())


def _read(user) -> dict:
    """Both counts in one query."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    overdue = Task.objects.filter(
        own_tasks_q(user), status=Task.Status.OPEN, due_date__lt=timezone.localdate()
    )
    return (
        User.objects.filter(pk=user.pk).values(unread=_count(unread), overdue=_count(overdue)).get()
    )


def navigation_counts_of(user) -> dict:
    """{"unread": n, "overdue": n} of ``user``, from the cache when it has them."""
    seconds = settings.NAVIGATION_COUNTS_CACHE_SECONDS
    if not seconds:
        return _read(user)
    key = _cache_key(user.pk)
    try:
        counts = cache.get(key)
    except Exception:  # Redis down: counted from the database
        logger.warning("Navigation counts read without the cache: cache down")
        return _read(user)
    if counts is None:
        counts = _read(user)
        try:
            cache.set(key, counts, seconds)
        except Exception:
            logger.warning("Navigation counts not kept: cache down")
    return counts


def _forget(user_id: int) -> None:
    try:
        cache.delete(_cache_key(user_id))
    except Exception:  # Redis down: the change itself stands
        logger.warning("Navigation counts of user %s not forgotten: cache down", user_id)


def forget_navigation_counts(user_id: int) -> None:
    """The user's counts are read again on their next page: forgotten now, and again when
    the transaction commits (a page drawn in between would keep the old counts)."""
    _forget(user_id)
    transaction.on_commit(lambda: _forget(user_id))

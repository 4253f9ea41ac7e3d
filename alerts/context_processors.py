"""Counts for the navigation bar: unread notifications and the user's overdue tasks.

They are kept in the cache for a minute per user: every full page shows them, and building
their query took a twelfth of the web workers' time under load (issue 14). A user's own
reading and completing forgets them at once (``forget_navigation_counts``); what others do
(a new alert, a task handed over) shows within ``NAVIGATION_COUNTS_CACHE_SECONDS`` (0: not
cached; the test settings count them on every page). The inbox and the task list themselves
are always read live.
"""

import logging
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Func, IntegerField, Subquery
from django.utils import timezone

from accounts.models import User

from .models import Notification, Task
from .rules import own_tasks_q

logger = logging.getLogger(__name__)


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery (0 when nothing matches)."""
    counted = queryset.order_by().annotate(
        count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("count")[:1], output_field=IntegerField())


def _cache_key(user_id: int) -> str:
    return f"alerts:navigation-counts:{user_id}"


def forget_navigation_counts(user_id: int) -> None:
    """The user's counts are read again on their next page (within the cache's time when
    the cache is down: the reading or completing itself stands)."""
    try:
        cache.delete(_cache_key(user_id))
    except Exception:  # Redis down
        logger.warning("Navigation counts of user %s not forgotten: cache down", user_id)


class NavigationCounts:
    """Both counts in one query, run only when a template shows one of them and the cache
    has not got them (pages without the navigation bar, htmx fragments, pay nothing)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _counts(self) -> dict:
        seconds = settings.NAVIGATION_COUNTS_CACHE_SECONDS
        if not seconds:
            return self._read()
        key = _cache_key(self.user.pk)
        try:
            counts = cache.get(key)
        except Exception:  # Redis down: every page still shows, counted from the database
            logger.warning("Navigation counts read without the cache: cache down")
            return self._read()
        if counts is None:
            counts = self._read()
            try:
                cache.set(key, counts, seconds)
            except Exception:
                logger.warning("Navigation counts not kept: cache down")
        return counts

    def _read(self) -> dict:
        unread = Notification.objects.filter(user=self.user, read_at__isnull=True)
        overdue = Task.objects.filter(
            own_tasks_q(self.user), status=Task.Status.OPEN, due_date__lt=timezone.localdate()
        )
        return (
            User.objects.filter(pk=self.user.pk)
            .values(unread=_count(unread), overdue=_count(overdue))
            .get()
        )

    @property
    def unread(self) -> int:
        return self._counts["unread"] or 0

    @property
    def overdue(self) -> int:
        return self._counts["overdue"] or 0


def navigation_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_counts": NavigationCounts(user)}
